"""Pure rules of DCI callbacks: which partner a client is, and whether a ``sender_uri`` is one of the
callback URLs registered for it (nothing else is ever called: no server-side request forgery)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar
from urllib.parse import unquote, urlsplit

P = TypeVar("P")
ANY_CLIENT = "*"
DEFAULT_PORTS = {"http": 80, "https": 443}


def partner_of(partners: Mapping[str, P], client_id: str) -> P | None:
    """The client's own entry, else the one for every client (``*``), else none."""
    return partners.get(client_id, partners.get(ANY_CLIENT))


def callback_allowed(url: str, prefixes: Iterable[str]) -> bool:
    """Whether ``url`` lies under one of the prefixes: same scheme and host, same port (a prefix's ``:*``
    allows any), the path equal to the prefix's or below it (whole segments). URLs with credentials or
    dot segments are never allowed."""
    target = urlsplit(url)
    path = target.path or "/"
    if target.username is not None or target.password is not None or target.hostname is None:
        return False
    if any(segment in (".", "..") for segment in unquote(path).split("/")):
        return False
    try:
        port = target.port or DEFAULT_PORTS.get(target.scheme)
    except ValueError:
        return False
    for prefix in prefixes:
        allowed = urlsplit(prefix)
        any_port = allowed.netloc.endswith(":*")
        if any_port:
            allowed = allowed._replace(netloc=allowed.netloc[:-2])
        if (target.scheme, target.hostname) != (allowed.scheme, allowed.hostname):
            continue
        if not any_port and port != (allowed.port or DEFAULT_PORTS.get(allowed.scheme)):
            continue
        base = allowed.path.rstrip("/")
        if path == base or path.startswith(base + "/"):
            return True
    return False
