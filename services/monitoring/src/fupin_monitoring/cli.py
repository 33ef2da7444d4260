"""``fupin monitoring …``: rebuild the view, reconcile it with the owners' counts, freeze a year.

Tokens: unless ``--token`` is given, the command signs its own short-lived token with the local
issuer's key file (``var/keys/signing-key.json``, as ``fupin token`` does), which the embedded
default and the local full stack both accept.
"""
from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import httpx
import typer

from fupin_monitoring.settings import MonitoringSettings

app = typer.Typer(help="The dynamic-monitoring view (动态监测): rebuild, reconcile, snapshots.", no_args_is_help=True)

CLI_SCOPES = ["monitoring:read", "monitoring:write", "registry:read", "funds:read", "tasks:read"]


def _settings() -> MonitoringSettings:
    return MonitoringSettings()


def _default_url(settings: MonitoringSettings, service: str) -> str:
    configured = {"monitoring": settings.api_url, "registry": settings.registry_url, "funds": settings.funds_url}[service]
    if configured:
        return configured
    if settings.mode == "embedded":
        return f"http://127.0.0.1:8000/{service}"
    return f"http://127.0.0.1:{ {'registry': 8001, 'funds': 8002, 'monitoring': 8005}[service] }"


def _token(settings: MonitoringSettings, token: str | None) -> str:
    if token:
        return token
    from fupin_shared.auth.issuer import Client, TokenIssuer
    from fupin_shared.auth.principal import CITY

    client = Client("monitoring-cli", "unused", tuple(CLI_SCOPES), CITY)
    return TokenIssuer(settings, {}).issue(client, CLI_SCOPES, ttl=3600)["access_token"]


def _print(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@app.command()
def rebuild(url: Annotated[str | None, typer.Option(help="monitoring API base URL of the running service")] = None,
            token: Annotated[str | None, typer.Option(help="bearer token (default: signed with the local key)")] = None,
            local: Annotated[bool, typer.Option(help="rebuild in this process while the service is stopped "
                                                     "(Kafka only: the in-process bus lives in the server)")] = False) -> None:
    """Replay every topic from the start into fresh tables and swap them in (see view/rebuild.py)."""
    settings = _settings()
    if local:
        if settings.bus != "kafka":
            raise typer.BadParameter("--local needs FUPIN_BUS=kafka: the in-process bus only exists inside the "
                                     "running server; call its API instead (without --local)")
        report = asyncio.run(_rebuild_local(settings))
    else:
        base = url or _default_url(settings, "monitoring")
        response = httpx.post(f"{base.rstrip('/')}/v1/rebuild", timeout=3600,
                              headers={"Authorization": f"Bearer {_token(settings, token)}"})
        if response.status_code != 200:
            _print(response.json() if "json" in response.headers.get("content-type", "") else response.text)
            raise typer.Exit(1)
        report = response.json()
    _print(report)


async def _rebuild_local(settings: MonitoringSettings) -> dict[str, Any]:
    from dataclasses import asdict

    from fupin_monitoring.app import definition
    from fupin_monitoring.view.rebuild import rebuild as run_rebuild
    from fupin_shared.app import build_runtime

    runtime = await build_runtime(definition(settings), migrate=False)
    await runtime.transport.start()
    try:
        return asdict(await run_rebuild(runtime))
    finally:
        await runtime.transport.stop()
        await runtime.engine.dispose()


@app.command()
def reconcile(registry_url: Annotated[str | None, typer.Option(help="registry API base URL")] = None,
              funds_url: Annotated[str | None, typer.Option(help="funds API base URL ('' to skip)")] = None,
              token: Annotated[str | None, typer.Option()] = None,
              settle: Annotated[float, typer.Option(help="seconds before re-checking what differed")] = 3.0,
              json_output: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Compare the view with the owners' own counts per county (households and persons by status,
    poor villages and their exits, money allocated per year); exit code 1 when they drift."""
    settings = _settings()
    report = asyncio.run(_reconcile(settings, registry_url or _default_url(settings, "registry"),
                                    _default_url(settings, "funds") if funds_url is None else funds_url,
                                    _token(settings, token), settle))
    if json_output:
        _print(report.as_dict())
    else:
        typer.echo(f"view: {report.view_events_applied} events applied, lag {report.view_lag_ms} ms; "
                   f"{report.requests} owner requests; compared {report.compared}")
        for note in report.notes:
            typer.echo(f"note: {note}")
        for diff in report.drift:
            typer.echo(f"DRIFT {diff.division} {diff.figure}: view {diff.view} ≠ owner {diff.owner}")
        typer.echo("no drift" if report.ok else f"{len(report.drift)} figure(s) drift")
    if not report.ok:
        raise typer.Exit(1)


async def _reconcile(settings: MonitoringSettings, registry_url: str, funds_url: str, token: str, settle: float):  # noqa: ANN202
    from fupin_monitoring.reconcile import client_for, reconcile as run
    from fupin_shared.db import create_engine_from_url

    engine = create_engine_from_url(settings.effective_database_url)
    registry = client_for(registry_url, token)
    funds = client_for(funds_url, token) if funds_url else None
    try:
        return await run(engine, registry=registry, funds=funds, settle=settle)
    finally:
        await registry.aclose()
        if funds is not None:
            await funds.aclose()
        await engine.dispose()


@app.command()
def freeze(year: int, url: Annotated[str | None, typer.Option()] = None,
           token: Annotated[str | None, typer.Option()] = None) -> None:
    """Freeze a year's snapshot through the API (published as YearSnapshotFrozen)."""
    settings = _settings()
    base = url or _default_url(settings, "monitoring")
    response = httpx.post(f"{base.rstrip('/')}/v1/snapshots/{year}/freeze", timeout=120,
                          headers={"Authorization": f"Bearer {_token(settings, token)}"})
    _print(response.json())
    if response.status_code != 201:
        raise typer.Exit(1)
