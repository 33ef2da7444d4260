"""``fupin assessment check-framework`` on the bundled frameworks and on a broken one."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fupin_assessment.cli import app
from fupin_assessment.frameworks.service import bundled_framework


def test_check_framework_accepts_the_bundled_one(tmp_path: Path) -> None:
    path = tmp_path / "2019.json"
    path.write_text(bundled_framework(2019).model_dump_json(), encoding="utf-8")
    result = CliRunner().invoke(app, ["check-framework", str(path)])
    assert result.exit_code == 0 and "valid (26 indicators)" in result.output


def test_check_framework_names_what_is_wrong(tmp_path: Path) -> None:
    document = bundled_framework(2019).model_dump(mode="json")
    document["indicators"][0]["weight"] = 1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["check-framework", str(path)])
    assert result.exit_code == 1
    assert "weights of the indicators for county sum to 89, not 100" in result.output
