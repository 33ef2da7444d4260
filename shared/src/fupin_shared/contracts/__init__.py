"""Event payload contracts (data only), one module per publishing service.

``all_contracts()`` lists every registered contract; JSON Schema and the AsyncAPI document are
generated from them (``fupin_shared.contracts.asyncapi``).
"""
from fupin_shared.contracts.base import Contract, all_contracts, contract_for

__all__ = ["Contract", "all_contracts", "contract_for"]
