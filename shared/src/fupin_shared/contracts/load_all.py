"""Imports every contracts module (each service adds its own module here)."""
import importlib
import pkgutil

import fupin_shared.contracts as _package

for _info in pkgutil.iter_modules(_package.__path__):
    if _info.name not in {"base", "load_all", "asyncapi", "catalogue"}:
        importlib.import_module(f"{_package.__name__}.{_info.name}")
