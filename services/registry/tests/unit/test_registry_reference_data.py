"""Code lists and the shipped division tree."""
import json

from fupin_registry import codelists
from fupin_registry.divisions import domain, generate


def test_twelve_national_causes_and_other():
    assert [c.label_zh for c in codelists.POVERTY_CAUSE.codes] == [
        "因病", "因残", "因学", "因灾", "因婚", "缺土地", "缺水", "缺技术", "缺资金", "缺劳力", "交通条件落后",
        "自身发展动力不足", "其他"]


def test_every_code_has_both_labels_and_lookups_accept_chinese():
    for code_list in codelists.ALL.values():
        assert code_list.label_zh and code_list.label_en
        for code in code_list.codes:
            assert code.label_zh and code.label_en
        lookup = code_list.lookup()
        for code in code_list.codes:
            assert lookup[code.label_zh] == code.code and lookup[code.code] == code.code


def test_measures_are_tagged_with_plan_tasks():
    assert codelists.plan_task_for_measure("housing") == 10
    assert codelists.plan_task_for_measure("micro_credit") == 21
    assert codelists.plan_task_for_measure("other") is None


def test_cause_mask_bits_are_distinct():
    assert codelists.cause_mask(["illness", "other"]) == 1 | (1 << 12)


def test_shipped_division_file_is_what_the_generator_makes():
    shipped = json.loads(generate.DATA_FILE.read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(generate.generate(), ensure_ascii=False))
    assert [c for c, _ in shipped["counties"]] == ["441202000000", "441203000000", "441204000000", "441223000000",
                                                   "441224000000", "441225000000", "441226000000", "441284000000"]
    assert sum(v[3] for v in shipped["villages"]) == 111
    assert 95 <= len(shipped["towns"]) <= 110 and len(shipped["villages"]) == 1400
    codes = [v[0] for v in shipped["villages"]]
    assert len(set(codes)) == len(codes)
    towns = {t[0] for t in shipped["towns"]}
    assert all(v[2] in towns and v[0][:9] == v[2][:9] for v in shipped["villages"])


def test_ancestors_of_a_village():
    assert domain.ancestors("441223101200") == ["441200000000", "441223000000", "441223101000"]
    assert domain.level_of("441223101000") == "town"
