"""Working-day calendar (工作日): weekends and China's public holidays with their make-up working
days, held as data (``data/calendar_cn.json``), so alert deadlines count working days as the
rules that set them do (e.g. "核实 within 2 working days")."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

CALENDAR_FILE = Path(__file__).parent / "data" / "calendar_cn.json"
CHINA_TZ = timezone(timedelta(hours=8))  # China Standard Time, no daylight saving


def china_date(moment: datetime) -> date:
    """The calendar date in China of a UTC-aware instant."""
    return moment.astimezone(CHINA_TZ).date()


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    holidays: frozenset[date]
    workdays: frozenset[date]
    """Weekend days that are working days (调休上班)."""

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def calendar_from_data(data: dict) -> WorkCalendar:
    def dates(section: dict) -> frozenset[date]:
        return frozenset(date.fromisoformat(d) for days in section.values() for d in days)

    return WorkCalendar(holidays=dates(data.get("holidays", {})), workdays=dates(data.get("workdays", {})))


@lru_cache
def default_calendar() -> WorkCalendar:
    return calendar_from_data(json.loads(CALENDAR_FILE.read_text(encoding="utf-8")))
