"""``fupin feeds pull NAME --since CURSOR``: pull a change feed into a file, with a progress bar,
and print the cursor to resume from (also written to ``<out>.cursor``).

Tokens: unless ``--token`` is given, the command signs its own short-lived ``feeds:read`` token with
the local issuer's key file (as ``fupin token`` does), which the embedded default accepts.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import httpx
import typer

app = typer.Typer(help="Statistics feeds (de-identified microdata): pull a change feed.", no_args_is_help=True)


@app.callback()
def feeds() -> None:
    """Statistics feeds (de-identified microdata): pull a change feed."""


def _default_url(settings) -> str:  # noqa: ANN001
    return "http://127.0.0.1:8000/registry" if settings.mode == "embedded" else "http://127.0.0.1:8001"


def _token(settings, token: str | None, client_id: str, division: str) -> str:  # noqa: ANN001
    if token:
        return token
    from fupin_shared.auth.issuer import Client, TokenIssuer

    client = Client(client_id, "unused", ("feeds:read",), division)
    return TokenIssuer(settings, {}).issue(client, ["feeds:read"], ttl=3600)["access_token"]


@app.command()
def pull(name: Annotated[str, typer.Argument(help="households | persons")],
         since: Annotated[str | None, typer.Option(help="cursor of the previous pull (empty: a full snapshot)")] = None,
         out: Annotated[Path | None, typer.Option(help="output file (default NAME.<format>)")] = None,
         fmt: Annotated[str, typer.Option("--format", help="ndjson | csv | parquet")] = "ndjson",
         bom: Annotated[bool, typer.Option(help="CSV with a UTF-8 BOM (Excel)")] = False,
         url: Annotated[str | None, typer.Option(help="registry API base URL")] = None,
         token: Annotated[str | None, typer.Option(help="bearer token (default: signed with the local key)")] = None,
         client_id: Annotated[str, typer.Option(help="consumer id of the self-signed token")] = "stats-bureau",
         division: Annotated[str, typer.Option(help="division of the self-signed token")] = "441200000000") -> None:
    """Stream a feed to a file; prints the next cursor."""
    from rich.progress import DownloadColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn

    from fupin_registry.settings import RegistrySettings

    settings = RegistrySettings()
    base = (url or _default_url(settings)).rstrip("/")
    target = out or Path(f"{name}.{fmt}")
    params: dict[str, str] = {"format": fmt}
    if since:
        params["since"] = since
    if bom:
        params["bom"] = "true"
    headers = {"Authorization": f"Bearer {_token(settings, token, client_id, division)}"}
    lines = 0
    with httpx.stream("GET", f"{base}/v1/feeds/{name}", params=params, headers=headers, timeout=None) as response:
        if response.status_code != 200:
            typer.echo(response.read().decode(errors="replace"), err=True)
            raise typer.Exit(1)
        cursor = response.headers.get("feed-cursor", "")
        with target.open("wb") as fh, Progress(TextColumn(f"[bold]{name}"), DownloadColumn(), TransferSpeedColumn(),
                                                TextColumn("{task.fields[lines]:,} records"), TimeElapsedColumn(),
                                                transient=False) as progress:
            task = progress.add_task(name, total=None, lines=0)
            for chunk in response.iter_bytes():
                fh.write(chunk)
                lines += chunk.count(b"\n")
                progress.update(task, advance=len(chunk), lines=lines if fmt != "csv" else max(lines - 1, 0))
    target.with_name(target.name + ".cursor").write_text(cursor + "\n")
    typer.echo(f"wrote {target} · next: fupin feeds pull {name} --since {cursor}")
