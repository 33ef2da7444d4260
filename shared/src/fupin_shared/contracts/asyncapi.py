"""AsyncAPI 3.0 document and JSON Schemas generated from the contracts."""
from __future__ import annotations

from typing import Any

from fupin_shared.contracts.base import all_contracts


def asyncapi_document(service: str | None = None) -> dict[str, Any]:
    contracts = {t: c for t, c in all_contracts().items() if service is None or c.service == service}
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for event_type, contract in contracts.items():
        name = event_type.replace(".", "_")
        schemas[name] = contract.model_json_schema()
        messages[name] = {
            "name": event_type, "title": contract.__name__,
            "summary": (contract.__doc__ or "").strip().splitlines()[0] if contract.__doc__ else "",
            "contentType": "application/cloudevents+json",
            "payload": {"$ref": f"#/components/schemas/{name}"},
        }
        channel = f"fupin.{contract.service}.v1"
        channels.setdefault(channel, {"address": channel, "messages": {}})
        channels[channel]["messages"][name] = {"$ref": f"#/components/messages/{name}"}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": f"Fupin events{' — ' + service if service else ''}", "version": "1.0.0",
                 "description": "CloudEvents 1.0 (structured JSON) on Kafka; key = aggregate id."},
        "channels": channels,
        "components": {"messages": messages, "schemas": schemas},
    }
