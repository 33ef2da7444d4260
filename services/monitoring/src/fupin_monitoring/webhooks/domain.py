"""Pure rules of webhooks: which events a subscription gets, the signature, the retry schedule."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from fupin_shared.auth.principal import CITY, in_division

SIGNATURE_HEADER = "Webhook-Signature"
PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_seconds: float = 10.0
    max_seconds: float = 3600.0
    max_attempts: int = 8

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff after the ``attempts``-th failure: base, 2·base, 4·base, … capped."""
        return timedelta(seconds=min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1)))

    def after_failure(self, attempts: int, now: datetime) -> tuple[str, datetime | None]:
        """(status, next attempt) once ``attempts`` have failed: dead after the last one."""
        if attempts >= self.max_attempts:
            return DEAD, None
        return PENDING, now + self.delay(attempts)


def type_matches(patterns: Iterable[str], event_type: str) -> bool:
    """Exact CloudEvents types, or a prefix ending in ``*`` (``fupin.registry.*``; ``*`` is every type)."""
    for pattern in patterns:
        if pattern.endswith("*") and event_type.startswith(pattern[:-1]):
            return True
        if pattern == event_type:
            return True
    return False


def division_matches(subscription_division: str, event_division: str | None) -> bool:
    """An event goes to subscriptions covering its division; division-less events only to city-wide ones."""
    if event_division is None:
        return subscription_division == CITY
    return in_division(event_division, subscription_division)


def signing_secrets(secret: str, previous: str | None, previous_until: datetime | None,
                    now: datetime) -> list[str]:
    """The keys a delivery is signed with: the current secret, and during a rotation's overlap window
    the previous one too (so a receiver still holding the old secret keeps verifying)."""
    if previous and previous_until is not None and now < previous_until:
        return [secret, previous]
    return [secret]


def sign(secrets: str | Sequence[str], timestamp: int, body: bytes) -> str:
    """``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` — one ``v1`` per signing secret
    (two during a secret rotation's overlap). The receiver recomputes it with the secret it holds,
    accepts when any ``v1`` matches and refuses old timestamps (replay protection)."""
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    signed = f"{timestamp}.".encode() + body
    return ",".join([f"t={timestamp}"] + [
        "v1=" + hmac.new(key.encode(), signed, hashlib.sha256).hexdigest() for key in keys])


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (used by tests and documented for subscribers)."""
    try:
        parts = [(name, value) for name, _, value in (p.partition("=") for p in header.split(","))]
        timestamp = int(next(value for name, value in parts if name == "t"))
    except (ValueError, StopIteration):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split(",v1=", 1)[1]
    return any(name == "v1" and hmac.compare_digest(expected, value) for name, value in parts)


ADMIN_SCOPE = "monitoring:write"


def managed_client(client_id: str, scopes: Iterable[str]) -> str | None:
    """Whose subscriptions a caller sees and manages: only its own client's; every client's (in its
    division) with ``monitoring:write``, held by the operators who run monitoring, not by partner systems."""
    return None if ADMIN_SCOPE in scopes else client_id


def service_of(event_type: str) -> str:
    """``fupin.<service>.<aggregate>.<verb>.v1`` → the service."""
    return event_type.split(".")[1] if event_type.count(".") >= 2 else ""


def unreadable_services(patterns: list[str], known: set[str], scopes: Iterable[str]) -> list[str]:
    """Services whose events the patterns would deliver but the token may not read (``<service>:read``)."""
    readable = {s.removesuffix(":read") for s in scopes if s.endswith(":read")}
    wanted = {service_of(t) for t in known if type_matches(patterns, t)}
    return sorted(wanted - readable)


def pattern_errors(patterns: list[str], known: set[str]) -> list[dict[str, str]]:
    errors = []
    for i, pattern in enumerate(patterns):
        if pattern.endswith("*"):
            if not any(t.startswith(pattern[:-1]) for t in known):
                errors.append({"pointer": f"#/event_types/{i}", "detail": "matches no event type"})
        elif pattern not in known:
            errors.append({"pointer": f"#/event_types/{i}", "detail": "is not a known event type"})
    return errors
