from functools import lru_cache
from pathlib import Path

from fupin_shared.settings import ServiceSettings

DATA = Path(__file__).parent / "data"


class TasksSettings(ServiceSettings):
    service_name = "tasks"

    plan_file: Path = DATA / "plan.json"
    """The plan loaded at startup when it is not loaded yet (``fupin tasks load-plan`` loads others)."""
    units_file: Path = DATA / "units.json"
    calendar_file: Path = DATA / "calendar.json"
    """Working-day calendar: weekends, public holidays and make-up working days (调休) per year."""
    cadence_file: Path = DATA / "cadence.json"
    """Reporting cadence: which periods are reported and how many working days after the period end."""
    unit_profiles_file: Path = DATA / "unit_profiles.json"
    target_feeds_file: Path = DATA / "target_feeds.json"
    load_plan_on_startup: bool = True
    review_units: list[str] = ["市扶贫开发领导小组办公室"]
    """Units whose users accept or return reports and record and close findings (the leading-group
    office). A token with scope ``tasks:review`` may do the same; so may a city-wide admin."""
    overdue_initial_delay_seconds: float | None = None
    """The periodic overdue check first runs once the demo history is loaded or this long after
    startup, whichever comes first, so that a history is judged as of its own dates. Default: an
    hour in the embedded default (whose demo loads after the registry's and funds'), 30 s otherwise."""
    overdue_interval_seconds: float = 3600.0
    target_refresh_seconds: float = 2.0
    """Fed targets are recomputed at most this often while registry/funds events arrive."""


    @property
    def overdue_first_run_after(self) -> float:
        if self.overdue_initial_delay_seconds is not None:
            return self.overdue_initial_delay_seconds
        return 3600.0 if self.mode == "embedded" else 30.0


@lru_cache
def get_settings() -> TasksSettings:
    return TasksSettings()
