"""Framework validation, the bundled 2018–2020 frameworks, the subject catalogue and verification
sampling by Guangdong's rule (pure)."""
from __future__ import annotations

import copy
import uuid
from collections import Counter, defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin_assessment.catalogue import (ASSISTING_UNIT, COUNTY, DEPARTMENT, county_of, read_data, resolve_subject,
                                        subjects)
from fupin_assessment.frameworks.domain import framework_from_document, framework_problems
from fupin_assessment.frameworks.service import BUNDLED_YEARS, bundled_framework
from fupin_assessment.sampling.domain import (FrameHousehold, SamplingRule, draw_sample, frame_fingerprint,
                                              rule_problems)


def doc(year: int = 2019) -> dict:
    return copy.deepcopy(bundled_framework(year).model_dump(mode="json"))


# --- frameworks ------------------------------------------------------------------------------

@pytest.mark.parametrize("year", BUNDLED_YEARS)
def test_bundled_frameworks_are_valid_with_the_five_dimensions(year: int) -> None:
    document = doc(year)
    assert framework_problems(document) == []
    framework = framework_from_document(year, document)
    assert framework.dimensions == ("减贫成效", "精准识别", "精准帮扶", "扶贫资金", "责任落实")
    assert framework.kinds == (COUNTY, DEPARTMENT, ASSISTING_UNIT)
    for kind in framework.kinds:
        assert sum(i.weight for i in framework.indicators_for(kind)) == pytest.approx(100)
    assert [g.grade for g in framework.grades] == ["好", "较好", "一般", "较差"]


def test_targets_rise_over_the_three_years() -> None:
    targets = [next(i["rule"]["target"] for i in doc(y)["indicators"] if i["code"] == "C01") for y in BUNDLED_YEARS]
    assert targets == sorted(targets) and targets[-1] == 1.0


def test_weights_not_summing_to_100_are_named_per_kind() -> None:
    document = doc()
    document["indicators"][0]["weight"] = 10  # C01 12 -> 10: counties now sum to 98
    problems = framework_problems(document)
    assert problems == [{"pointer": "#/indicators", "detail": "weights of the indicators for county sum to 98, not 100"}]


def test_unknown_metric_and_rule_mismatch_are_refused() -> None:
    document = doc()
    document["indicators"][0]["source"] = "happiness_index"
    document["indicators"][4]["rule"] = {"kind": "linear", "floor": 0, "target": 1}  # C05 is manual
    pointers = {p["pointer"] for p in framework_problems(document)}
    assert "#/indicators/0/source" in pointers and "#/indicators/4/rule/kind" in pointers


def test_a_guard_must_be_a_snapshot_metric_on_a_snapshot_indicator() -> None:
    document = doc()
    document["indicators"][0]["requires_positive"] = "nonsense"
    document["indicators"][4]["requires_positive"] = "households_identified"  # C05 is manual
    pointers = {p["pointer"] for p in framework_problems(document)}
    assert {"#/indicators/0/requires_positive", "#/indicators/4/requires_positive"} <= pointers


def test_incoherent_rules_are_refused() -> None:
    document = doc()
    document["indicators"][0]["rule"] = {"kind": "linear", "floor": 0.5, "target": 0.5}
    document["indicators"][7]["rule"] = {"kind": "ratio", "target": 0}
    pointers = {p["pointer"] for p in framework_problems(document)}
    assert {"#/indicators/0/rule/target", "#/indicators/7/rule/target"} <= pointers


def test_duplicate_codes_unknown_dimension_and_grades_without_zero_are_refused() -> None:
    document = doc()
    document["indicators"][1]["code"] = "C01"
    document["indicators"][2]["dimension"] = "其他"
    document["grades"] = [{"grade": "好", "min_total": 90}, {"grade": "较好", "min_total": 80}]
    details = " | ".join(p["detail"] for p in framework_problems(document))
    assert "used twice" in details and "not one of the framework's dimensions" in details and "start at 0" in details


# --- subjects --------------------------------------------------------------------------------

def test_subjects_are_the_8_counties_the_matrix_departments_and_assisting_units() -> None:
    by_kind = Counter(s.kind for s in subjects())
    counties = [s.key[:6] for s in subjects() if s.kind == COUNTY]
    assert counties == ["441202", "441203", "441204", "441223", "441224", "441225", "441226", "441284"]
    departments = {u["name"] for u in read_data("units.json") if u["kind"] == "department"}
    assert {s.key for s in subjects() if s.kind == DEPARTMENT} == departments
    assisting = {s.key for s in subjects() if s.kind == ASSISTING_UNIT}
    assert {"人行肇庆市中心支行", "广东电网公司肇庆供电局", "团市委"} <= assisting
    assert not assisting & {"各定点帮扶单位", "各级党委和政府", "市扶贫开发领导小组成员单位"}
    assert by_kind[COUNTY] == 8 and len({s.key for s in subjects()}) == len(subjects())


