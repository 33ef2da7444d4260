"""``fupin assessment …``: check a framework file, draw a verification sample, start scoring."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Assessment (考核评估): frameworks, scoring, verification samples.", no_args_is_help=True)


@app.command("check-framework")
def check_framework(path: Path) -> None:
    """Validate a framework JSON file (weights per subject kind sum to 100, sources, rules, grades)."""
    from pydantic import ValidationError

    from fupin_assessment.frameworks.domain import framework_problems
    from fupin_assessment.frameworks.schemas import FrameworkIn

    try:
        doc = FrameworkIn.model_validate_json(path.read_bytes()).model_dump(mode="json")
    except ValidationError as exc:
        typer.echo(exc, err=True)
        raise typer.Exit(1) from exc
    problems = framework_problems(doc)
    for p in problems:
        typer.echo(f"{p['pointer']}: {p['detail']}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"{path}: valid ({len(doc['indicators'])} indicators)")


def _uows():  # noqa: ANN202
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from fupin_assessment.app import MIGRATIONS
    from fupin_assessment.db import AssessmentUow
    from fupin_assessment.settings import get_settings
    from fupin_shared.db.engine import create_engine_from_url
    from fupin_shared.db.migrations import upgrade

    settings = get_settings()
    upgrade(MIGRATIONS, settings.effective_database_url)
    engine = create_engine_from_url(settings.effective_database_url)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    return engine, (lambda: AssessmentUow(maker))


CLI_ACTOR = "fupin-cli"


def _principal():  # noqa: ANN202
    from fupin_shared.auth.principal import CITY, Principal

    return Principal(sub=CLI_ACTOR, client_id=CLI_ACTOR, scopes=frozenset({"assessment:write"}), division=CITY)


@app.command()
def sample(year: Annotated[int, typer.Option()], seed: Annotated[str, typer.Option()],
           out: Annotated[Path, typer.Option(help="file to write (.csv or .xlsx)")],
           counties: int = 2, towns_per_county: int = 2, villages_per_town: int = 2,
           households_per_village: int = 10, disabled_min: int = 1) -> None:
    """Draw a verification sample (Guangdong rule) from the local copy of the registry and export it."""
    from fupin_assessment.sampling.export import sample_csv, sample_xlsx
    from fupin_assessment.sampling.schemas import SampleCreate
    from fupin_assessment.sampling.service import draw_sample
    from fupin_shared.auth.principal import CITY

    async def main() -> None:
        engine, uows = _uows()
        try:
            request = SampleCreate(year=year, seed=seed, counties=counties, towns_per_county=towns_per_county,
                                   villages_per_town=villages_per_town,
                                   households_per_village=households_per_village, disabled_min=disabled_min)
            row = await draw_sample(uows(), request, actor=_principal())
            async with uows() as uow:
                households = await uow.samples.households(row.id, within=CITY)
            out.write_bytes(sample_xlsx(row, households) if out.suffix == ".xlsx" else sample_csv(households))
            typer.echo(json.dumps({"sample_id": str(row.id), "households": row.households, "villages": row.villages,
                                   "frame_fingerprint": row.frame_fingerprint, "shortfalls": row.shortfalls},
                                  ensure_ascii=False))
        finally:
            await engine.dispose()

    asyncio.run(main())


@app.command("start-scoring")
def start_scoring(year: int) -> None:
    """Move the year's assessment from collecting to scoring if its frozen snapshot has arrived."""
    from fupin_assessment.assessments.service import start_scoring_if_ready

    async def main() -> bool:
        engine, uows = _uows()
        try:
            return await start_scoring_if_ready(uows(), year, actor=CLI_ACTOR)
        finally:
            await engine.dispose()

    moved = asyncio.run(main())
    typer.echo(f"{year}: {'scoring started' if moved else 'not moved (no snapshot yet, or not in collecting)'}")
    if not moved:
        raise typer.Exit(1)
