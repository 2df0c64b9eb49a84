"""A fresh clone is self-contained: no tracked file points outside the repository for its data."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# Spelled in two parts so that this file does not match itself.
OUTSIDE = ("../" + "shared", "/work/" + "shared")


def _tracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, check=True, capture_output=True, text=True
    ).stdout
    return [REPO_ROOT / name for name in out.split("\0") if name]


def test_no_tracked_file_refers_to_material_outside_the_repository() -> None:
    files = _tracked_files()
    assert len(files) > 100
    offenders = []
    for path in files:
        if not path.is_file():
            continue  # deleted in the working tree but still in the index
        text = path.read_bytes().decode("utf-8", errors="replace")
        offenders += [f"{path.relative_to(REPO_ROOT)}: {word}" for word in OUTSIDE if word in text]
    assert offenders == []


def test_the_test_data_is_in_the_repository() -> None:
    fixtures = REPO_ROOT / "tests" / "fixtures"
    suite = fixtures / "json-schema-test-suite"
    assert len(list(suite.glob("*.json"))) >= 40
    assert len(list((suite / "optional" / "format").glob("*.json"))) >= 20
    assert (suite / "LICENSE").is_file()
    assert (fixtures / "seed-codes.json").is_file()


def test_nothing_claims_the_package_is_on_a_public_index() -> None:
    """platformxe installs from a checkout or a built wheel; installing it by name from an index fails."""
    claim = re.compile(r"pip install\s+['\"]?platformxe\b")
    offenders = []
    for path in _tracked_files():
        if path.is_file() and path.suffix in {".md", ".yml", ".yaml", ".sh", ".py", ".tf", ""}:
            text = path.read_bytes().decode("utf-8", errors="replace")
            offenders += [f"{path.relative_to(REPO_ROOT)}: {m.group(0)}" for m in claim.finditer(text)]
    assert offenders == []
