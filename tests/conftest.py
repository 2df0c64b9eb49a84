"""Shared test fixtures: paths to the repository and to the shared design material."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The binding source document (``../shared/seed/custom-events.txt``)."""
    return (SHARED / "seed" / "custom-events.txt").read_text(encoding="utf-8")
