"""Signing keys of the embedded issuer and the JWKS verifiers read.

The private key lives in a JSON file (generated on first use, mode 0600). Rotation: generate a new
key with ``fupin keys rotate``; the previous public key stays in the JWKS until tokens signed with
it have expired, so verifiers never see an unknown ``kid`` during the switch.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from joserfc.jwk import KeySet, RSAKey


def _new_key() -> RSAKey:
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True)
    key.ensure_kid()
    return key


def load_or_create_signing_keys(path: Path) -> list[dict[str, Any]]:
    """Return the stored keys (newest first), creating the file with one key if missing."""
    if path.exists():
        return json.loads(path.read_text())["keys"]
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = [{**_new_key().as_dict(private=True), "created": int(time.time())}]
    _write(path, keys)
    return keys


def rotate(path: Path, keep: int = 2) -> list[dict[str, Any]]:
    keys = load_or_create_signing_keys(path)
    keys = [{**_new_key().as_dict(private=True), "created": int(time.time())}, *keys][:keep]
    _write(path, keys)
    return keys


def _write(path: Path, keys: list[dict[str, Any]]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"keys": keys}))
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def public_jwks(keys: list[dict[str, Any]]) -> dict[str, Any]:
    public = []
    for data in keys:
        key = RSAKey.import_key({k: v for k, v in data.items() if k != "created"})
        public.append(key.as_dict(private=False))
    return {"keys": public}


def private_key(keys: list[dict[str, Any]]) -> RSAKey:
    return RSAKey.import_key({k: v for k, v in keys[0].items() if k != "created"})


def keyset(jwks: dict[str, Any]) -> KeySet:
    return KeySet.import_key_set(jwks)
