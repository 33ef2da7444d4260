"""Settings shared by every service (pydantic-settings).

Each service subclasses :class:`ServiceSettings` and sets ``service_name``. Values are read from
``FUPIN_<SERVICE>_<FIELD>`` first, then ``FUPIN_<FIELD>`` (common to all services), then defaults,
so ``FUPIN_BUS=kafka`` switches every service and ``FUPIN_REGISTRY_DATABASE_URL`` one of them.
"""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

DEMO_SECRET = "demo"
REPO_ROOT = Path(__file__).resolve().parents[3]


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="FUPIN_")

    service_name: ClassVar[str] = "service"

    mode: Literal["embedded", "stack", "production"] = "embedded"
    """embedded: one process, SQLite, in-process bus, demo clients. stack/production: real infrastructure."""
    database_url: str = ""
    """SQLAlchemy async URL; empty means ``sqlite+aiosqlite:///<data_dir>/<service>.db``."""
    data_dir: Path = REPO_ROOT / "var" / "embedded"
    bus: Literal["memory", "kafka"] = "memory"
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    """Prepended to every topic and consumer group (tests use a unique prefix per run)."""
    topic_partitions: int = 3
    inline_workers: bool = True
    """Run this service's relay and consumers inside the API process (embedded and local stack)."""
    relay_batch_size: int = 500
    relay_poll_seconds: float = 0.2
    db_pool_size: int = 10
    db_max_overflow: int = 20

    auth_issuer: str = "https://fupin.local/auth"
    auth_audience: str = "fupin"
    auth_jwks: str = ""
    """Where verifiers find the public keys: a file path or an https URL. Empty: the embedded issuer's key file."""
    auth_key_file: Path = REPO_ROOT / "var" / "keys" / "signing-key.json"
    """Private signing key of the embedded issuer (generated on first use)."""
    token_ttl_seconds: int = 3600
    demo_clients: bool = True
    """Create the demo clients of API.md with secret 'demo' (embedded default only)."""
    client_secrets: dict[str, str] = {}
    """client_id -> secret for a non-demo issuer (FUPIN_CLIENT_SECRETS as JSON)."""
    pseudonym_key: str = DEMO_SECRET
    """HMAC key for pseudonymous ids in feeds and blind indexes."""

    log_level: str = "INFO"
    log_json: bool = True
    cors_origins: list[str] = []
    """Origins whose browsers may call the API (FUPIN_CORS_ORIGINS as JSON, ``["*"]`` for any); none: no CORS."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        per_service = EnvSettingsSource(settings_cls, env_prefix=f"FUPIN_{cls.service_name.upper()}_")
        return init_settings, per_service, env_settings, file_secret_settings

    @model_validator(mode="after")
    def _refuse_demo_secrets_outside_embedded(self) -> "ServiceSettings":
        if self.mode != "embedded":
            if self.demo_clients:
                raise ValueError("demo clients (secret 'demo') are only allowed in the embedded default; "
                                 "set FUPIN_DEMO_CLIENTS=false")
            if self.pseudonym_key == DEMO_SECRET or any(s == DEMO_SECRET for s in self.client_secrets.values()):
                raise ValueError("default secrets are refused outside the embedded default; "
                                 "set FUPIN_PSEUDONYM_KEY and FUPIN_CLIENT_SECRETS")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / (self.service_name + '.db')}"

    def topic(self, service: str | None = None) -> str:
        return f"{self.topic_prefix}fupin.{service or self.service_name}.v1"

    def group(self, name: str) -> str:
        return f"{self.topic_prefix}fupin.{self.service_name}.{name}"
