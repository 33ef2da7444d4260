"""Where a DCI callback may go (pure): only under a URL prefix registered for the calling client."""
import pytest
from pydantic import ValidationError

from fupin_registry.dci.domain import callback_allowed, partner_of
from fupin_registry.settings import RegistrySettings

MCA = ["https://mca.example.gov.cn/dci/"]
LOOPBACK = ["http://127.0.0.1:*/", "http://[::1]:*/"]


def test_a_callback_under_a_registered_prefix_is_allowed() -> None:
    assert callback_allowed("https://mca.example.gov.cn/dci/on-search", MCA)
    assert callback_allowed("https://MCA.example.gov.cn:443/dci/registry/on-search?x=1", MCA)
    assert callback_allowed("https://mca.example.gov.cn/dci", MCA)
    assert callback_allowed("http://127.0.0.1:45123/on-search", LOOPBACK)
    assert callback_allowed("http://[::1]:8080/", LOOPBACK)
    assert callback_allowed("https://mca.example.gov.cn/anything", ["https://mca.example.gov.cn"])


def test_anything_else_is_refused() -> None:
    for url in ["http://mca.example.gov.cn/dci/on-search",          # another scheme
                "https://mca.example.gov.cn:8443/dci/on-search",    # another port
                "https://mca.example.gov.cn/dcix/on-search",        # not a whole path segment
                "https://mca.example.gov.cn/admin",
                "https://mca.example.gov.cn.evil.example/dci/",     # another host
                "https://user:pw@mca.example.gov.cn/dci/x",         # credentials
                "https://mca.example.gov.cn/dci/../admin",          # dot segments
                "https://mca.example.gov.cn/dci/%2e%2e/admin",
                "http://169.254.169.254/latest/meta-data/",
                "https://mca.example.gov.cn:99999/dci/"]:           # not a port
        assert not callback_allowed(url, MCA), url
    assert not callback_allowed("http://10.0.0.5:8080/", LOOPBACK)
    assert not callback_allowed("http://127.0.0.1:8080/", [])


def test_a_client_is_its_own_partner_else_the_one_for_every_client() -> None:
    partners = {"civil-affairs": "mca", "*": "loopback"}
    assert partner_of(partners, "civil-affairs") == "mca" and partner_of(partners, "bank") == "loopback"
    assert partner_of({"civil-affairs": "mca"}, "bank") is None


def test_loopback_callbacks_are_the_embedded_default_only() -> None:
    embedded = RegistrySettings()
    assert callback_allowed("http://127.0.0.1:8080/cb", partner_of(embedded.dci_partners, "anyone").callback_prefixes)
    stack = {"mode": "stack", "demo_clients": False, "pseudonym_key": "k"}
    assert RegistrySettings(**stack).dci_partners == {}  # nothing is called back until registered
    with pytest.raises(ValidationError, match="demo secret"):
        RegistrySettings(**stack, dci_partners={"mca": {"callback_prefixes": MCA, "secrets": ["demo"]}})
