"""Markdown catalogue of every event type (``python -m fupin_shared.contracts.catalogue > docs/events.md``)."""
from __future__ import annotations

from fupin_shared.contracts.base import all_contracts

INTRO = """# Events

Every change in Fupin is an event: a CloudEvents 1.0 document (structured JSON) in the value of a
Kafka message on the owning service's topic `fupin.<service>.v1`, keyed by aggregate id so one
aggregate's events stay in order. Envelope attributes: `id` (UUID), `source` (`/fupin/<service>`),
`type`, `subject` (aggregate id), `time`, `datacontenttype`, `data`, and the extensions `sequence`
(per service, gapless, assigned by the relay in publish order), `actor`, `division` (12-digit code),
`traceparent`. Delivery is at least once; consumers dedupe on `id` (the spine's consumer loop does).

Payload schemas are the pydantic models in `shared/src/fupin_shared/contracts/`; the AsyncAPI 3.0
document with their JSON Schemas is printed by `fupin asyncapi [SERVICE]`. Changes are additive; a
breaking change is a new `.v2` type. This page is generated from the contracts
(`python -m fupin_shared.contracts.catalogue > docs/events.md`).
"""


def catalogue() -> str:
    lines = [INTRO]
    current = None
    for event_type, contract in all_contracts().items():
        if contract.service != current:
            current = contract.service
            lines += [f"\n## {current} — topic `fupin.{current}.v1`\n", "| type | meaning | fields |", "|---|---|---|"]
        doc = (contract.__doc__ or "").strip().splitlines()[0] if contract.__doc__ else ""
        fields = ", ".join(f"`{name}`" for name in contract.model_fields)
        lines.append(f"| `{event_type}` | {doc} | {fields} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(catalogue(), end="")