def test_subjects_resolve_by_code_short_code_or_name() -> None:
    assert resolve_subject("441223").key == resolve_subject("广宁县").key == "441223000000"
    assert resolve_subject("市教育局").kind == DEPARTMENT
    assert resolve_subject("nowhere") is None
    assert county_of("441223101001") == "441223000000" and county_of("441200000000") is None


# --- sampling --------------------------------------------------------------------------------

def make_frame(counties: int = 3, towns: int = 3, villages: int = 3, households: int = 14,
               disabled_every: int = 5, seed: int = 0) -> list[FrameHousehold]:
    frame = []
    county_codes = ["441223", "441224", "441225", "441226"][:counties]
    for c in county_codes:
        for t in range(1, towns + 1):
            for v in range(1, villages + 1):
                village = f"{c}{100 + t:03d}{200 + v:03d}"
                for h in range(households):
                    hid = str(uuid.uuid5(uuid.NAMESPACE_OID, f"{seed}|{village}|{h}"))
                    frame.append(FrameHousehold(hid, village, "pre_exit" if h % 7 else "identified", 3,
                                                disabled_every > 0 and h % disabled_every == 1))
    return frame


def test_same_seed_same_sample_and_another_seed_another() -> None:
    frame = make_frame()
    rule = SamplingRule()
    first, again = draw_sample(frame, rule, "2019-A"), draw_sample(list(reversed(frame)), rule, "2019-A")
    assert first == again
    other = draw_sample(frame, rule, "2019-B")
    assert {h.household_id for h in other.households} != {h.household_id for h in first.households}


def test_sample_follows_the_guangdong_rule() -> None:
    sample = draw_sample(make_frame(), SamplingRule(), "seed")
    assert sample.shortfalls == ()
    tree: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for h in sample.households:
        tree[h.county_code][h.town_code][h.village_code].append(h)
        assert h.status == "pre_exit"
    assert len(tree) == 2
    for towns in tree.values():
        assert len(towns) == 2
        for villages in towns.values():
            assert len(villages) == 2
            for rows in villages.values():
                assert len(rows) == 10 and sum(r.has_disabled for r in rows) >= 1
    assert len(sample.households) == 2 * 2 * 2 * 10 and sample.villages == 8


def test_villages_that_can_meet_the_rule_are_preferred() -> None:
    frame = make_frame(counties=2, towns=2, villages=3)
    # strip the disabled members from one village of every town
    poor = {f"{c}{101 + t:03d}201" for c in ("441223", "441224") for t in range(2)}
    frame = [FrameHousehold(h.household_id, h.village_code, h.status, h.persons,
                            h.has_disabled and h.village_code not in poor) for h in frame]
    for seed in ("a", "b", "c", "d"):
        sample = draw_sample(frame, SamplingRule(), seed)
        assert not {h.village_code for h in sample.households} & poor and sample.shortfalls == ()


def test_shortfalls_are_named_when_the_frame_cannot_meet_the_rule() -> None:
    frame = make_frame(counties=1, towns=1, villages=1, households=8, disabled_every=0)
    sample = draw_sample(frame, SamplingRule(), "x")
    text = " ".join(sample.shortfalls)
    assert "count(ies)" in text and "town(s)" in text and "village(s)" in text and "disabled" in text
    assert len(sample.households) == 6  # the 6 pre-exit households there are


def test_statuses_are_normalised_and_chosen_by_the_rule() -> None:
    frame = [FrameHousehold(str(uuid.UUID(int=n)), "441223101201", "Pre-Exit", 2, n == 0) for n in range(12)]
    assert len(draw_sample(frame, SamplingRule(), "s").households) == 10
    assert draw_sample(frame, SamplingRule(statuses=("exit_notice",)), "s").households == ()


def test_rule_below_guangdong_minimums_is_refused() -> None:
    problems = rule_problems(SamplingRule(counties=1, households_per_village=8, disabled_min=0))
    assert {p["pointer"] for p in problems} == {"#/counties", "#/households_per_village", "#/disabled_min"}
    assert rule_problems(SamplingRule(counties=3, households_per_village=12)) == []


def test_fingerprint_depends_on_content_not_order() -> None:
    frame = make_frame(counties=1)
    assert frame_fingerprint(frame) == frame_fingerprint(list(reversed(frame)))
    changed = [*frame[:-1], FrameHousehold(frame[-1].household_id, frame[-1].village_code, "exit_notice", 3, True)]
    assert frame_fingerprint(changed) != frame_fingerprint(frame)


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=20), st.integers(0, 3))
def test_any_seed_is_reproducible_and_within_the_rule(seed: str, variant: int) -> None:
    frame = make_frame(seed=variant)
    a, b = draw_sample(frame, SamplingRule(), seed), draw_sample(frame, SamplingRule(), seed)
    assert a == b
    assert len({h.household_id for h in a.households}) == len(a.households) == 80
