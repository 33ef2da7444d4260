from functools import lru_cache

from fupin_shared.settings import ServiceSettings


class FundsSettings(ServiceSettings):
    service_name = "funds"

    overdue_scan_seconds: float = 3600.0
    """How often the background job marks loans past their due date as overdue."""
    public_base_url: str = ""
    """Absolute base of the public pages when served behind a proxy (links in CSV and HTML)."""


@lru_cache
def get_settings() -> FundsSettings:
    return FundsSettings()
