"""Base class of every event payload.

A contract names its service, aggregate and verb; the CloudEvents type is derived:
``fupin.<service>.<aggregate>.<verb>.v<version>``.
"""
from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

_REGISTRY: dict[str, type["Contract"]] = {}


class Contract(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    service: ClassVar[str] = ""
    aggregate: ClassVar[str] = ""
    verb: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.service and cls.aggregate and cls.verb:
            _REGISTRY[cls.event_type()] = cls

    @classmethod
    def event_type(cls) -> str:
        return f"fupin.{cls.service}.{cls.aggregate}.{cls.verb}.v{cls.schema_version}"


def all_contracts() -> dict[str, type[Contract]]:
    # import every contracts module so the registry is complete
    from fupin_shared.contracts import load_all  # noqa: F401

    return dict(sorted(_REGISTRY.items()))


def contract_for(event_type: str) -> type[Contract] | None:
    return all_contracts().get(event_type)
