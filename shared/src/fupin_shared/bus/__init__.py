"""Bus transports behind one small interface: Kafka (aiokafka) and in-process."""
from fupin_shared.bus.base import Message, Subscription, Transport
from fupin_shared.bus.memory import InProcessTransport

__all__ = ["Message", "Subscription", "Transport", "InProcessTransport", "make_transport"]


def make_transport(settings) -> Transport:
    if settings.bus == "kafka":
        from fupin_shared.bus.kafka import KafkaTransport

        return KafkaTransport(settings.kafka_bootstrap)
    return InProcessTransport()
