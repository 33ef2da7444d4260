"""Imports every table module so the metadata is complete (Alembic, tests)."""
from fupin_registry.divisions.models import Division, NaturalVillage
from fupin_registry.households.models import Household, Member
from fupin_registry.imports.models import ImportJob, ImportRowError
from fupin_registry.lines.models import PovertyLine
from fupin_registry.records.models import HouseholdGuarantee, HouseholdIncome, Measure
from fupin_registry.villages.models import VillageRecord

__all__ = ["Division", "NaturalVillage", "Household", "Member", "ImportJob", "ImportRowError", "PovertyLine",
           "HouseholdGuarantee", "HouseholdIncome", "Measure", "VillageRecord"]
