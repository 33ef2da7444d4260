from functools import lru_cache

from fupin_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    service_name = "registry"


@lru_cache
def get_settings() -> RegistrySettings:
    return RegistrySettings()
