from functools import lru_cache

from fupin_shared.settings import ServiceSettings


class MonitoringSettings(ServiceSettings):
    service_name = "monitoring"


@lru_cache
def get_settings() -> MonitoringSettings:
    return MonitoringSettings()
