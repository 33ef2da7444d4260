"""Pure rules for households (no I/O)."""
from __future__ import annotations

from enum import StrEnum


class HouseholdStatus(StrEnum):
    IDENTIFIED = "identified"
