from fupin_shared.http.problems import Conflict, NotFound


class SampleNotFound(NotFound):
    slug, title = "sample-not-found", "No such sample"

    def __init__(self, sample_id: object) -> None:
        super().__init__(f"Sample {sample_id} does not exist.")


class FrameEmpty(Conflict):
    slug, title = "sampling-frame-empty", "No household in the sampling frame"

    def __init__(self, statuses: list[str], known: dict[str, int]) -> None:
        super().__init__("No household of the requested statuses has reached the assessment's copy of the "
                         "registry yet.", statuses=statuses, frame_statuses=known)
