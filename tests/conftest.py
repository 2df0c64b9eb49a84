"""Test fixtures used by every suite: the repository root and the data under ``tests/fixtures``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests explore fresh random examples on developers' machines; in CI they replay a
# fixed sequence, so a landing is never decided by the luck of one draw (a property failure
# found locally is fixed and its example added to a table).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures"
#: The JSON-Schema-Test-Suite (draft 2020-12, MIT), vendored with its LICENSE.
SCHEMA_SUITE = FIXTURES / "json-schema-test-suite"


@pytest.fixture(scope="session")
def seed_codes() -> dict[str, Any]:
    """The product's error-code table and reserved namespaces (``tests/fixtures/seed-codes.json``)."""
    data: dict[str, Any] = json.loads((FIXTURES / "seed-codes.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def seed_code_table(seed_codes: dict[str, Any]) -> list[tuple[str, int]]:
    """Every (code, HTTP status) of the error-code table, in the table's order."""
    return [(code, row["status"]) for row in seed_codes["errorCodeRows"] for code in row["codes"]]
