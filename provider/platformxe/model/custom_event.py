"""``platformxe_custom_event``: attribute names, defaults, the version it names, the request body.

One place for what a resource instance *is*, so the provider (plan, state, import) and the plan
checker (which reads the same attributes from plan JSON) cannot drift apart. What forces a
replacement is not here: the resource schema says that (``platformxe.terraform.custom_event.schema``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "COMPUTED_ATTRIBUTES",
    "CONFIG_ATTRIBUTES",
    "DEFAULTS",
    "IDENTITY_ATTRIBUTES",
    "JSON_ATTRIBUTES",
    "ON_DESTROY_VALUES",
    "POLICY_VALUES",
    "RESOURCE_TYPE",
    "STATUS_VALUES",
    "VERDICT_ATTRIBUTES",
    "EventVersion",
    "event_name",
    "registration_arguments",
]

#: The resource (and single-version data source) type name.
RESOURCE_TYPE = "platformxe_custom_event"

#: Attributes a person configures, in schema order.
CONFIG_ATTRIBUTES = (
    "namespace",
    "name",
    "version",
    "payload_schema",
    "payload_example",
    "description",
    "status",
    "on_destroy",
    "compatibility_policy",
)
#: The three attributes naming one registered version.
IDENTITY_ATTRIBUTES = ("namespace", "name", "version")
#: Attributes holding JSON text: compared by meaning, not spelling (docs/provider.md).
JSON_ATTRIBUTES = ("payload_schema", "payload_example")
#: How the version relates to the one before it; the registry does not store these.
VERDICT_ATTRIBUTES = ("semver_bump", "previous_version", "changes")
#: Attributes the provider computes.
COMPUTED_ATTRIBUTES = (
    "id",
    "canonical_name",
    "organization_id",
    "created_at",
    "forked_from",
    "schema_hash",
    "schema_flavour",
    *VERDICT_ATTRIBUTES,
)
#: Registration statuses (docs/rules.md) and what ``on_destroy`` accepts.
STATUS_VALUES = ("draft", "published", "archived")
ON_DESTROY_VALUES = ("archive", "retain")
#: The event's compatibility policy (docs/compatibility.md#policies); the first is the default.
POLICY_VALUES = ("strict", "lenient")
#: Values of optional attributes left unset.
DEFAULTS: Mapping[str, str] = {
    "status": "published",
    "on_destroy": "archive",
    "compatibility_policy": "strict",
}


def event_name(namespace: str, name: str) -> str:
    """``lettings.property.favorited`` — how emitters, docs and messages name an event."""
    return f"{namespace}.{name}"


@dataclass(frozen=True)
class EventVersion:
    """One version of one event: ``lettings`` / ``property.favorited`` / ``1.0.0``."""

    namespace: str
    name: str
    version: str

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> EventVersion:
        """The version named by resource values (snake_case) or a registration (same keys)."""
        return cls(str(values["namespace"]), str(values["name"]), str(values["version"]))

    @property
    def event(self) -> str:
        """``lettings.property.favorited`` (:func:`event_name`)."""
        return event_name(self.namespace, self.name)

    @property
    def label(self) -> str:
        """``lettings.property.favorited 1.0.0`` — how messages name one version."""
        return f"{self.event} {self.version}"

    @property
    def id(self) -> str:
        """The resource id and import id: ``lettings/property.favorited@1.0.0`` (a slash before the
        name because names may contain dots)."""
        return f"{self.namespace}/{self.name}@{self.version}"

    def as_values(self) -> dict[str, str]:
        """``{namespace, name, version}``: the identity attributes."""
        return {"namespace": self.namespace, "name": self.name, "version": self.version}


def _document(text: Any) -> Any:
    """The parsed JSON of a JSON string attribute (the registry receives JSON, not text)."""
    return json.loads(text) if isinstance(text, str) else text


def registration_arguments(values: Mapping[str, Any]) -> dict[str, Any]:
    """The SDK's ``register``/``dry_run`` keywords for planned resource values."""
    example = values.get("payload_example")
    return {
        "namespace": values["namespace"],
        "name": values["name"],
        "version": values["version"],
        "payload_schema": _document(values["payload_schema"]),
        "payload_example": None if example is None else _document(example),
        "status": values.get("status") or DEFAULTS["status"],
        "description": values.get("description"),
        "compatibility_policy": values.get("compatibility_policy") or DEFAULTS["compatibility_policy"],
    }
