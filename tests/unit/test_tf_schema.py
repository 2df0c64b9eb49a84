"""The provider's schemas: plan flags docs/provider.md asks for, descriptions, docs, start-up cost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from platformxe.terraform.custom_event.schema import custom_event_identity_schema, custom_event_schema
from platformxe.terraform.data_sources.custom_event import CustomEventDataSource
from platformxe.terraform.data_sources.custom_events import CustomEventsDataSource
from platformxe.terraform.data_sources.custom_events_health import CustomEventsHealthDataSource
from platformxe.terraform.provider import PlatformXeProvider

DOCS = Path(__file__).resolve().parents[2] / "docs" / "provider.md"


def all_schemas() -> dict[str, object]:
    provider = PlatformXeProvider()
    schemas = {"provider": provider.schema(), "platformxe_custom_event": custom_event_schema()}
    for source in (CustomEventDataSource(), CustomEventsDataSource(), CustomEventsHealthDataSource()):
        schemas[f"data.{source.type_name}"] = source.schema()
    return schemas


def test_replacement_and_in_place_attributes_follow_the_contract() -> None:
    attrs = custom_event_schema().attributes
    assert {n for n, a in attrs.items() if a.requires_replace} == {
        "namespace",
        "name",
        "version",
        "payload_schema",
        "payload_example",
    }
    assert {n for n, a in attrs.items() if a.required} == {"namespace", "name", "version", "payload_schema"}
    assert {n for n, a in attrs.items() if a.semantic_equal is not None} == {
        "payload_schema",
        "payload_example",
    }
    # Defaults need optional+computed: a plain optional attribute must plan null when unset.
    assert attrs["status"].optional and attrs["status"].computed
    assert attrs["on_destroy"].optional and attrs["on_destroy"].computed
    assert not attrs["description"].computed
    assert set(custom_event_identity_schema().attributes) == {"namespace", "name", "version"}


def test_the_api_key_is_sensitive() -> None:
    assert PlatformXeProvider().schema().attributes["api_key"].sensitive


def test_every_attribute_is_described_and_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for owner, schema in all_schemas().items():
        for name, attribute in schema.attributes.items():  # type: ignore[attr-defined]
            assert len(attribute.description) > 10, f"{owner}.{name} has no description"
            assert f"`{name}`" in docs, f"{owner}.{name} is not in docs/provider.md"


def test_json_attributes_compare_semantically() -> None:
    equal = custom_event_schema().attributes["payload_schema"].semantic_equal
    assert equal is not None
    assert equal('{"a": 1, "b": [1.0]}', '{ "b": [1], "a": 1e0 }')
    assert not equal('{"a": 1}', '{"a": 2}')


def test_starting_the_plugin_imports_no_http_or_schema_library() -> None:
    code = (
        "import sys\n"
        "import platformxe.terraform.plugin, platformxe.terraform.provider\n"
        "import platformxe.terraform.custom_event.resource, platformxe.terraform.data_sources.custom_events\n"
        "print(sorted(m for m in ('httpx', 'jsonschema', 'platformxe.rules.compat.core') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
