"""Schema of ``platformxe_custom_event`` (docs/provider.md), every attribute described in markdown.

The descriptions are the provider's reference documentation: ``docs/provider.md`` and generated
docs are built from them, and Terraform shows them in editors. ``requires_replace`` here is the
only statement of which attributes force a replacement: the plan reads it
(:func:`replacing_attributes`).
"""

from __future__ import annotations

from functools import cache

from platformxe.terraform.jsonvalue import same_json
from platformxe.tfplugin.cty import BOOL, STRING, List, Object
from platformxe.tfplugin.schema import Attribute, IdentityAttribute, IdentitySchema, Schema

__all__ = ["CHANGE_TYPE", "custom_event_identity_schema", "custom_event_schema", "replacing_attributes"]

#: One detected schema change, as in the registry's dry-run ``changes[]``.
CHANGE_TYPE = Object({"kind": STRING, "path": STRING, "breaking": BOOL, "message": STRING, "witness": STRING})


def _json_equal(prior: object, new: object) -> bool:
    return isinstance(prior, str) and isinstance(new, str) and same_json(prior, new)


@cache
def custom_event_schema() -> Schema:
    """The resource schema (built once per process)."""
    replace = "Changing it registers a new version (the resource is replaced)."
    return Schema(
        description=(
            "One version of a tenant-defined event in the PlatformXe registry. Versions are immutable: "
            "a new schema needs a new `version`, and the plan says whether the bump is legal "
            "(`semver_bump`, `previous_version`, `changes`) before anything is registered."
        ),
        attributes={
            "namespace": Attribute(
                STRING,
                required=True,
                requires_replace=True,
                description=(
                    "Namespace of the event: `^[a-z][a-z0-9_-]{1,30}$`, not one of the reserved namespaces "
                    "(`identity`, `fraud`, `permissions`, `messaging`, `webhooks`, `workflows`, `auth`, "
                    "`platform`, `platformxe`, `events`, `subscriptions`, `domains`, `templates`, `generic`) "
                    f"and on the organisation's allowlist. {replace}"
                ),
            ),
            "name": Attribute(
                STRING,
                required=True,
                requires_replace=True,
                description=f"Event name within the namespace: `^[a-z][a-z0-9_.-]{{1,60}}$` (dots allowed, e.g. `property.favorited`). {replace}",
            ),
            "version": Attribute(
                STRING,
                required=True,
                requires_replace=True,
                description=(
                    "Strict `MAJOR.MINOR.PATCH` (no prerelease or build suffix), one single step above the highest "
                    "registered version: a patch may only change `description` keywords, a minor must be "
                    f"backwards-compatible, a major is free. {replace}"
                ),
            ),
            "payload_schema": Attribute(
                STRING,
                required=True,
                requires_replace=True,
                semantic_equal=_json_equal,
                description=(
                    "JSON Schema 2020-12 (or OpenAPI 3.1 schema) of the payload, as JSON text — `jsonencode({...})`, "
                    "a heredoc or `file(...)`. Compared as JSON: whitespace, key order and number spelling never "
                    "show a diff. At most 5 levels deep and 50 properties in total. Immutable per version: change "
                    "`version` with it."
                ),
            ),
            "payload_example": Attribute(
                STRING,
                optional=True,
                requires_replace=True,
                semantic_equal=_json_equal,
                description=(
                    "An example payload as JSON text; it must satisfy `payload_schema` (checked at validate time, "
                    "formats asserted). Compared as JSON, immutable per version."
                ),
            ),
            "description": Attribute(
                STRING, optional=True, description="Free text about the event. Changes in place."
            ),
            "status": Attribute(
                STRING,
                optional=True,
                computed=True,
                description=(
                    "`draft`, `published` (default) or `archived`. Changes in place; legal changes are draft → "
                    "published/archived, published → archived and archived → published. A change back to `draft` "
                    "is a plan error."
                ),
            ),
            "on_destroy": Attribute(
                STRING,
                optional=True,
                computed=True,
                description=(
                    "What `terraform destroy` (or removing the resource) does in the registry: `archive` (default) "
                    "archives the version; `retain` leaves it as it is and only forgets it."
                ),
            ),
            "compatibility_policy": Attribute(
                STRING,
                optional=True,
                computed=True,
                description=(
                    "The event's compatibility policy, which judges `semver_bump` and `changes`: `strict` "
                    "(default) — a minor version accepts every payload the previous one accepted; `lenient` — "
                    "every such payload that carries only declared properties (adding an optional property to "
                    "an open object is then a minor change). It belongs to the event (namespace + name): set "
                    "the same value on every version of one event. Changes in place (logged by the registry); "
                    "a new version is judged under the planned value."
                ),
            ),
            "id": Attribute(
                STRING, computed=True, description="`<namespace>/<name>@<version>`; known at plan."
            ),
            "canonical_name": Attribute(
                STRING,
                computed=True,
                description=(
                    "The bus name subscribers match: `TENANT_CUSTOM:<organization_id>:<namespace>.<name>@<version>`; "
                    "known at plan."
                ),
            ),
            "organization_id": Attribute(
                STRING, computed=True, description="Organisation owning the version."
            ),
            "created_at": Attribute(
                STRING, computed=True, description="When the version was registered (RFC 3339, UTC)."
            ),
            "forked_from": Attribute(
                STRING,
                computed=True,
                description=(
                    "Where a version forked from the marketplace came from, as JSON text: `listingId`, "
                    "`organizationId`, `namespace`, `name`, `version`, `schemaHash` of the listing (null for "
                    "versions not forked). Read from the registry, so an imported fork keeps its provenance."
                ),
            ),
            "schema_hash": Attribute(
                STRING,
                computed=True,
                description="SHA-256 (hex) of the RFC 8785 canonical form of `payload_schema`; known at plan.",
            ),
            "schema_flavour": Attribute(
                STRING,
                computed=True,
                description="`json-schema-2020-12` or `openapi-3.1`, detected from `payload_schema`; known at plan.",
            ),
            "semver_bump": Attribute(
                STRING,
                computed=True,
                description=(
                    "`initial`, `patch`, `minor` or `major`: how this version relates to `previous_version`. Known "
                    'at plan with `plan_checks = "remote"` (the registry\'s dry-run).'
                ),
            ),
            "previous_version": Attribute(
                STRING,
                computed=True,
                description="The highest version registered before this one (any status), or null for the first.",
            ),
            "changes": Attribute(
                List(CHANGE_TYPE),
                computed=True,
                description=(
                    "Schema changes from `previous_version`: `kind`, `path` (JSON pointer), `breaking`, `message`, "
                    "and `witness` (JSON of a payload the old schema accepts and this one refuses, when found)."
                ),
            ),
        },
    )


@cache
def custom_event_identity_schema() -> IdentitySchema:
    """``{namespace, name, version}``: what identifies one registered version."""
    return IdentitySchema(
        attributes={
            "namespace": IdentityAttribute(STRING, required_for_import=True, description="Event namespace."),
            "name": IdentityAttribute(STRING, required_for_import=True, description="Event name."),
            "version": IdentityAttribute(STRING, required_for_import=True, description="Event version."),
        }
    )


@cache
def replacing_attributes() -> tuple[str, ...]:
    """The attributes whose change replaces the resource (registers a new version), in schema order."""
    return tuple(
        name for name, attribute in custom_event_schema().attributes.items() if attribute.requires_replace
    )
