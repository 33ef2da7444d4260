"""HTTP infrastructure: problem+json, request ids and JSON logs, metrics, pagination, ETags,
Idempotency-Key, health endpoints, and the service app factory."""
