"""Makes deploy_support importable as ``fupin_deploy_support`` (pytest runs with --import-mode=importlib)."""
import importlib.util
import sys
from pathlib import Path

if "fupin_deploy_support" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("fupin_deploy_support",
                                                   Path(__file__).with_name("deploy_support.py"))
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["fupin_deploy_support"] = _module
    _spec.loader.exec_module(_module)
