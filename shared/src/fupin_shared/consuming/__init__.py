"""The idempotent consumer loop: apply each event once, commit offsets after the projection."""
from fupin_shared.consuming.loop import Consumer, Handler, HandlerRegistry

__all__ = ["Consumer", "Handler", "HandlerRegistry"]
