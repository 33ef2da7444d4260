"""The idempotent consumer loop: apply each event once, commit offsets after the projection."""
from fupin_shared.consuming.loop import Consumer, Handler, HandlerRegistry, claim_events
from fupin_shared.consuming.retry import is_transient, retry_transient

__all__ = ["Consumer", "Handler", "HandlerRegistry", "claim_events", "is_transient", "retry_transient"]
