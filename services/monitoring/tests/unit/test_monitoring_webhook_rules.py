"""Webhook rules (pure): type and division filters, the signature, the backoff schedule."""
from datetime import UTC, datetime, timedelta

from fupin_monitoring.webhooks.domain import (DEAD, PENDING, RetryPolicy, division_matches, pattern_errors, sign,
                                              type_matches, verify)


def test_type_patterns_and_divisions() -> None:
    assert type_matches(["fupin.registry.*"], "fupin.registry.signal.matched.v1")
    assert type_matches(["*"], "fupin.funds.allocation.made.v1")
    assert not type_matches(["fupin.registry.household.registered.v1"], "fupin.registry.household.updated.v1")
    assert division_matches("441223000000", "441223101201") and not division_matches("441223000000", "441224101201")
    assert division_matches("441200000000", None) and not division_matches("441223000000", None)
    assert pattern_errors(["fupin.x.*", "fupin.a.b.c.v1", "fupin.a.*"], {"fupin.a.b.c.v1"}) == [
        {"pointer": "#/event_types/0", "detail": "matches no event type"}]


def test_signature_is_timestamped_hmac_over_t_dot_body() -> None:
    header = sign("s3cret", 1_700_000_000, b'{"id":"1"}')
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify("s3cret", header, b'{"id":"1"}', now=1_700_000_100)
    assert not verify("s3cret", header, b'{"id":"2"}', now=1_700_000_100)
    assert not verify("s3cret", header, b'{"id":"1"}', now=1_700_000_000 + 301)  # too old: replay refused
    assert not verify("s3cret", "garbage", b"", now=0)


def test_exponential_backoff_then_dead() -> None:
    policy = RetryPolicy(base_seconds=10, max_seconds=60, max_attempts=4)
    now = datetime(2020, 1, 1, tzinfo=UTC)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]
    assert policy.after_failure(1, now) == (PENDING, now + timedelta(seconds=10))
    assert policy.after_failure(4, now) == (DEAD, None)
