"""Masking of personal data for callers without ``pii:read``."""
from __future__ import annotations


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_name(value: str | None) -> str | None:
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)


def mask_account(value: str | None) -> str | None:
    """One-card (一卡通) and bank accounts: only the last four digits, as the bank's SMS does."""
    if not value:
        return value
    return "*" * max(0, len(value) - 4) + value[-4:]
