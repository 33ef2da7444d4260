"""The `fupin` command: run the embedded default or one service, workers, migrations, tokens."""
from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from pathlib import Path
from typing import Annotated

import typer

from fupin_platform.services import PORTS, SERVICES, installed, service_module

HEARTBEAT_SECONDS = 5.0

app = typer.Typer(help="Fupin (扶贫) — the precise-poverty-alleviation platform.", no_args_is_help=True)


def _definition(name: str):  # noqa: ANN202
    module = service_module(name)
    if module is None:
        raise typer.BadParameter(f"service {name} is not installed")
    return module.definition()


@app.command()
def run(host: str = "127.0.0.1", port: int = 8000,
        demo: Annotated[bool, typer.Option(help="Load the demo data set on first start")] = True) -> None:
    """The embedded default: every service in one process, SQLite, in-process bus."""
    import uvicorn

    from fupin_platform.embedded import create_embedded_app
    from fupin_shared.http.handlers import configure_logging

    configure_logging()
    uvicorn.run(create_embedded_app(load_demo=demo), host=host, port=port, log_config=None, lifespan="on")


@app.command()
def serve(service: str, host: str = "127.0.0.1", port: Annotated[int | None, typer.Option()] = None,
          workers: Annotated[bool, typer.Option(help="Run the relay and consumers in this process")] = True) -> None:
    """One service as its own process (the full stack): API, and by default its relay and consumers."""
    import os

    import uvicorn

    from fupin_shared.http.handlers import configure_logging

    os.environ[f"FUPIN_{service.upper()}_INLINE_WORKERS"] = "true" if workers else "false"
    configure_logging()
    module = service_module(service)
    if module is None:
        raise typer.BadParameter(f"service {service} is not installed")
    uvicorn.run(module.create_app(), host=host, port=port or PORTS[service], log_config=None, lifespan="on")


@app.command()
def worker(service: str, relay: bool = True, consumers: bool = True,
           heartbeat: Annotated[Path | None, typer.Option(
               envvar="FUPIN_WORKER_HEARTBEAT",
               help="File touched every few seconds while the relay and every consumer run "
                    "(container health checks read its age)")] = None) -> None:
    """Run a service's relay and/or consumers without HTTP (their own processes in production)."""
    from fupin_shared.app import build_runtime, start_workers, stop_runtime
    from fupin_shared.http.handlers import configure_logging

    configure_logging()

    async def main() -> None:
        runtime = await build_runtime(_definition(service), migrate=False)
        await runtime.transport.start()
        await start_workers(runtime, relay=relay, consumers=consumers)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        while not stop.is_set():
            # a relay or consumer task only ends on a bug; then the heartbeat goes stale and the
            # orchestrator restarts the process
            workers = [t for t in runtime.tasks if t.get_name() == "relay" or t.get_name().startswith("consumer:")]
            if heartbeat is not None and not any(t.done() for t in workers):
                heartbeat.parent.mkdir(parents=True, exist_ok=True)
                heartbeat.touch()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), HEARTBEAT_SECONDS)
        await stop_runtime(runtime, own_transport=True)

    asyncio.run(main())


@app.command()
def migrate(service: Annotated[str, typer.Argument(help="a service name or 'all'")] = "all",
            revision: str = "head") -> None:
    """Apply a service's Alembic migrations (its own version table)."""
    from fupin_shared.db.migrations import upgrade

    for name in (installed() if service == "all" else [service]):
        defn = _definition(name)
        upgrade(defn.migrations_dir, defn.settings.effective_database_url, revision)
        typer.echo(f"{name}: migrated to {revision}")


@app.command()
def token(client: Annotated[str, typer.Option("--client", help="demo client id")] = "city-admin",
          scope: Annotated[str | None, typer.Option(help="space-separated subset of the client's scopes")] = None,
          json_output: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print an access token for a client of the embedded issuer."""
    from fupin_platform.embedded import EmbeddedSettings
    from fupin_shared.auth.issuer import TokenIssuer

    issuer = TokenIssuer(EmbeddedSettings())
    if client not in issuer.clients:
        raise typer.BadParameter(f"unknown client {client!r}; one of {', '.join(issuer.clients)}")
    issued = issuer.issue(issuer.clients[client], scope.split() if scope else None)
    typer.echo(json.dumps(issued) if json_output else issued["access_token"])


keys_app = typer.Typer(help="Signing keys of the embedded issuer.")
app.add_typer(keys_app, name="keys")


@keys_app.command("rotate")
def rotate_keys() -> None:
    """Add a new signing key; the previous one stays in the JWKS until its tokens expire."""
    from fupin_platform.embedded import EmbeddedSettings
    from fupin_shared.auth.keys import rotate

    keys = rotate(EmbeddedSettings().auth_key_file)
    typer.echo(f"new signing key {keys[0]['kid']}; JWKS now holds {len(keys)} keys")


@app.command("asyncapi")
def asyncapi(service: Annotated[str | None, typer.Argument()] = None) -> None:
    """Print the AsyncAPI document of the events (all services, or one)."""
    from fupin_shared.contracts.asyncapi import asyncapi_document

    typer.echo(json.dumps(asyncapi_document(service), ensure_ascii=False, indent=2))


def _mount_service_commands() -> None:
    for name in SERVICES:
        module = service_module(name, "cli") if service_module(name) is not None else None
        if module is not None and hasattr(module, "app"):
            app.add_typer(module.app, name=name)
        if module is not None and hasattr(module, "register_top_level"):
            module.register_top_level(app)


def main() -> None:
    _mount_service_commands()
    app()
