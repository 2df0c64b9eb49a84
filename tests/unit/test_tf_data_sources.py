"""Offline checks of the data sources' configuration: a bad name is its own error, with its code."""

from __future__ import annotations

from typing import Any

from platformxe.terraform.data_sources.custom_event import CustomEventDataSource
from platformxe.terraform.data_sources.custom_events import CustomEventsDataSource
from platformxe.tfplugin.cty import UNKNOWN
from platformxe.tfplugin.framework import DataSource, ValidateRequest


def problems(source: DataSource, **config: Any) -> list[tuple[tuple[Any, ...], str]]:
    req = ValidateRequest(source.type_name, config)
    source.validate_config(req)
    return [(d.path, d.code) for d in req.diagnostics]


def test_a_bad_namespace_is_invalid_namespace_not_a_missing_version() -> None:
    found = problems(CustomEventDataSource(), namespace="Bad NS", name="property.favorited", version=None)
    assert found == [(("namespace",), "invalid_namespace")]


def test_name_and_version_shapes_are_checked_and_latest_or_unknown_pass() -> None:
    source = CustomEventDataSource()
    assert problems(source, namespace="lettings", name="x", version="1.0") == [
        (("name",), "invalid_name"),
        (("version",), "invalid_version_format"),
    ]
    assert problems(source, namespace="lettings", name="property.favorited", version="latest") == []
    assert problems(source, namespace="platformxe", name="generic", version="1.0.0") == []  # readable
    assert problems(source, namespace=UNKNOWN, name="property.favorited", version=UNKNOWN) == []


def test_list_filters_are_checked_too() -> None:
    found = problems(CustomEventsDataSource(), namespace="Bad NS", name=None, status="gone")
    assert sorted(found) == [(("namespace",), "invalid_namespace"), (("status",), "invalid_request")]
