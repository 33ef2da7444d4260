"""Problems of the feeds."""
from fupin_shared.http.problems import BadRequest, NotFound


class UnknownFeed(NotFound):
    slug, title = "feed-unknown", "No such feed"


class BadCursor(BadRequest):
    slug, title = "feed-bad-cursor", "The feed cursor is not valid"
