"""The change list never calls one change both compatible and breaking."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from platformxe.cli.main import main

SCHEMAS = Path(__file__).resolve().parents[2] / "examples" / "evolution" / "schemas"


def _changes(capsys: pytest.CaptureFixture[str], new: str, old: str) -> list[dict[str, object]]:
    argv = ["validate", str(SCHEMAS / f"{new}.json"), "--previous", str(SCHEMAS / f"{old}.json")]
    assert main([*argv, "--previous-version", old, "--version", new, "--json"]) == 0
    changes: list[dict[str, object]] = json.loads(capsys.readouterr().out)["changes"]
    return changes


@pytest.mark.parametrize("old", ["1.0.0", "1.1.0"])
def test_a_new_required_property_is_breaking_only(capsys: pytest.CaptureFixture[str], old: str) -> None:
    changes = _changes(capsys, "2.0.0", old)
    about_channel = [c for c in changes if '"channel"' in str(c["message"])]
    # one change, one entry: the property is added and required, and that is breaking
    assert [(c["kind"], c["breaking"]) for c in about_channel] == [("property_required", True)]
    assert about_channel[0]["message"].startswith('added property "channel", now required')
    for change in changes:
        if not change["breaking"]:
            assert not re.search(r"\brequired\b", str(change["message"])), change
