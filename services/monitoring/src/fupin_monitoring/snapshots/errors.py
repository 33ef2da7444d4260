from fupin_shared.http.problems import Conflict, NotFound


class SnapshotNotFound(NotFound):
    slug, title = "snapshot-not-found", "No frozen snapshot for this year"

    def __init__(self, year: int) -> None:
        super().__init__(f"The snapshot of {year} has not been frozen.", year=year)


class SnapshotAlreadyFrozen(Conflict):
    slug, title = "snapshot-already-frozen", "The year's snapshot is already frozen"

    def __init__(self, year: int, snapshot_id: str) -> None:
        super().__init__(f"The snapshot of {year} was frozen already; a frozen snapshot never changes.",
                         year=year, snapshot_id=snapshot_id)
