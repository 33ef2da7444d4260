"""Periods, the working-day calendar and the reporting cadence (pure; the data come from files).

A report's due date is the N-th working day after its period ends, N per period kind (plan task
26: quarterly analysis, half-year bulletin, annual report). Working days are Monday–Friday except
public holidays, plus the make-up working days (调休) the State Council moves onto weekends.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from fupin_tasks.schedule.errors import CalendarNotCovered, InvalidPeriod


class PeriodKind(StrEnum):
    QUARTERLY = "quarterly"
    HALF_YEAR = "half_year"
    ANNUAL = "annual"


_PERIOD = re.compile(r"^(\d{4})(?:(Q)([1-4])|(H)([12]))?$")
_KIND_ORDER = {PeriodKind.QUARTERLY: 0, PeriodKind.HALF_YEAR: 1, PeriodKind.ANNUAL: 2}
_CN_NUM = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: ``2019Q3`` (quarter), ``2019H1`` (half year) or ``2019`` (year)."""

    year: int
    kind: PeriodKind
    index: int = 0
    """Quarter 1–4, half 1–2, 0 for a year."""

    @classmethod
    def parse(cls, value: str) -> Period:
        match = _PERIOD.match(value.strip()) if isinstance(value, str) else None
        if match is None:
            raise InvalidPeriod(str(value))
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            raise InvalidPeriod(value)
        if match.group(2):
            return cls(year, PeriodKind.QUARTERLY, int(match.group(3)))
        if match.group(4):
            return cls(year, PeriodKind.HALF_YEAR, int(match.group(5)))
        return cls(year, PeriodKind.ANNUAL, 0)

    @property
    def code(self) -> str:
        if self.kind is PeriodKind.QUARTERLY:
            return f"{self.year}Q{self.index}"
        if self.kind is PeriodKind.HALF_YEAR:
            return f"{self.year}H{self.index}"
        return str(self.year)

    def __str__(self) -> str:
        return self.code

    @property
    def start(self) -> date:
        if self.kind is PeriodKind.QUARTERLY:
            return date(self.year, 3 * self.index - 2, 1)
        if self.kind is PeriodKind.HALF_YEAR:
            return date(self.year, 1 if self.index == 1 else 7, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        if self.kind is PeriodKind.QUARTERLY:
            last_month = 3 * self.index
        elif self.kind is PeriodKind.HALF_YEAR:
            last_month = 6 * self.index
        else:
            last_month = 12
        first_of_next = date(self.year + (last_month == 12), last_month % 12 + 1, 1)
        return first_of_next - timedelta(days=1)

    @property
    def last_month_start(self) -> date:
        return self.end.replace(day=1)

    @property
    def label_zh(self) -> str:
        if self.kind is PeriodKind.QUARTERLY:
            return f"{self.year}年第{_CN_NUM[self.index]}季度"
        if self.kind is PeriodKind.HALF_YEAR:
            return f"{self.year}年{'上' if self.index == 1 else '下'}半年"
        return f"{self.year}年度"

    def sort_key(self) -> tuple[date, int]:
        return (self.end, _KIND_ORDER[self.kind])

    @classmethod
    def ending_on(cls, day: date) -> Period | None:
        """The longest period ending on ``day`` (a year on 31 December, a half year on 30 June, a
        quarter on a quarter end); None for any other day."""
        if (day.month, day.day) == (12, 31):
            return cls(day.year, PeriodKind.ANNUAL, 0)
        if (day.month, day.day) == (6, 30):
            return cls(day.year, PeriodKind.HALF_YEAR, 1)
        for quarter in (1, 3):
            candidate = cls(day.year, PeriodKind.QUARTERLY, quarter)
            if candidate.end == day:
                return candidate
        return None


@dataclass(frozen=True)
class Holiday:
    year: int
    name: str
    name_en: str
    off_from: date
    off_to: date
    work: tuple[date, ...] = ()


@dataclass(frozen=True)
class WorkingCalendar:
    """Weekends and public holidays are not working days; make-up days (调休) are, even on a weekend."""

    first_year: int
    last_year: int
    holidays: tuple[Holiday, ...] = ()
    weekend: frozenset[int] = frozenset({5, 6})
    _off: frozenset[date] = field(init=False, repr=False, compare=False)
    _work: frozenset[date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        off: set[date] = set()
        work: set[date] = set()
        for holiday in self.holidays:
            day = holiday.off_from
            while day <= holiday.off_to:
                off.add(day)
                day += timedelta(days=1)
            work.update(holiday.work)
        object.__setattr__(self, "_off", frozenset(off))
        object.__setattr__(self, "_work", frozenset(work))

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> WorkingCalendar:
        holidays = tuple(Holiday(year=int(h["year"]), name=h["name"], name_en=h.get("name_en", h["name"]),
                                 off_from=date.fromisoformat(h["off"][0]), off_to=date.fromisoformat(h["off"][-1]),
                                 work=tuple(date.fromisoformat(d) for d in h.get("work", [])))
                         for h in data.get("holidays", []))
        return cls(first_year=int(data["first_year"]), last_year=int(data["last_year"]), holidays=holidays,
                   weekend=frozenset(int(d) for d in data.get("weekend", [5, 6])))

    def covers(self, day: date) -> bool:
        return self.first_year <= day.year <= self.last_year

    def _check(self, day: date) -> None:
        if not self.covers(day):
            raise CalendarNotCovered(day, self.first_year, self.last_year)

    def is_working_day(self, day: date) -> bool:
        self._check(day)
        if day in self._work:
            return True
        if day in self._off:
            return False
        return day.weekday() not in self.weekend

    def kind_of_day(self, day: date) -> str:
        """``workday`` | ``weekend`` | ``holiday`` | ``makeup_workday`` (调休上班)."""
        self._check(day)
        if day in self._work:
            return "makeup_workday"
        if day in self._off:
            return "holiday"
        return "weekend" if day.weekday() in self.weekend else "workday"

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_after(self, start: date, end: date) -> int:
        """How many working days lie in (start, end] (0 when end <= start)."""
        days = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days += 1
        return days

    def holidays_in(self, year: int) -> list[Holiday]:
        return [h for h in self.holidays if h.year == year]


@dataclass(frozen=True)
class DueRule:
    kind: PeriodKind
    working_days_after_period_end: int
    required: tuple[int, ...]
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Cadence:
    rules: Mapping[PeriodKind, DueRule]
    obliged_roles: frozenset[str] = frozenset({"lead", "participant"})
    utc_offset_hours: int = 8

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Cadence:
        rules = {}
        for name, rule in data["kinds"].items():
            kind = PeriodKind(name)
            rules[kind] = DueRule(kind=kind, working_days_after_period_end=int(rule["working_days_after_period_end"]),
                                  required=tuple(int(i) for i in rule.get("required", [])),
                                  label_zh=rule.get("label_zh", name), label_en=rule.get("label_en", name))
        roles = frozenset(data.get("obligations", {}).get("roles", ["lead", "participant"]))
        return cls(rules=rules, obliged_roles=roles, utc_offset_hours=int(data.get("timezone_offset_hours", 8)))

    def due_on(self, period: Period, calendar: WorkingCalendar) -> date:
        rule = self.rules[period.kind]
        return calendar.add_working_days(period.end, rule.working_days_after_period_end)

    def required_periods(self, *, from_day: date, last_year: int) -> list[Period]:
        """Periods that must be reported: those the cadence requires, ending on or after ``from_day``
        (a plan issued in December starts with that year's annual report), up to ``last_year``."""
        periods = []
        for year in range(from_day.year, last_year + 1):
            for kind, rule in self.rules.items():
                for index in rule.required:
                    period = Period(year, kind, index)
                    if period.end >= from_day:
                        periods.append(period)
        return sorted(periods, key=Period.sort_key)

    def local_date(self, moment: datetime) -> date:
        """The calendar date of an instant in the city's time zone (China has no daylight saving)."""
        return moment.astimezone(timezone(timedelta(hours=self.utc_offset_hours))).date()

    def today(self, now: datetime) -> date:
        return self.local_date(now)


@dataclass(frozen=True)
class Schedule:
    calendar: WorkingCalendar
    cadence: Cadence

    def due_on(self, period: Period) -> date:
        return self.cadence.due_on(period, self.calendar)

    def due_dates(self, periods: Iterable[Period]) -> dict[Period, date]:
        return {p: self.due_on(p) for p in periods}
