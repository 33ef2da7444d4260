from functools import lru_cache

from fupin_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    service_name = "registry"

    demo_households: int = 45_000
    """Households the embedded default's demo data loads (FUPIN_REGISTRY_DEMO_HOUSEHOLDS; 0 loads none)."""
    demo_seed: int = 2017
    signal_sweep_seconds: float = 300.0
    """How often waiting signals are re-matched besides the member events (FUPIN_REGISTRY_SIGNAL_SWEEP_SECONDS)."""


@lru_cache
def get_settings() -> RegistrySettings:
    return RegistrySettings()
