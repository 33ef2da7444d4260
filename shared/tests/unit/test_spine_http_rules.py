"""Pure rules of the spine's HTTP layer: cursors, If-Match, masking, division ranges, problems."""
import pytest

from fupin_shared.auth import division_prefix, division_range, in_division, mask_account, mask_id_number, mask_name
from fupin_shared.http.etag import etag_for, parse_if_match, require_version
from fupin_shared.http.pagination import decode_cursor, encode_cursor, page_of
from fupin_shared.http.problems import InvalidCursor, InvalidInput, PreconditionRequired, StaleVersion


def test_cursor_round_trips_with_the_same_filters():
    cursor = encode_cursor(["abc", 3], {"division": "441223000000", "status": None})
    assert decode_cursor(cursor, {"status": None, "division": "441223000000"}) == ["abc", 3]


def test_cursor_from_other_filters_is_refused():
    cursor = encode_cursor(["abc"], {"division": "441223000000"})
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, {"division": "441224000000"})


@pytest.mark.parametrize("garbage", ["!!", "bm90LWpzb24", "e30"])
def test_malformed_cursor_is_a_client_error(garbage):
    with pytest.raises(InvalidCursor):
        decode_cursor(garbage, {})


def test_page_of_returns_a_cursor_only_when_more_rows_exist():
    rows, cursor = page_of([1, 2, 3], 2, lambda r: [r], {})
    assert rows == [1, 2] and decode_cursor(cursor, {}) == [2]
    rows, cursor = page_of([1, 2], 2, lambda r: [r], {})
    assert rows == [1, 2] and cursor is None


def test_if_match_parsing():
    assert parse_if_match(etag_for(7)) == 7
    with pytest.raises(PreconditionRequired):
        parse_if_match(None)
    with pytest.raises(StaleVersion):
        parse_if_match('W/"v7"')  # weak tags never match (RFC 9110 strong comparison)
    with pytest.raises(StaleVersion):
        require_version(8, 7)
    require_version(7, 7)


def test_division_prefix_and_range():
    assert division_prefix("441200000000") == "4412"
    assert division_prefix("441223000000") == "441223"
    assert division_prefix("441223101000") == "441223101"
    assert division_prefix("441223101203") == "441223101203"
    assert division_range("441223000000") == ("441223000000", "441223999999")
    assert in_division("441223101203", "441223000000")
    assert not in_division("441224101203", "441223000000")
    with pytest.raises(ValueError):
        division_prefix("4412")


def test_masking_keeps_only_what_the_bank_sms_shows():
    assert mask_id_number("44122319800101001X") == "4412**********001X"
    assert mask_name("张三丰") == "张**"
    assert mask_account("6217000012345678") == "************5678"


def test_invalid_input_carries_field_errors():
    problem = InvalidInput([{"pointer": "#/year", "detail": "too small"}]).body()
    assert problem["status"] == 422 and problem["errors"][0]["pointer"] == "#/year"


def test_idempotency_hash_of_an_unencodable_body_is_invalid_input_not_a_server_error():
    from fupin_shared.http.idempotency import request_hash

    assert request_hash({"b": 1, "a": [2]}) == request_hash({"a": [2], "b": 1})  # canonical: key order ignored
    assert request_hash({"a": 1}, unmasked=True) != request_hash({"a": 1})  # the personal-data view counts
    with pytest.raises(InvalidInput) as refused:  # JSON allows it; orjson cannot encode it (found by schemathesis)
        request_hash({"body": {"n": 2**70}})
    assert refused.value.status == 422 and refused.value.body()["errors"][0]["pointer"] == "/body"


@pytest.mark.parametrize(("sqlstate", "client_error"), [("22021", True), ("22000", True), ("22003", True),
                                                        ("22012", False), ("23505", False), (None, False)])
def test_database_data_exceptions_from_request_values_are_client_errors(sqlstate, client_error):
    from sqlalchemy.exc import DBAPIError

    from fupin_shared.http.handlers import _unstorable_input

    class DriverError(Exception):
        pgcode = sqlstate

    assert _unstorable_input(DBAPIError("select 1", {}, DriverError("x"))) is client_error
