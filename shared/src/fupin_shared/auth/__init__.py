"""Auth: JWT verification against a JWKS, the Principal, scope and division checks, PII masking,
and the embedded token issuer."""
from fupin_shared.auth.principal import Principal, division_prefix, division_range, in_division
from fupin_shared.auth.masking import mask_account, mask_id_number, mask_name, mask_phone

__all__ = ["Principal", "division_prefix", "division_range", "in_division",
           "mask_account", "mask_id_number", "mask_name", "mask_phone"]
