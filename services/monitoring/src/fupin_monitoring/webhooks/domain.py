"""Pure rules of webhooks: which events a subscription gets, the signature, the retry schedule."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
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


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` — the receiver recomputes it and
    refuses old timestamps (replay protection)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (used by tests and documented for subscribers)."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}")


def pattern_errors(patterns: list[str], known: set[str]) -> list[dict[str, str]]:
    errors = []
    for i, pattern in enumerate(patterns):
        if pattern.endswith("*"):
            if not any(t.startswith(pattern[:-1]) for t in known):
                errors.append({"pointer": f"#/event_types/{i}", "detail": "matches no event type"})
        elif pattern not in known:
            errors.append({"pointer": f"#/event_types/{i}", "detail": "is not a known event type"})
    return errors
