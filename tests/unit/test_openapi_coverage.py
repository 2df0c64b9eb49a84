"""The document's parameters all come from the one table, and every operation lists the statuses
the server's shared machinery can answer for it."""

from __future__ import annotations

import re

import pytest

from platformxe.registry import parameters
from platformxe.registry.app import api_routes
from platformxe.registry.openapi import document

DOC = document(api_routes())
METHODS = ("get", "post", "put", "patch", "delete")
OPERATIONS = [
    (path, method, item[method])
    for path, item in DOC["paths"].items()
    for method in METHODS
    if method in item
]
TABLE = {
    (p.name, p.location, repr(p.schema()))
    for p in vars(parameters).values()
    if isinstance(p, parameters.Param)
}
IDS = [f"{method.upper()} {path}" for path, method, _ in OPERATIONS]


def test_no_path_item_carries_hand_written_parameters() -> None:
    assert [path for path, item in DOC["paths"].items() if "parameters" in item] == []


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_every_parameter_is_one_of_the_table(path: str, method: str, operation: dict) -> None:
    declared = operation.get("parameters", [])
    for p in declared:
        assert (p["name"], p["in"], repr(p["schema"])) in TABLE, p
    placeholders = set(re.findall(r"\{(\w+)\}", path))
    assert placeholders == {p["name"] for p in declared if p["in"] == "path"}
    for p in declared:
        assert "pattern" in p["schema"] or "enum" in p["schema"] or p["schema"]["type"] == "integer", p


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_every_operation_lists_the_shared_statuses(path: str, method: str, operation: dict) -> None:
    responses = operation["responses"]
    if operation.get("security") == []:
        return  # /healthz and the document itself: no key, no limits
    assert {"401", "429"} <= set(responses), sorted(responses)
    if any(p["in"] == "path" for p in operation.get("parameters", [])):
        assert "400" in responses and "404" in responses, sorted(responses)
    if any(p["in"] == "query" for p in operation.get("parameters", [])):
        assert "400" in responses, sorted(responses)
    if "requestBody" in operation:
        assert {"400", "413"} <= set(responses), sorted(responses)
