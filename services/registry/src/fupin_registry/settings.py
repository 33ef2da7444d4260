from functools import lru_cache

from pydantic import BaseModel, Field, model_validator

from fupin_shared.settings import DEMO_SECRET, ServiceSettings


class DciPartner(BaseModel):
    """A system allowed to have its asynchronous DCI answers POSTed back (registered out of band)."""

    callback_prefixes: list[str] = Field(min_length=1)
    """URL prefixes its ``sender_uri`` must start with: scheme, host and port exact (``:*`` any port), the
    path under the prefix's path (e.g. ``https://mca.example.gov.cn/dci/``)."""
    secrets: list[str] = Field(min_length=1)
    """HMAC keys its callbacks are signed with (``Webhook-Signature``), the current one first; list the old
    one second while the partner switches."""


EMBEDDED_DCI_PARTNERS = {"*": DciPartner(
    callback_prefixes=["http://127.0.0.1:*/", "http://localhost:*/", "http://[::1]:*/"], secrets=[DEMO_SECRET])}
"""The embedded default's: any client may be called back on loopback, signed with the demo secret."""


class RegistrySettings(ServiceSettings):
    service_name = "registry"

    demo_households: int = 45_000
    """Households the embedded default's demo data loads (FUPIN_REGISTRY_DEMO_HOUSEHOLDS; 0 loads none)."""
    demo_seed: int = 2017
    signal_sweep_seconds: float = 300.0
    """How often waiting signals are re-matched besides the member events (FUPIN_REGISTRY_SIGNAL_SWEEP_SECONDS)."""
    dci_partners: dict[str, DciPartner] = {}
    """client_id → where its DCI callbacks may go and their signing secrets (FUPIN_REGISTRY_DCI_PARTNERS as
    JSON; ``*`` for every client without its own entry). Empty in the embedded default: loopback only."""

    @model_validator(mode="after")
    def _dci_partners(self) -> "RegistrySettings":
        if not self.dci_partners and self.mode == "embedded":
            self.dci_partners = dict(EMBEDDED_DCI_PARTNERS)
        if self.mode != "embedded" and any(DEMO_SECRET in p.secrets for p in self.dci_partners.values()):
            raise ValueError("the demo secret is refused outside the embedded default (FUPIN_REGISTRY_DCI_PARTNERS)")
        return self


@lru_cache
def get_settings() -> RegistrySettings:
    return RegistrySettings()
