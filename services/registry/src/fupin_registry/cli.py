"""``fupin registry …`` (imports) and the top-level ``fupin demo-data``."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from fupin_shared.auth.principal import CITY

app = typer.Typer(help="The poor-population registry (建档立卡): bulk imports.", no_args_is_help=True)


def _progress():  # noqa: ANN202 - a rich Progress with the registry's columns
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[counts]}"),
                    TimeElapsedColumn(), TimeRemainingColumn())


def _counts(job) -> str:  # noqa: ANN001
    return (f"{job.households_created:,} new · {job.households_unchanged:,} unchanged · "
            f"{job.households_updated:,} updated · "
            f"{job.households_rejected:,} refused · {job.persons_created:,} persons")


async def _import(path: Path, *, division: str, actor: str, url: str | None) -> int:
    from rich.console import Console
    from rich.table import Table

    from fupin_registry.imports import reader, service
    from fupin_registry.settings import RegistrySettings
    from fupin_registry.standalone import open_registry

    console = Console()
    settings = RegistrySettings()
    async with open_registry(url or settings.effective_database_url) as registry:
        try:
            job = await service.create_job(registry.uow(), path=path.resolve(), filename=path.name,
                                           division=division, actor=actor)
        except reader.UnreadableFile as exc:
            console.print(f"[red]{path}: {exc}")
            return 2
        with _progress() as progress:
            task = progress.add_task(path.name, total=job.size_bytes, counts="")

            def on_batch(current) -> None:  # noqa: ANN001
                progress.update(task, completed=current.bytes_read, counts=_counts(current))

            job = await service.run_job(registry.uow, job.id, on_batch=on_batch)
            progress.update(task, completed=job.bytes_read, counts=_counts(job))
        async with registry.uow() as uow:
            errors = await uow.imports.errors(job.id, after=None, limit=20)
    table = Table(title=f"import {job.id}: {job.status}")
    for name in ("households_created", "households_unchanged", "households_updated", "households_rejected",
                 "persons_created",
                 "rows_rejected", "error_count"):
        table.add_row(name, f"{getattr(job, name):,}")
    console.print(table)
    for error in errors:
        console.print(f"row {error.row} [{error.column or '-'}] {error.reason}")
    if job.error_count > len(errors):
        console.print(f"… {job.error_count - len(errors):,} more: GET /registry/v1/imports/{job.id}/errors")
    if job.failure:
        console.print(f"[red]{job.failure}")
    return 1 if job.status == "failed" else 0


@app.command("import")
def import_file(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX in the import layout")],
        division: Annotated[str, typer.Option(help="rows outside this division are refused")] = CITY,
        actor: Annotated[str, typer.Option(help="recorded as the actor of the events")] = "cli",
        database_url: Annotated[str | None, typer.Option(help="default: the registry's configured database")] = None,
) -> None:
    """Import a county office's registry file (streamed, committed in batches with their events; re-importing
    the same file changes nothing). Template: GET /registry/v1/imports/template.xlsx."""
    raise typer.Exit(asyncio.run(_import(file, division=division, actor=actor, url=database_url)))


def demo_data(
        out: Annotated[Path | None, typer.Option(help="write the data set to this .csv or .xlsx file")] = None,
        households: Annotated[int | None, typer.Option(help="number of households (default 45,000)")] = None,
        persons: Annotated[int | None, typer.Option(help="about this many persons instead (≈2.3 per household)")] = None,
        seed: Annotated[int, typer.Option(help="the same seed gives the same data")] = 2017,
        load: Annotated[bool, typer.Option(help="load it into the registry's database through the bulk path")] = False,
        database_url: Annotated[str | None, typer.Option(help="with --load: default the configured database")] = None,
) -> None:
    """Generate a realistic registry (Zhaoqing's villages, ≈2.3 persons per household, statuses over 2016–2020,
    incomes around the lines) in the import layout; write it to a file and/or load it."""
    from rich.console import Console

    from fupin_registry import demodata

    if out is None and not load:
        raise typer.BadParameter("give --out FILE (.csv or .xlsx) and/or --load")
    count = demodata.households_for_persons(persons) if persons else (households or 45_000)
    console = Console()
    if out is not None:
        generator = demodata.Generator(seed)
        writer = demodata.write_xlsx if out.suffix.lower() == ".xlsx" else demodata.write_csv
        with console.status(f"generating {count:,} households"):
            written, people = writer(out, generator.households(count))
        console.print(f"{out}: {written:,} households, {people:,} persons (seed {seed})")
    if load:
        if out is not None:
            raise typer.Exit(asyncio.run(_import(out, division=CITY, actor="demo-data", url=database_url)))
        from fupin_registry.demo import load_generated

        async def run() -> None:
            from fupin_registry.settings import RegistrySettings
            from fupin_registry.standalone import open_registry

            async with open_registry(database_url or RegistrySettings().effective_database_url) as registry:
                with _progress() as progress:
                    task = progress.add_task("demo-data", total=count, counts="")

                    def on_batch(job) -> None:  # noqa: ANN001
                        progress.update(task, completed=job.households_created + job.households_unchanged + job.households_updated
                                        + job.households_rejected, counts=_counts(job))

                    job = await load_generated(registry.uow, households=count, seed=seed, on_batch=on_batch)
                console.print(f"{job.status}: {_counts(job)}")

        asyncio.run(run())


def register_top_level(root: typer.Typer) -> None:
    """Adds ``fupin demo-data`` and ``fupin feeds …``."""
    root.command("demo-data")(demo_data)
    from fupin_registry.feeds.cli import app as feeds_app
    root.add_typer(feeds_app, name="feeds")
