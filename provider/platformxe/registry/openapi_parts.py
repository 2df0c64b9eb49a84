"""Small builders shared by the OpenAPI sections of the bus and the marketplace."""

from __future__ import annotations

from typing import Any

JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": False}


def ok(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": text, "content": {JSON: {"schema": schema}}}


def error(codes: list[str], when: str) -> dict[str, Any]:
    return {
        "description": f"{when} (code: {', '.join(codes)})",
        "content": {JSON: {"schema": ref("Error")}},
    }


def body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": ref(name)}}}


UNAUTHENTICATED = error(["unauthenticated"], "missing, malformed, unknown or revoked API key")


def links(operations: tuple[str, ...], parameter: str, pointer: str) -> dict[str, Any]:
    """OpenAPI links from an answer to ``operations``, each taking ``parameter`` from ``pointer``."""
    return {
        op: {"operationId": op, "parameters": {parameter: f"$response.body#{pointer}"}} for op in operations
    }
