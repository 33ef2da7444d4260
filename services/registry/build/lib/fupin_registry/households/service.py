"""Household use cases: load -> decide -> change -> record event -> commit."""
from __future__ import annotations

import uuid

from fupin_registry.db import RegistryUow
from fupin_registry.households.domain import HouseholdStatus
from fupin_registry.households.models import Household
from fupin_registry.households.schemas import HouseholdCreate, HouseholdUpdate
from fupin_shared.auth.principal import Principal
from fupin_shared.auth.deps import check_division
from fupin_shared.contracts.registry import HouseholdRegistered, HouseholdUpdated
from fupin_shared.db import uuid7
from fupin_shared.http.etag import require_version


async def register_household(uow: RegistryUow, request: HouseholdCreate, *, actor: Principal) -> Household:
    """Enter a household in the registry (建档立卡) in the caller's division."""
    check_division(actor, request.village_code, field="village_code")
    async with uow:
        household = Household(
            id=uuid7(), village_code=request.village_code,
            status=HouseholdStatus.IDENTIFIED, head_name=request.head.name,
            head_id_number=request.head.id_number.upper(), persons=request.persons,
            labour_type=request.labour_type, poverty_causes=request.poverty_causes,
            assisting_cadre=request.assisting_cadre)
        uow.households.add(household)
        uow.record(HouseholdRegistered(household_id=household.id, village_code=household.village_code,
                                       status=household.status, persons=household.persons,
                                       labour_type=household.labour_type,
                                       poverty_causes=household.poverty_causes),
                   subject=household.id, division=household.village_code, actor=actor.sub)
        await uow.commit()
    return household


async def amend_household(uow: RegistryUow, household_id: uuid.UUID, request: HouseholdUpdate, *,
                          actor: Principal, expected_version: int) -> Household:
    """Change a household's attributes; refused (412) if it changed since the caller read it."""
    async with uow:
        household = await uow.households.get(household_id, within=actor.division)
        require_version(household.version, expected_version)
        changed = request.model_dump(exclude_unset=True)
        for name, value in changed.items():
            setattr(household, name, value)
        uow.record(HouseholdUpdated(household_id=household.id, village_code=household.village_code,
                                    status=household.status, persons=household.persons, changed=sorted(changed)),
                   subject=household.id, division=household.village_code, actor=actor.sub)
        await uow.commit()
    return household
