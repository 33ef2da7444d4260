from __future__ import annotations

import uuid

from fupin_shared.http.problems import Conflict, NotFound, Unprocessable


class AssetNotFound(NotFound):
    slug, title = "asset-not-found", "No such asset"

    def __init__(self, asset_id: uuid.UUID) -> None:
        super().__init__(f"Asset {asset_id} does not exist or is outside your division.")


class AssetNotFormed(Conflict):
    slug, title = "asset-project-not-completed", "An asset is formed by a completed project"

    def __init__(self, project_id: uuid.UUID, status: str) -> None:
        super().__init__(f"Project {project_id} is '{status}'; assets are recorded once it is completed.",
                         status=status)


class SharesInvalid(Unprocessable):
    slug, title = "asset-shares-invalid", "The shares cannot be quantified that way"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(f"Refused: {', '.join(reasons)}.", reasons=reasons)


class DistributionRefused(Conflict):
    slug, title = "asset-distribution-refused", "This income cannot be distributed"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(f"Refused: {', '.join(reasons)}.", reasons=reasons)
