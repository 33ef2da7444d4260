"""Pure rules of webhooks: which events a subscription gets, the signing keys, the retry schedule (the
signature itself is the spine's, ``fupin_shared.http.signing``, shared with the registry's DCI callbacks)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fupin_shared.auth.principal import CITY, in_division

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
