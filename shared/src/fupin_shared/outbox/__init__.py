"""The transactional outbox: table definitions and the ordered relay."""
from fupin_shared.outbox.tables import InfrastructureTables, define_infrastructure_tables
from fupin_shared.outbox.relay import Relay

__all__ = ["InfrastructureTables", "define_infrastructure_tables", "Relay"]
