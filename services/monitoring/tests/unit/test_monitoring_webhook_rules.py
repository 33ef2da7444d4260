"""Webhook rules (pure): type and division filters, the signature, the backoff schedule."""
from datetime import UTC, datetime, timedelta

from fupin_monitoring.webhooks.domain import (DEAD, PENDING, RetryPolicy, division_matches, pattern_errors,
                                              signing_secrets, type_matches, unreadable_services)
from fupin_shared.http.signing import sign, verify


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


def test_rotation_signs_with_both_secrets_inside_the_overlap_only() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert signing_secrets("new", "old", now + timedelta(hours=1), now) == ["new", "old"]
    assert signing_secrets("new", "old", now, now) == ["new"]
    assert signing_secrets("new", None, None, now) == ["new"]
    header = sign(["new", "old"], 1_700_000_000, b"{}")
    assert header.count(",v1=") == 2
    assert verify("new", header, b"{}", now=1_700_000_000) and verify("old", header, b"{}", now=1_700_000_000)
    assert not verify("other", header, b"{}", now=1_700_000_000)
    assert not verify("new", "v1=abc,t", b"{}", now=0)


def test_a_subscription_gets_only_the_services_its_token_reads() -> None:
    known = {"fupin.registry.household.registered.v1", "fupin.funds.allocation.made.v1"}
    assert unreadable_services(["fupin.registry.*"], known, {"webhooks:write", "registry:read"}) == []
    assert unreadable_services(["*"], known, {"webhooks:write", "registry:read"}) == ["funds"]
    assert unreadable_services(["fupin.funds.allocation.made.v1"], known, {"funds:write"}) == ["funds"]
