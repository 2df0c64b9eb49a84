"""Our error codes are exactly the error-code table: same codes, same statuses, same order."""

from __future__ import annotations

import re

from platformxe.rules import HTTP_STATUS, Code, first_in_seed_order


def _seed_table(seed_text: str) -> list[tuple[str, int]]:
    start = seed_text.index("Reference — error codes")
    rows: list[tuple[str, int]] = []
    for line in seed_text[start:].splitlines():
        match = re.match(r"^([a-z_ /]+) \| (\d{3}) \|", line)
        if match:
            for code in match.group(1).split(" / "):
                rows.append((code.strip(), int(match.group(2))))
    return rows


def test_every_seed_code_exists_with_the_seed_status(seed_text: str) -> None:
    table = _seed_table(seed_text)
    assert len(table) >= 20
    for code, status in table:
        assert HTTP_STATUS[Code(code)] == status, code


def test_our_order_follows_the_seed_table(seed_text: str) -> None:
    seed_codes = [code for code, _ in _seed_table(seed_text)]
    ours = [str(c) for c in Code][: len(seed_codes)]
    assert ours == seed_codes


def test_first_in_seed_order_picks_the_earliest_row() -> None:
    assert first_in_seed_order(["schema_too_wide", "invalid_name"]) is Code.INVALID_NAME
    assert first_in_seed_order([Code.PAYLOAD_TOO_LARGE, Code.PAYLOAD_INVALID]) is Code.PAYLOAD_INVALID
