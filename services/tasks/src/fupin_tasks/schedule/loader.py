"""Reads the calendar and cadence data files (once per process and path)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from fupin_tasks.schedule.domain import Cadence, Schedule, WorkingCalendar


@lru_cache(maxsize=8)
def load_schedule(calendar_file: Path, cadence_file: Path) -> Schedule:
    calendar = WorkingCalendar.from_data(json.loads(Path(calendar_file).read_text(encoding="utf-8")))
    cadence = Cadence.from_data(json.loads(Path(cadence_file).read_text(encoding="utf-8")))
    return Schedule(calendar=calendar, cadence=cadence)


def schedule_for(settings) -> Schedule:  # noqa: ANN001 - TasksSettings
    return load_schedule(Path(settings.calendar_file), Path(settings.cadence_file))
