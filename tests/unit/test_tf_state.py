"""Registry answers → state values, and the verdict attributes rebuilt from history (import)."""

from __future__ import annotations

import json
from typing import Any

from platformxe.terraform.custom_event.state import (
    history_values,
    state_from_registration,
    verdict_values_missing,
)
from platformxe.tfplugin.cty import UNKNOWN

SCHEMA = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}


def registration(version: str = "1.0.0", schema: Any = None, **overrides: Any) -> dict[str, Any]:
    body = {
        "namespace": "lettings",
        "name": "property.favorited",
        "version": version,
        "status": "published",
        "description": None,
        "payloadSchema": schema if schema is not None else SCHEMA,
        "payloadExample": None,
        "schemaHash": "h" * 64,
        "schemaFlavour": "json-schema-2020-12",
        "canonicalName": f"TENANT_CUSTOM:org_1:lettings.property.favorited@{version}",
        "organizationId": "org_1",
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z",
    }
    body.update(overrides)
    return body


def test_import_state_serialises_the_registry_documents() -> None:
    values = state_from_registration(registration(payloadExample={"id": "p"}), None)
    assert values["id"] == "lettings/property.favorited@1.0.0"
    assert json.loads(values["payload_schema"]) == SCHEMA
    assert json.loads(values["payload_example"]) == {"id": "p"}
    assert values["on_destroy"] == "archive"
    assert values["semver_bump"] is None and verdict_values_missing(values)
    assert values["canonical_name"].startswith("TENANT_CUSTOM:org_1:")


def test_refresh_keeps_formatting_and_what_the_registry_does_not_store() -> None:
    prior = {
        "payload_schema": '{\n "required": ["id"], "properties": {"id": {"type": "string"}}, "type": "object"}',
        "payload_example": None,
        "on_destroy": "retain",
        "semver_bump": "minor",
        "previous_version": "0.9.0",
        "changes": [],
    }
    values = state_from_registration(registration(status="archived"), prior)
    assert values["payload_schema"] == prior["payload_schema"]
    assert values["status"] == "archived"  # drift shows up
    assert values["on_destroy"] == "retain"
    assert (values["semver_bump"], values["previous_version"]) == ("minor", "0.9.0")
    assert not verdict_values_missing(values)


def test_unknown_planned_verdict_values_are_not_copied_into_state() -> None:
    values = state_from_registration(registration(), {"semver_bump": UNKNOWN, "changes": UNKNOWN})
    assert values["semver_bump"] is None and values["changes"] is None
    assert verdict_values_missing(values)


def test_history_of_the_first_version_is_initial() -> None:
    assert history_values(registration(), [registration()]) == {
        "semver_bump": "initial",
        "previous_version": None,
        "changes": [],
    }


def test_history_compares_with_the_highest_lower_version_whatever_its_status() -> None:
    described = {**SCHEMA, "description": "documented"}
    versions = [
        registration("1.0.0"),
        registration("1.0.1", status="archived"),
        registration("1.0.2", described),
        registration("2.0.0"),
    ]
    values = history_values(versions[2], versions)
    assert values["semver_bump"] == "patch"
    assert values["previous_version"] == "1.0.1"
    later = history_values(versions[3], versions)
    assert (later["semver_bump"], later["previous_version"]) == ("major", "1.0.2")
