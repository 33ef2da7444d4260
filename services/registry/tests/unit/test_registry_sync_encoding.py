"""Content negotiation of the field-app sync responses (pure)."""
from fupin_registry.sync.router import accepts


def test_accept_encoding_lists_the_coding_with_a_non_zero_quality() -> None:
    assert accepts("gzip, deflate, br", "br") and accepts("br;q=0.5", "br") and accepts("BR", "br")
    assert not accepts("gzip", "br") and not accepts("br;q=0", "br") and not accepts("br;q=zero", "br")
    assert not accepts("", "br") and not accepts("brotli", "br")
