"""Signatures of the HTTP calls a service makes to a partner's endpoint (webhook deliveries, DCI callbacks).

``Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`` — one ``v1`` per signing
secret (two while a secret is being rotated). The receiver recomputes the HMAC with the secret it holds,
accepts when any ``v1`` matches and refuses timestamps outside its tolerance (replays)."""
from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence

SIGNATURE_HEADER = "Webhook-Signature"


def sign(secrets: str | Sequence[str], timestamp: int, body: bytes) -> str:
    """The header value for ``body`` sent at ``timestamp``, one ``v1`` per secret (the current one first)."""
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    signed = f"{timestamp}.".encode() + body
    return ",".join([f"t={timestamp}"] + [
        "v1=" + hmac.new(key.encode(), signed, hashlib.sha256).hexdigest() for key in keys])


def signature_headers(secrets: str | Sequence[str], body: bytes) -> dict[str, str]:
    """The signature header of a call made now."""
    return {SIGNATURE_HEADER: sign(secrets, int(time.time()), body)}


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (used by tests and documented for partners)."""
    try:
        parts = [(name, value) for name, _, value in (p.partition("=") for p in header.split(","))]
        timestamp = int(next(value for name, value in parts if name == "t"))
    except (ValueError, StopIteration):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split(",v1=", 1)[1]
    return any(name == "v1" and hmac.compare_digest(expected, value) for name, value in parts)
