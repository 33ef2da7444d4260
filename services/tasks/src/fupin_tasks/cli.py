"""`fupin tasks …`: load a plan, run overdue detection for a date, show due dates."""
from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Tasks: the plan's responsibility matrix, reports, deadlines, supervision.",
                  no_args_is_help=True)


async def _with_runtime(fn):  # noqa: ANN001, ANN202
    from fupin_shared.app import build_runtime

    from fupin_tasks.app import definition

    runtime = await build_runtime(definition())
    try:
        return await fn(runtime)
    finally:
        await runtime.engine.dispose()


@app.command("load-plan")
def load_plan_command(
        plan_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A plan of plan.json's shape")],
        units: Annotated[Path | None, typer.Option(help="Its units list (default: units.json beside it, "
                                                        "or a 'units' key in the plan)")] = None) -> None:
    """Load a plan (the next plan, or a corrected version) idempotently; events go out with the relay."""
    from fupin_tasks.config import config_for
    from fupin_tasks.plan.service import load_plan, read_plan_files

    async def run(runtime):  # noqa: ANN001, ANN202
        plan_doc, units_doc = read_plan_files(plan_file, units)
        return await load_plan(runtime.uow(), plan_doc, units_doc, config=config_for(runtime.settings),
                               actor="cli")

    from fupin_shared.http.problems import DomainError

    try:
        result = asyncio.run(_with_runtime(run))
    except DomainError as exc:
        typer.echo(json.dumps(exc.body(), ensure_ascii=False, indent=2), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"plan {result.plan_id}: {result.change} (version {result.version}; {result.tasks} tasks, "
               f"{result.units} units, {result.targets} targets)")


@app.command("detect-overdue")
def detect_overdue_command(
        today: Annotated[str | None, typer.Option(help="Judge as of this date (YYYY-MM-DD); default today")] = None
) -> None:
    """Publish what is overdue as of a date (reports, findings, missed targets); idempotent."""
    from fupin_shared.db import utc_now

    from fupin_tasks.config import config_for
    from fupin_tasks.overdue.service import detect_overdue

    async def run(runtime):  # noqa: ANN001, ANN202
        config = config_for(runtime.settings)
        day = date.fromisoformat(today) if today else config.schedule.cadence.today(utc_now())
        return await detect_overdue(runtime.uow(), today=day, config=config, actor="cli")

    result = asyncio.run(_with_runtime(run))
    typer.echo(f"as of {result.today}: {result.reports} reports overdue, {result.findings} findings overdue, "
               f"{result.targets} targets missed (newly published)")


@app.command("due-dates")
def due_dates_command(periods: Annotated[list[str], typer.Argument(help="e.g. 2019Q3 2019H1 2019")]) -> None:
    """Print the due date of each period's report on the working-day calendar."""
    from fupin_tasks.config import config_for
    from fupin_tasks.schedule.domain import Period
    from fupin_tasks.settings import get_settings

    schedule = config_for(get_settings()).schedule
    for code in periods:
        period = Period.parse(code)
        typer.echo(f"{period.code}\t{period.label_zh}\tends {period.end}\tdue {schedule.due_on(period)}")
