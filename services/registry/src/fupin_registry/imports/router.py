"""HTTP for bulk imports: upload (202 + job), progress and per-row errors, templates."""
from __future__ import annotations

import asyncio
import hashlib
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response

from fupin_registry.deps import RegistryReader, RegistryWriter, Uows
from fupin_registry.imports import reader, service, templates
from fupin_registry.imports.schemas import ImportPage, ImportRead, RowErrorPage, RowErrorRead
from fupin_shared.db import uuid7
from fupin_shared.http.deps import Cursor, IdempotencyDep
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import InvalidInput, problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["imports"])
MAX_UPLOAD_BYTES = 2 << 30
FIRST_ERRORS = 100


async def _spool(upload: UploadFile, target: Path) -> tuple[int, str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    size, digest = 0, hashlib.sha256()
    with target.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                out.close()
                target.unlink(missing_ok=True)
                raise InvalidInput([{"pointer": "#/file", "detail": "larger than 2 GiB"}])
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


@router.post("/imports", status_code=202, response_model=ImportRead, responses=problem_responses(422))
async def start_import(request: Request, uows: Uows, actor: RegistryWriter, idempotency: IdempotencyDep,
                       file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB18030) or XLSX, one row per "
                                                                    "person, Chinese headers (see the template)")]
                       ) -> Response:
    """Upload a county office's registry file: 202 with the job; the import runs in the background.
    Rows outside the caller's division are refused row by row. Honours Idempotency-Key."""
    runtime = request.app.state.runtime
    job_id = uuid7()
    suffix = ".xlsx" if (file.filename or "").lower().endswith(".xlsx") else ".csv"
    path = Path(runtime.settings.data_dir) / "imports" / f"{job_id}{suffix}"
    size, digest = await _spool(file, path)
    if size == 0:
        path.unlink(missing_ok=True)
        raise InvalidInput([{"pointer": "#/file", "detail": "the file is empty"}])

    async def action(uow: Any) -> Response:
        try:
            job = await service.create_job(uow, path=path, filename=file.filename or path.name,
                                           division=actor.division, actor=actor.sub, job_id=job_id)
        except reader.UnreadableFile as exc:
            path.unlink(missing_ok=True)
            raise InvalidInput([{"pointer": "#/file", "detail": str(exc)}]) from None
        runtime.extras.setdefault("imports_wakeup", asyncio.Event()).set()
        return json_response(ImportRead.of(job, []), status_code=202, headers={"Location": f"imports/{job.id}"})

    response = await idempotency.run(uows, client_id=actor.client_id,
                                     body={"file_sha256": digest, "filename": file.filename}, action=action)
    if response.headers.get("idempotent-replayed"):
        path.unlink(missing_ok=True)
    return response


@router.get("/imports", response_model=ImportPage, responses=problem_responses(400))
async def list_imports(uows: Uows, actor: RegistryReader, cursor: Cursor = None,
                       limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
    """Import jobs of the caller's division, newest first."""
    filters = {"division": actor.division}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        jobs = await uow.imports.page(within=actor.division, after=uuid.UUID(last[0]) if last else None, limit=limit)
    jobs, next_cursor = page_of(jobs, limit, lambda j: [str(j.id)], filters)
    return json_response(ImportPage(items=[ImportRead.of(j, []) for j in jobs], next_cursor=next_cursor))


@router.get("/imports/template.csv", include_in_schema=True, responses=problem_responses())
async def template_csv(actor: RegistryReader) -> Response:
    """The import template as CSV (UTF-8 with BOM)."""
    return Response(templates.csv_bytes(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="registry-import-template.csv"'})


@router.get("/imports/template.xlsx", responses=problem_responses())
async def template_xlsx(actor: RegistryReader) -> Response:
    """The import template as XLSX (ID numbers formatted as text; a second sheet explains the columns)."""
    return FileResponse(templates.XLSX_FILE, filename="registry-import-template.xlsx",
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.get("/imports/{job_id}", response_model=ImportRead, responses=problem_responses(404))
async def get_import(job_id: uuid.UUID, uows: Uows, actor: RegistryReader) -> Response:
    """Progress, counts and the first row errors (row numbers count the header as row 1)."""
    async with uows() as uow:
        job = await uow.imports.get(job_id, within=actor.division)
        errors = await uow.imports.errors(job_id, after=None, limit=FIRST_ERRORS)
    return json_response(ImportRead.of(job, errors[:FIRST_ERRORS]))


@router.get("/imports/{job_id}/errors", response_model=RowErrorPage, responses=problem_responses(404))
async def import_errors(job_id: uuid.UUID, uows: Uows, actor: RegistryReader, cursor: Cursor = None,
                        limit: Annotated[int, Query(ge=1, le=1000)] = 500) -> Response:
    """Every row error of the job, in file order of discovery."""
    filters = {"job": str(job_id)}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        await uow.imports.get(job_id, within=actor.division)
        rows = await uow.imports.errors(job_id, after=int(last[0]) if last else None, limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda e: [e.id], filters)
    return json_response(RowErrorPage(items=[RowErrorRead.of(e) for e in rows], next_cursor=next_cursor))
