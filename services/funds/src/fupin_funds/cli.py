"""``fupin funds …``: ledger audit, overdue scan, demo data — built from the same settings as the service."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

import typer

app = typer.Typer(help="Funds: sources, allocation ledger, disbursements, disclosure, micro-credit.",
                  no_args_is_help=True)


def _with_runtime(work: Callable[[Any], Awaitable[Any]]) -> Any:
    from fupin_funds.app import definition
    from fupin_shared.app import build_runtime

    async def main() -> Any:
        runtime = await build_runtime(definition(), migrate=True)
        try:
            return await work(runtime)
        finally:
            await runtime.engine.dispose()

    return asyncio.run(main())


@app.command("check-ledger")
def check_ledger(division: Annotated[str, typer.Option(help="12-digit division code")] = "441200000000") -> None:
    """Recompute every ledger node from its entries; exit 1 if anything does not balance."""
    from fupin_funds.ledger.service import check_ledger as check

    checked, problems = _with_runtime(lambda runtime: check(runtime.uow(), within=division))
    if problems:
        typer.echo(json.dumps(problems, ensure_ascii=False, indent=2))
        typer.echo(f"{len(problems)} of {checked} nodes do not balance", err=True)
        raise typer.Exit(1)
    typer.echo(f"ledger balanced: {checked} nodes checked")


@app.command("mark-overdue")
def mark_overdue(on: Annotated[str | None, typer.Option(help="judge as of this date (YYYY-MM-DD)")] = None) -> None:
    """Mark micro-loans past their due date with principal outstanding as overdue (events recorded)."""
    from fupin_funds.loans.service import mark_overdue as mark

    day = date.fromisoformat(on) if on else None
    marked = _with_runtime(lambda runtime: mark(runtime.uow(), on=day))
    typer.echo(f"{marked} loans marked overdue")


@app.command("demo")
def demo(wait_for_registry: Annotated[float, typer.Option(help="seconds to wait for registry households")] = 0.0
         ) -> None:
    """Load the demo funds picture into the configured database (once; the relay publishes its events when
    the service runs)."""
    import logging

    from fupin_funds.demo import load_demo

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    _with_runtime(lambda runtime: load_demo(runtime, wait_for_registry_seconds=wait_for_registry))
