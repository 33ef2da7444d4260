"""Use cases of the division tree: publishing the provincial poor-village designations.

The tree is loaded by migration, so no request ever records its flags; at startup the registry
records a ``VillageDesignated`` event for each village whose flag differs from the last one it
published (none after the first start, unless a migration changed the data), so consumers such as
the monitoring view learn every poor village from the topic.
"""
from __future__ import annotations

import logging

from fupin_registry.db import RegistryUow
from fupin_registry.divisions.domain import designation_changes
from fupin_shared.contracts.registry import VillageDesignated

log = logging.getLogger(__name__)

ACTOR = "fupin-registry"


async def publish_designations(uow: RegistryUow) -> int:
    """Record the designation changes in one transaction; returns how many were recorded."""
    async with uow:
        await uow.divisions.lock_designations()
        current = await uow.divisions.village_designations()
        changes = designation_changes(current, await uow.divisions.recorded_designations(current))
        for code, flag in changes:
            uow.record(VillageDesignated(village_code=code, provincial_poor_village=flag),
                       subject=code, division=code, actor=ACTOR)
        await uow.commit()
    if changes:
        log.info("village designations published", extra={"count": len(changes)})
    return len(changes)
