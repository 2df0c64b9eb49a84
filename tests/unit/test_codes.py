"""Our error codes are exactly the error-code table: same codes, same statuses, same order."""

from __future__ import annotations

from platformxe.rules import HTTP_STATUS, Code, first_in_seed_order


def test_every_seed_code_exists_with_the_seed_status(seed_code_table: list[tuple[str, int]]) -> None:
    assert len(seed_code_table) == 24
    for code, status in seed_code_table:
        assert HTTP_STATUS[Code(code)] == status, code


def test_our_order_follows_the_seed_table(seed_code_table: list[tuple[str, int]]) -> None:
    seed_codes = [code for code, _ in seed_code_table]
    ours = [str(c) for c in Code][: len(seed_codes)]
    assert ours == seed_codes


def test_first_in_seed_order_picks_the_earliest_row() -> None:
    assert first_in_seed_order(["schema_too_wide", "invalid_name"]) is Code.INVALID_NAME
    assert first_in_seed_order([Code.PAYLOAD_TOO_LARGE, Code.PAYLOAD_INVALID]) is Code.PAYLOAD_INVALID


def test_the_registry_docs_list_every_code_with_its_status_in_order(
    seed_code_table: list[tuple[str, int]],
) -> None:
    """docs/registry.md is where users read the table: it must be exactly ours, in our order."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "registry.md").read_text(encoding="utf-8")
    section = text[text.index("## Error codes") :]
    documented = [
        (code, int(status)) for code, status in re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", section, re.M)
    ]
    assert documented == [(str(c), HTTP_STATUS[c]) for c in Code]
    assert documented[: len(seed_code_table)] == seed_code_table
