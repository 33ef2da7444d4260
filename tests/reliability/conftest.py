"""The full stack for the reliability tests: the e2e suite's fixtures (one stack, brought up by
deploy/local/stack.sh under its lock), re-exported here rather than duplicated."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_path = Path(__file__).resolve().parents[1] / "e2e" / "conftest.py"
_spec = importlib.util.spec_from_file_location("fupin_e2e_conftest", _path)
_e2e = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("fupin_e2e_conftest", _e2e)
_spec.loader.exec_module(_e2e)

running_stack = _e2e.running_stack
admin_token = _e2e.admin_token
stack_client = _e2e.client_module
