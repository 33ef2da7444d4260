from functools import lru_cache

from fupin_shared.settings import ServiceSettings


class AssessmentSettings(ServiceSettings):
    service_name = "assessment"


@lru_cache
def get_settings() -> AssessmentSettings:
    return AssessmentSettings()
