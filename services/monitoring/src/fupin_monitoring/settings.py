from functools import lru_cache

from fupin_shared.settings import ServiceSettings


class MonitoringSettings(ServiceSettings):
    service_name = "monitoring"

    alert_scan_seconds: float = 60.0
    """How often the time-based rules (funds idle, allocation undisclosed) are evaluated."""
    overview_cache_seconds: float = 1.0
    """Built overviews are reused until the view or an alert changes; where the view's consumer runs
    in another process, for at most this long (0 turns the memo off)."""
    view_batch_size: int = 1000
    """Most events per projection transaction: bounded, so a view under load commits (and shows its
    events) often rather than in ever larger batches; a batch costs a few dozen statements whatever
    its size."""
    view_batch_wait_seconds: float = 0.02
    """How long a batch may gather more events after its first one arrived."""
    registry_url: str = ""
    """Base URL of the registry API, for reconciliation and the dashboard's division names
    (default: the embedded mount /registry, or http://127.0.0.1:8001 in the full stack)."""
    funds_url: str = ""
    api_url: str = ""
    """Base URL of this service's API for the CLI (default: embedded /monitoring or :8005)."""


@lru_cache
def get_settings() -> MonitoringSettings:
    return MonitoringSettings()
