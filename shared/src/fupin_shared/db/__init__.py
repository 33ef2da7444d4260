"""Database infrastructure: engines, column types, declarative bases, the unit of work."""
from fupin_shared.db.engine import create_engine_from_url, driver_connection, is_postgres
from fupin_shared.db.types import JSONType, UtcDateTime, utc_now, uuid7
from fupin_shared.db.base import make_base
from fupin_shared.db.uow import UnitOfWork

__all__ = ["create_engine_from_url", "driver_connection", "is_postgres", "JSONType", "UtcDateTime", "utc_now", "uuid7",
           "make_base", "UnitOfWork"]
