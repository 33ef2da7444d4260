"""The service's rule data (calendar, cadence, unit profiles, target feeds, review units), read
once from the files the settings name and passed explicitly to the use cases."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fupin_tasks.access import AccessPolicy
from fupin_tasks.plan.domain import UnitProfiles
from fupin_tasks.schedule.domain import Schedule
from fupin_tasks.schedule.loader import load_schedule
from fupin_tasks.settings import TasksSettings
from fupin_tasks.targets.domain import Feed, feeds_from_data


@dataclass(frozen=True)
class TasksConfig:
    schedule: Schedule
    profiles: UnitProfiles
    feeds: dict[str, Feed]
    policy: AccessPolicy


def _read(path: Path) -> object:
    return json.loads(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _build(calendar: Path, cadence: Path, profiles: Path, feeds: Path, review_units: tuple[str, ...]) -> TasksConfig:
    return TasksConfig(schedule=load_schedule(calendar, cadence), profiles=UnitProfiles.from_data(_read(profiles)),
                       feeds=feeds_from_data(_read(feeds)), policy=AccessPolicy(review_units=frozenset(review_units)))


def config_for(settings: TasksSettings) -> TasksConfig:
    return _build(Path(settings.calendar_file), Path(settings.cadence_file), Path(settings.unit_profiles_file),
                  Path(settings.target_feeds_file), tuple(settings.review_units))
