"""Problems of the SDMX feed."""
from fupin_shared.http.problems import BadRequest, NotFound


class UnknownStructure(NotFound):
    slug, title = "sdmx-unknown-structure", "No such SDMX structure"


class BadSdmxQuery(BadRequest):
    slug, title = "sdmx-bad-query", "The SDMX query is not valid"
