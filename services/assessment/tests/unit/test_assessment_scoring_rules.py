"""The scoring rules, grading, ranking, deductions and the workflow (pure, no I/O)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_assessment.assessments import domain
from fupin_assessment.assessments.domain import (Deduction, Finding, SnapshotView, State, apply_cap, auto_score,
                                                 can_move, competition_ranks, finding_deductions, finding_points,
                                                 grade_for, rule_matches, score_linear, score_rank, score_ratio,
                                                 score_threshold, subject_totals)
from fupin_assessment.catalogue import Subject, subjects
from fupin_assessment.frameworks.domain import DeductionRule, GradeBand, framework_from_document
from fupin_assessment.frameworks.service import bundled_framework

BANDS = (GradeBand("好", 90), GradeBand("较好", 80), GradeBand("一般", 60), GradeBand("较差", 0))


# --- linear ----------------------------------------------------------------------------------

def test_linear_is_zero_at_floor_full_at_target_and_proportional_between() -> None:
    assert score_linear(0.6, floor=0.6, target=0.9, weight=12) == 0
    assert score_linear(0.9, floor=0.6, target=0.9, weight=12) == 12
    assert score_linear(0.75, floor=0.6, target=0.9, weight=12) == 6


def test_linear_is_clamped_beyond_both_ends() -> None:
    assert score_linear(0.2, floor=0.6, target=0.9, weight=12) == 0
    assert score_linear(1.0, floor=0.6, target=0.9, weight=12) == 12


def test_linear_scores_lower_is_better_when_target_is_below_floor() -> None:
    assert score_linear(0.0, floor=0.02, target=0.0, weight=6) == 6
    assert score_linear(0.01, floor=0.02, target=0.0, weight=6) == 3
    assert score_linear(0.05, floor=0.02, target=0.0, weight=6) == 0


@given(st.floats(-10, 10), st.floats(-5, 5), st.floats(0.01, 5), st.floats(0.5, 50))
def test_linear_never_leaves_zero_to_weight(value: float, floor: float, span: float, weight: float) -> None:
    points = score_linear(value, floor=floor, target=floor + span, weight=weight)
    assert 0 <= points <= round(weight, 2)


# --- threshold -------------------------------------------------------------------------------

def test_threshold_gives_full_weight_when_met_and_the_fraction_otherwise() -> None:
    assert score_threshold(0.95, threshold=0.95, comparator=">=", weight=8) == 8
    assert score_threshold(0.94, threshold=0.95, comparator=">=", weight=8) == 0
    assert score_threshold(0.94, threshold=0.95, comparator=">=", weight=8, below_fraction=0.5) == 4


def test_threshold_with_at_most_comparator() -> None:
    assert score_threshold(3, threshold=5, comparator="<=", weight=4) == 4
    assert score_threshold(6, threshold=5, comparator="<=", weight=4) == 0


# --- ratio -----------------------------------------------------------------------------------

def test_ratio_is_value_over_target_capped_at_weight() -> None:
    assert score_ratio(1.5, target=2.0, weight=5) == 3.75
    assert score_ratio(3.0, target=2.0, weight=5) == 5
    assert score_ratio(0, target=2.0, weight=5) == 0


def test_inverted_ratio_rewards_low_values() -> None:
    assert score_ratio(4, target=2, weight=10, invert=True) == 5
    assert score_ratio(1, target=2, weight=10, invert=True) == 10
    assert score_ratio(0, target=2, weight=10, invert=True) == 10


# --- rank ------------------------------------------------------------------------------------

def test_rank_gives_first_full_weight_last_min_fraction_linear_between() -> None:
    out = score_rank({"a": 0.9, "b": 0.8, "c": 0.7}, better="higher", weight=4, min_fraction=0.5)
    assert out == {"a": (4.0, 1, 3), "b": (3.0, 2, 3), "c": (2.0, 3, 3)}


def test_rank_lower_is_better_and_ties_share_the_better_rank() -> None:
    out = score_rank({"a": 1, "b": 1, "c": 3, "d": 4}, better="lower", weight=10, min_fraction=0.0)
    assert out["a"][1] == out["b"][1] == 1
    assert out["c"][1] == 3 and out["d"] == (0.0, 4, 4)
    assert out["a"][0] == out["b"][0] == 10


def test_rank_of_a_single_subject_is_full_weight() -> None:
    assert score_rank({"a": 0.1}, better="higher", weight=4, min_fraction=0.5) == {"a": (4.0, 1, 1)}


def test_competition_ranking_1_2_2_4() -> None:
    assert competition_ranks({"a": 90, "b": 85, "c": 85, "d": 70}) == {"a": 1, "b": 2, "c": 2, "d": 4}


# --- grading ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "grade"), [(100, "好"), (90, "好"), (89.99, "较好"), (80, "较好"),
                                              (79.5, "一般"), (60, "一般"), (59.99, "较差"), (0, "较差")])
def test_grade_by_thresholds(total: float, grade: str) -> None:
    assert grade_for(total, BANDS) == grade


def test_grade_bands_may_come_in_any_order() -> None:
    assert grade_for(85, tuple(reversed(BANDS))) == "较好"


# --- deductions ------------------------------------------------------------------------------

RULE = DeductionRule(code="K2", name="督查", origin="supervision", points_by_severity={"major": 2, "minor": 0.5},
                     default_points=1, cap=3, overdue_extra=1, closed_factor=0.5)


def finding(fid: str, **kw) -> Finding:  # noqa: ANN003
    base = dict(finding_id=fid, origin="supervision", kind="inspection", severity="major", year=2019,
                subjects=("441223000000",))
    return Finding(**{**base, **kw})


def test_finding_points_by_severity_closed_and_overdue() -> None:
    assert finding_points(RULE, finding("a")) == 2
    assert finding_points(RULE, finding("a", severity="MINOR")) == 0.5
    assert finding_points(RULE, finding("a", severity="unheard-of")) == 1
    assert finding_points(RULE, finding("a", closed=True)) == 1
    assert finding_points(RULE, finding("a", overdue=True)) == 3


def test_cap_cuts_the_last_deduction_to_fit() -> None:
    lines = [Deduction("s", "K2", "supervision", 2, "a"), Deduction("s", "K2", "supervision", 2, "b"),
             Deduction("s", "K2", "supervision", 2, "c")]
    capped = apply_cap(RULE, lines)
    assert [d.points for d in capped] == [2, 1, 0]
    assert "capped" in capped[1].evidence and capped[1].requested == 2


def test_complaint_rule_takes_complaints_before_the_general_supervision_rule() -> None:
    framework = framework_from_document(2019, bundled_framework(2019).model_dump(mode="json"))
    complaint = finding("c", kind="complaint", severity="一般")
    inspection = finding("i")
    lines = finding_deductions(framework, list(subjects()), [complaint, inspection])
    assert {(d.finding_id, d.rule_code, d.points) for d in lines} == {("c", "K1", 0.5), ("i", "K2", 2)}


def test_findings_of_other_years_and_unknown_subjects_do_not_deduct() -> None:
    framework = framework_from_document(2019, bundled_framework(2019).model_dump(mode="json"))
    lines = finding_deductions(framework, list(subjects()), [
        finding("old", year=2018), finding("nobody", subjects=("not-a-subject",))])
    assert lines == []


def test_audit_rule_matches_only_audit_findings() -> None:
    audit_rule = DeductionRule(code="K3", name="审计", origin="audit", points_by_severity={}, default_points=1, cap=6)
    assert rule_matches(audit_rule, finding("a", origin="audit", kind="audit"))
    assert not rule_matches(audit_rule, finding("s"))


def test_manual_deductions_share_the_rule_cap_with_findings() -> None:
    framework = framework_from_document(2019, bundled_framework(2019).model_dump(mode="json"))
    manual = [Deduction("441223000000", "K1", "complaint", 2.5, None, {"deduction_id": "m1"})]
    lines = finding_deductions(framework, list(subjects()), [finding("c", kind="complaint", severity="严重")], manual)
    k1 = [d for d in lines if d.rule_code == "K1"]
    assert sum(d.points for d in k1) == 3  # cap 3: 1 from the complaint, 2 of the 2.5 manual


# --- totals ----------------------------------------------------------------------------------

def test_totals_subtract_deductions_grade_and_rank_within_each_kind() -> None:
    framework = framework_from_document(2019, bundled_framework(2019).model_dump(mode="json"))
    subs = [Subject("441223000000", "county", "广宁县", "441223000000"),
            Subject("441224000000", "county", "怀集县", "441224000000"),
            Subject("市教育局", "department", "市教育局", "441200000000")]
    scores = {"441223000000": [50, 40], "441224000000": [45, 40.5], "市教育局": [70, None]}
    out = subject_totals(framework, subs, scores, [Deduction("441223000000", "K2", "supervision", 6, "x")])
    assert out["441223000000"].total == 84 and out["441223000000"].grade == "较好"
    assert out["441224000000"].total == 85.5 and out["441224000000"].rank == 1
    assert out["441223000000"].rank == 2 and out["441223000000"].ranked == 2
    assert out["市教育局"].rank == 1 and out["市教育局"].ranked == 1 and out["市教育局"].grade == "一般"


def test_total_never_goes_below_zero() -> None:
    framework = framework_from_document(2019, bundled_framework(2019).model_dump(mode="json"))
    subs = [Subject("441223000000", "county", "广宁县", "441223000000")]
    out = subject_totals(framework, subs, {"441223000000": [2]}, [Deduction("441223000000", "K2", "s", 6, "x")])
    assert out["441223000000"].total == 0 and out["441223000000"].grade == "较差"


# --- auto-scoring ----------------------------------------------------------------------------

def test_auto_score_cites_snapshot_metric_and_value_and_flags_missing_values() -> None:
    framework = framework_from_document(2019, bundled_framework(2019).model_dump(mode="json"))
    subs = [s for s in subjects() if s.kind == "county"][:2]
    snapshot = SnapshotView("snap-1", 2019, datetime(2020, 1, 5, tzinfo=UTC), {
        subs[0].key: {"exit_rate": 0.75, "funds_spending_rate": 0.8},
        subs[1].key[:6]: {"exit_rate": 0.95, "funds_spending_rate": 0.7}})  # a 6-digit key is understood
    scored = {(s.subject, s.code): s for s in auto_score(framework, subs, snapshot)}
    first = scored[(subs[0].key, "C01")]
    assert first.status == "auto" and first.score == 6.0
    assert first.evidence["snapshot_id"] == "snap-1" and first.evidence["metric"] == "exit_rate"
    assert first.evidence["value"] == 0.75 and "computation" in first.evidence
    assert scored[(subs[1].key, "C01")].score == 12 and scored[(subs[1].key, "C01")].evidence["subject_key"] == "441203"
    assert scored[(subs[0].key, "C11")].evidence["rank"] == 1 and scored[(subs[1].key, "C11")].score == 2
    missing = scored[(subs[0].key, "C07")]
    assert missing.status == "missing" and missing.score is None and missing.evidence["value"] is None
    assert not any(code in {c for _, c in scored} for code in ("C05", "C06", "C09", "C15"))  # manual ones


def test_auto_score_treats_non_finite_values_as_missing() -> None:
    framework = framework_from_document(2019, bundled_framework(2019).model_dump(mode="json"))
    sub = [s for s in subjects() if s.kind == "county"][:1]
    snapshot = SnapshotView("s", 2019, datetime(2020, 1, 5, tzinfo=UTC), {sub[0].key: {"exit_rate": float("nan")}})
    scored = {s.code: s for s in auto_score(framework, sub, snapshot)}
    assert scored["C01"].status == "missing"


# --- workflow --------------------------------------------------------------------------------

@pytest.mark.parametrize(("current", "target"), [("draft", "collecting"), ("collecting", "scoring"),
                                                 ("scoring", "review"), ("review", "published"),
                                                 ("review", "scoring"), ("collecting", "draft")])
def test_allowed_moves(current: str, target: str) -> None:
    assert can_move(current, target)


@pytest.mark.parametrize(("current", "target"), [("draft", "scoring"), ("draft", "published"),
                                                 ("collecting", "review"), ("scoring", "published"),
                                                 ("published", "scoring"), ("published", "draft"),
                                                 ("scoring", "collecting")])
def test_illegal_moves(current: str, target: str) -> None:
    assert not can_move(current, target)


def test_every_state_has_a_label_and_published_is_final() -> None:
    assert set(domain.STATE_LABELS) == set(State)
    assert domain.TRANSITIONS[State.PUBLISHED] == ()


def test_appeal_window_closes_after_the_days() -> None:
    published = datetime(2020, 2, 1, tzinfo=UTC)
    deadline = domain.appeal_deadline(published, 15)
    assert domain.appeal_open(published + timedelta(days=15), deadline)
    assert not domain.appeal_open(published + timedelta(days=15, seconds=1), deadline)
    assert not domain.appeal_open(published, None)


def test_incomplete_lists_unscored_pairs() -> None:
    assert domain.incomplete([("a", "C01", 1.0), ("a", "C05", None)]) == [{"subject": "a", "indicator": "C05"}]


def test_finding_dates_order_deductions_deterministically() -> None:
    framework = framework_from_document(2019, bundled_framework(2019).model_dump(mode="json"))
    findings = [finding(str(n), rectify_by=date(2019, 12, 31 - n)) for n in range(5)]
    lines = [d for d in finding_deductions(framework, list(subjects()), findings) if d.rule_code == "K2"]
    assert [d.finding_id for d in lines] == ["4", "3", "2", "1", "0"]
    assert [d.points for d in lines] == [2, 2, 2, 0, 0]


def test_a_rate_without_a_base_is_left_to_a_reviewer() -> None:
    framework = framework_from_document(2019, bundled_framework(2019).model_dump(mode="json"))
    subs = [s for s in subjects() if s.kind == "county"][:3]
    snapshot = SnapshotView("s", 2019, datetime(2020, 1, 5, tzinfo=UTC), {
        subs[0].key: {"exit_rate": 0.0, "households_identified": 0, "funds_spending_rate": 0.0,
                      "funds_allocated_fen": 0},
        subs[1].key: {"exit_rate": 0.8, "households_identified": 1200, "funds_spending_rate": 0.7,
                      "funds_allocated_fen": 5_000_000},
        subs[2].key: {"exit_rate": 0.9, "funds_spending_rate": 0.9}})  # no guard metric: scored as is
    scored = {(s.subject, s.code): s for s in auto_score(framework, subs, snapshot)}
    void = scored[(subs[0].key, "C01")]
    assert void.status == "missing" and void.score is None
    assert void.evidence["requires_positive"] == {"metric": "households_identified", "value": 0}
    assert scored[(subs[1].key, "C01")].status == "auto" and scored[(subs[2].key, "C01")].status == "auto"
    # the rank indicator ranks only the subjects with a meaningful value
    assert scored[(subs[0].key, "C11")].status == "missing"
    assert scored[(subs[2].key, "C11")].evidence["rank"] == 1 and scored[(subs[2].key, "C11")].evidence["ranked"] == 2
