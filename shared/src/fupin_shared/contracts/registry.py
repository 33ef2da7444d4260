"""Events published by the registry on ``fupin.registry.v1`` (key = household id)."""
from __future__ import annotations

import uuid
from typing import ClassVar

from fupin_shared.contracts.base import Contract


class _Registry(Contract):
    service: ClassVar[str] = "registry"


class HouseholdRegistered(_Registry):
    """A household entered the registry (建档立卡)."""

    aggregate: ClassVar[str] = "household"
    verb: ClassVar[str] = "registered"
    household_id: uuid.UUID
    village_code: str
    status: str
    persons: int
    labour_type: str | None = None
    poverty_causes: list[str] = []
    year: int | None = None


class HouseholdUpdated(_Registry):
    """Household attributes changed (fields listed in ``changed``)."""

    aggregate: ClassVar[str] = "household"
    verb: ClassVar[str] = "updated"
    household_id: uuid.UUID
    village_code: str
    status: str
    persons: int
    changed: list[str] = []
