"""The DCI-shaped registry search: by identifier and by attributes, paginated, scoped, masked, logged."""
import pytest

pytestmark = pytest.mark.pg
NOW = "2026-11-29T02:00:00Z"


def envelope(*requests):  # noqa: ANN002, ANN201
    return {"signature": None,
            "header": {"version": "1.0.0", "message_id": "m-1", "message_ts": NOW, "action": "search",
                       "sender_id": "civil-affairs", "receiver_id": "fupin-registry", "total_count": len(requests),
                       "is_msg_encrypted": False},
            "message": {"transaction_id": "t-1", "search_request": [
                {"reference_id": f"r-{i}", "timestamp": NOW, "search_criteria": criteria}
                for i, criteria in enumerate(requests)]}}


async def test_dci_search_by_identifier_and_by_attributes(any_registry, household_body, reg):
    h = any_registry
    bodies = [household_body() for _ in range(3)]
    for b in bodies:
        assert (await h.client.post("/v1/households", json=b, headers=h.auth())).status_code == 201
    other = household_body(village=reg.OTHER_COUNTY_VILLAGE)
    assert (await h.client.post("/v1/households", json=other, headers=h.auth())).status_code == 201
    county = h.auth(division=reg.COUNTY, scopes=["registry:read"])
    kid = bodies[0]["members"][0]["id_number"]
    r = await h.client.post("/v1/dci/registry/search", headers=county, json=envelope(
        {"query_type": "idtype-value", "query": {"type": "ID_NUMBER", "value": kid}},
        {"query_type": "predicate", "query": [{"seq_num": 1, "expression1": {
            "attribute_name": "status", "operator": "eq", "attribute_value": "applied"}, "condition": "and",
            "expression2": {"attribute_name": "poverty_cause", "operator": "in", "attribute_value": ["illness"]}}],
         "pagination": {"page_size": 2, "page_number": 2}},
        {"query_type": "idtype-value", "query": {"type": "ID_NUMBER", "value": other["head"]["id_number"]}},
        {"query_type": "predicate", "query": [{"expression1": {"attribute_name": "admin_area_code",
                                                               "attribute_value": "441224000000"}}]},
        {"query_type": "predicate", "query": [{"expression1": {"attribute_name": "shoe_size",
                                                               "attribute_value": "42"}}]},
    ))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["header"]["action"] == "on-search" and out["header"]["completed_count"] == 3
    assert out["message"]["correlation_id"] == "m-1" and out["message"]["transaction_id"] == "t-1"
    by_id, by_attr, outside, forbidden, unknown = out["message"]["search_response"]
    [record] = by_id["data"]["reg_records"]
    assert by_id["status"] == "succ" and len(record["members"]) == 2
    assert all("*" in m["identifier"][0]["identifier_value"] for m in record["members"])  # masked
    assert by_attr["pagination"] == {"page_size": 2, "page_number": 2, "total_count": 3}
    assert len(by_attr["data"]["reg_records"]) == 1
    assert outside["status"] == "succ" and outside["data"]["reg_records"] == []  # other county: invisible
    assert forbidden["status"] == "rjct" and forbidden["status_reason_code"] == "rjct.permission.denied"
    assert unknown["status"] == "rjct" and unknown["status_reason_code"] == "rjct.query.invalid"
    assert (await reg.count_rows(h, "access_log"))["access_log"] == 0

    # with pii:read the numbers are clear and each household read is logged
    r = await h.client.post("/v1/dci/registry/search", json=envelope(
        {"query_type": "idtype-value", "query": {"type": "NIN", "value": kid}}),
        headers=h.auth(division=reg.COUNTY, scopes=["registry:read", "pii:read"]))
    [record] = r.json()["message"]["search_response"][0]["data"]["reg_records"]
    assert kid in [m["identifier"][0]["identifier_value"] for m in record["members"]]
    assert (await reg.count_rows(h, "access_log"))["access_log"] == 1


async def test_dci_search_refuses_a_bad_envelope_and_missing_scope(registry):
    bad = envelope({"query_type": "idtype-value", "query": {"type": "ID_NUMBER", "value": "x"}})
    bad["header"]["action"] = "subscribe"
    r = await registry.client.post("/v1/dci/registry/search", json=bad, headers=registry.auth())
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    r = await registry.client.post("/v1/dci/registry/search", json=envelope(
        {"query_type": "idtype-value", "query": {"type": "ID_NUMBER", "value": "x"}}),
        headers=registry.auth(scopes=["funds:read"]))
    assert r.status_code == 403
