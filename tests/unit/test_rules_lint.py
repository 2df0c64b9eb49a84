"""Schema lint: near-miss keywords and draft-07 forms get advice; real schemas get none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from platformxe.cli.main import main
from platformxe.rules.lint import KNOWN_KEYWORDS, edit_distance, lint_schema
from platformxe.terraform.custom_event.validate import validate_event_config
from platformxe.tfplugin.diagnostics import Severity

REPO = Path(__file__).resolve().parents[2]
SUITE = REPO / "tests" / "fixtures" / "json-schema-test-suite"


def _found(schema: Any) -> list[tuple[str, str, str, str]]:
    return [(f.kind, f.pointer, f.keyword, f.meant) for f in lint_schema(schema)]


def test_misspelt_keywords_name_the_pointer_and_the_keyword_meant() -> None:
    schema = {
        "type": "object",
        "propertes": {"a": {"type": "string"}},
        "requried": ["a"],
        "$defs": {
            "b": {"Type": "string", "maxlength": 3, "minLenght": 1, "patern": "^x"},
            "d": {"additonalProperties": False},
        },
    }
    assert _found(schema) == [
        ("typo", "/propertes", "propertes", "properties"),
        ("typo", "/requried", "requried", "required"),
        ("typo", "/$defs/b/Type", "Type", "type"),
        ("typo", "/$defs/b/maxlength", "maxlength", "maxLength"),
        ("typo", "/$defs/b/minLenght", "minLenght", "minLength"),
        ("typo", "/$defs/b/patern", "patern", "pattern"),
        ("typo", "/$defs/d/additonalProperties", "additonalProperties", "additionalProperties"),
    ]
    nested = {"type": "object", "properties": {"a": {"type": "object", "propertes": {}}}}
    assert _found(nested) == [("typo", "/properties/a/propertes", "propertes", "properties")]
    message = lint_schema({"propertes": {}})[0].message
    assert message.startswith('"propertes" at /propertes is not a JSON Schema 2020-12 or OpenAPI 3.1 keyword')
    assert message.endswith('did you mean "properties"?')


def test_draft07_forms_name_the_2020_12_keyword() -> None:
    assert _found({"items": [{"type": "string"}], "additionalItems": False}) == [
        ("draft-07", "/items", "items", "prefixItems"),
        ("draft-07", "/additionalItems", "additionalItems", "items"),
    ]
    assert _found({"definitions": {"a": {}}}) == [("draft-07", "/definitions", "definitions", "$defs")]
    assert _found({"dependencies": {"a": ["b"]}}) == [
        ("draft-07", "/dependencies", "dependencies", "dependentRequired")
    ]
    assert _found({"dependencies": {"a": {"required": ["b"]}}}) == [
        ("draft-07", "/dependencies", "dependencies", "dependentSchemas")
    ]
    assert "prefixItems" in lint_schema({"items": [{}]})[0].message


def test_what_is_not_advised_on() -> None:
    # 2020-12 forms, both containers at once, data values, property names, extensions, short words.
    assert _found({"items": {"type": "string"}, "prefixItems": [{}]}) == []
    assert _found({"definitions": {}, "$defs": {}}) == []
    assert _found({"enum": [{"propertes": 1}], "const": {"requried": []}, "default": {"Type": 1}}) == []
    assert _found({"properties": {"propertes": {}, "requried": {}}, "required": ["propertes"]}) == []
    assert _found({"x-propertes": 1, "ref": 1, "typ": 1, "foo": 1, "bar": 2}) == []
    # A near-miss next to the real keyword is taken as deliberate.
    assert _found({"properties": {}, "propertie": {}}) == []
    assert _found(True) == [] and _found("not a schema") == []


def test_edit_distance_counts_swaps_as_one_edit() -> None:
    assert edit_distance("requried", "required") == 1
    assert edit_distance("propertes", "properties") == 1
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("", "abc") == 3
    assert "prefixItems" in KNOWN_KEYWORDS and "discriminator" in KNOWN_KEYWORDS


def _suite_schemas() -> list[tuple[str, Any]]:
    files = sorted(SUITE.glob("*.json")) + sorted((SUITE / "optional" / "format").glob("*.json"))
    out = []
    for path in files:
        for group in json.loads(path.read_text(encoding="utf-8")):
            out.append((f"{path.relative_to(SUITE)}/{group['description']}", group["schema"]))
    return out


def test_no_advice_on_any_schema_of_the_json_schema_test_suite() -> None:
    schemas = _suite_schemas()
    assert len(schemas) > 400
    advised = {where: _found(schema) for where, schema in schemas if lint_schema(schema)}
    assert advised == {}


def test_no_advice_on_the_example_schemas() -> None:
    files = sorted(REPO.glob("examples/**/*.json"))
    assert len(files) >= 6
    advised = {str(p.relative_to(REPO)): _found(json.loads(p.read_text())) for p in files}
    assert {k: v for k, v in advised.items() if v} == {}


def test_the_provider_warns_on_payload_schema_without_refusing() -> None:
    schema = json.dumps({"type": "object", "propertes": {"a": {}}, "dependencies": {"a": ["b"]}})
    found = validate_event_config(
        {"namespace": "lettings", "name": "a.b", "version": "1.0.0", "payload_schema": schema}
    )
    assert [d.severity for d in found] == [Severity.WARNING, Severity.WARNING]
    assert all(tuple(d.path) == ("payload_schema",) for d in found)
    assert (
        found[0].summary
        == 'Unknown keyword "propertes" at /propertes in payload_schema: did you mean "properties"?'
    )
    assert found[1].summary == (
        'Draft-07 keyword "dependencies" at /dependencies in payload_schema: JSON Schema 2020-12 uses '
        '"dependentRequired"'
    )


def test_platformxe_validate_prints_the_advice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"type": "object", "requried": ["a"]}))
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "warnings (1):" in out
    assert '"requried" at /requried is not a JSON Schema 2020-12 or OpenAPI 3.1 keyword' in out
    assert main(["validate", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["valid"] is True
    assert captured.err.startswith('platformxe validate: warning: "requried" at /requried')
