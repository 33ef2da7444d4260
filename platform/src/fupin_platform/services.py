"""The services of the platform, in start order (ports 8001–8005 in the full stack)."""
from __future__ import annotations

import importlib
from types import ModuleType

SERVICES = ["registry", "funds", "tasks", "assessment", "monitoring"]
PORTS = {name: 8001 + index for index, name in enumerate(SERVICES)}


def service_module(name: str, sub: str = "app") -> ModuleType | None:
    """Import ``fupin_<name>.<sub>``; None when that service (or submodule) is not installed."""
    if name not in SERVICES:
        raise ValueError(f"unknown service {name!r}; one of {', '.join(SERVICES)}")
    try:
        return importlib.import_module(f"fupin_{name}.{sub}")
    except ModuleNotFoundError as exc:
        if exc.name in {f"fupin_{name}", f"fupin_{name}.{sub}"}:
            return None
        raise


def installed() -> list[str]:
    return [name for name in SERVICES if service_module(name) is not None]
