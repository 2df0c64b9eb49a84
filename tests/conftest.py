"""Shared test fixtures: paths to the repository and to the shared design material."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests explore fresh random examples on developers' machines; in CI they replay a
# fixed sequence, so a landing is never decided by the luck of one draw (a property failure
# found locally is fixed and its example added to a table).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The binding source document (``../shared/seed/custom-events.txt``)."""
    return (SHARED / "seed" / "custom-events.txt").read_text(encoding="utf-8")
