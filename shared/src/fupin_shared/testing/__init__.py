"""Test support shared by every service's suite (a pytest plugin, registered by fupin-shared)."""
from fupin_shared.testing.support import (ServiceHarness, eventually, mint_token, pg_available, kafka_available,
                                          test_key_file)

__all__ = ["ServiceHarness", "eventually", "mint_token", "pg_available", "kafka_available", "test_key_file"]
