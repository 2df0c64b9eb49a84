"""``platformxe_marketplace_listing``: attribute names and the SDK request body (docs/marketplace.md).

A listing has no update in the API: every configured attribute forces a replacement (the schema
says so); this module only maps between Terraform attributes and the API's camelCase fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "COMPUTED_ATTRIBUTES",
    "CONFIG_ATTRIBUTES",
    "DATA_SOURCE_TYPE",
    "RESOURCE_TYPE",
    "listing_values",
    "publish_body",
    "state_from_listing",
]

RESOURCE_TYPE = "platformxe_marketplace_listing"
DATA_SOURCE_TYPE = "platformxe_marketplace_listings"

#: Attributes a person configures, in schema order.
CONFIG_ATTRIBUTES = ("namespace", "name", "version", "title", "summary", "tags")
#: Attributes the registry decides.
COMPUTED_ATTRIBUTES = ("id", "organization_id", "schema_hash")


def _list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def publish_body(planned: Mapping[str, Any]) -> dict[str, Any]:
    """The ``POST /marketplace/listings`` body of a planned instance."""
    body: dict[str, Any] = {a: planned.get(a) for a in ("namespace", "name", "version", "title")}
    if planned.get("summary") is not None:
        body["summary"] = planned.get("summary")
    if planned.get("tags") is not None:
        body["tags"] = _list(planned.get("tags"))
    return body


def state_from_listing(answer: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """State from an API listing; ``tags`` keeps the configuration's null when the listing has none."""
    tags = _list(answer.get("tags"))
    return {
        "id": answer.get("id"),
        "namespace": answer.get("namespace"),
        "name": answer.get("name"),
        "version": answer.get("version"),
        "title": answer.get("title"),
        "summary": answer.get("summary"),
        "tags": tags if tags else (prior.get("tags") if prior.get("tags") == [] else None),
        "organization_id": answer.get("organizationId"),
        "schema_hash": answer.get("schemaHash"),
    }


def listing_values(answer: Mapping[str, Any], payload_schema_json: str) -> dict[str, Any]:
    """One item of the data source's ``listings`` (``payload_schema`` as JSON text)."""
    return {
        "id": answer.get("id"),
        "organization_id": answer.get("organizationId"),
        "namespace": answer.get("namespace"),
        "name": answer.get("name"),
        "version": answer.get("version"),
        "title": answer.get("title"),
        "summary": answer.get("summary"),
        "tags": _list(answer.get("tags")),
        "description": answer.get("description"),
        "payload_schema": payload_schema_json,
        "schema_hash": answer.get("schemaHash"),
        "mine": bool(answer.get("mine")),
    }
