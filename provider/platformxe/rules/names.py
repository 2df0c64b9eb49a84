"""Namespaces, names, the reserved list, the org allowlist and the generic catch-all event.

The regexes, the reserved list and the canonical-name shape come from the product specification (summarised in docs/rules.md)
("Reference — namespaces & naming"). Matching uses ``re.fullmatch`` on purpose: a ``$`` anchor
with ``re.match`` would also accept a value that ends in a newline (``"lettings\\n"``).
"""

from __future__ import annotations

import re
from typing import Any

from platformxe.rules.codes import Code
from platformxe.rules.types import Problem

__all__ = [
    "GENERIC_DESCRIPTION",
    "GENERIC_NAME",
    "GENERIC_NAMESPACE",
    "GENERIC_SCHEMA",
    "GENERIC_VERSION",
    "NAMESPACE_RE",
    "NAME_RE",
    "RESERVED_NAMESPACES",
    "canonical_name",
    "check_allowlist",
    "check_generic",
    "is_generic",
    "split_event_name",
    "validate_name",
    "validate_namespace",
]

#: Namespace shape (product specification): a lowercase letter, then 1–30 of ``a-z 0-9 _ -``.
NAMESPACE_RE = re.compile(r"[a-z][a-z0-9_-]{1,30}")
#: Name shape (product specification): a lowercase letter, then 1–60 of ``a-z 0-9 _ . -``.
NAME_RE = re.compile(r"[a-z][a-z0-9_.-]{1,60}")

#: Namespaces blocked globally (product specification), in the order the specification names them.
RESERVED_NAMESPACES: frozenset[str] = frozenset(
    {
        "identity",
        "fraud",
        "permissions",
        "messaging",
        "webhooks",
        "workflows",
        "auth",
        "platform",
        "platformxe",
        "events",
        "subscriptions",
        "domains",
        "templates",
        "generic",
    }
)

GENERIC_NAMESPACE = "platformxe"
GENERIC_NAME = "generic"
GENERIC_VERSION = "1.0.0"
#: Payload schema of the platform-provided catch-all (docs/registry.md).
GENERIC_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "kind": {"type": "string"},
        "summary": {"type": "string"},
        "data": {"type": "object"},
    },
    "required": ["kind"],
}
GENERIC_DESCRIPTION = (
    "Platform-provided catch-all event: set kind to route the payload to the right subscriber."
)


def validate_namespace(namespace: str) -> list[Problem]:
    """Problems with a namespace's shape (``invalid_namespace``) or reservation (``reserved_namespace``)."""
    if not isinstance(namespace, str) or NAMESPACE_RE.fullmatch(namespace) is None:
        return [
            Problem(
                Code.INVALID_NAMESPACE,
                f"namespace {namespace!r} must match ^[a-z][a-z0-9_-]{{1,30}}$: "
                "2 to 31 characters, a lowercase letter first, then lowercase letters, digits, '_' or '-' "
                '(for example "lettings")',
                "namespace",
            )
        ]
    if namespace in RESERVED_NAMESPACES:
        return [
            Problem(
                Code.RESERVED_NAMESPACE,
                f'namespace "{namespace}" is reserved by the platform; use a namespace on your '
                "organisation's allowlist, such as your organisation slug",
                "namespace",
                details={"reserved": sorted(RESERVED_NAMESPACES)},
            )
        ]
    return []


def validate_name(name: str) -> list[Problem]:
    """Problems with an event name's shape (``invalid_name``)."""
    if not isinstance(name, str) or NAME_RE.fullmatch(name) is None:
        return [
            Problem(
                Code.INVALID_NAME,
                f"name {name!r} must match ^[a-z][a-z0-9_.-]{{1,60}}$: 2 to 61 characters, a lowercase "
                "letter first, then lowercase letters, digits, '_', '.' or '-' "
                '(for example "property.favorited")',
                "name",
            )
        ]
    return []


def is_generic(namespace: str, name: str) -> bool:
    """True for the platform's catch-all event ``platformxe.generic``."""
    return namespace == GENERIC_NAMESPACE and name == GENERIC_NAME


def check_generic(namespace: str, name: str) -> list[Problem]:
    """``cannot_register_generic_event`` when a tenant tries to register ``platformxe.generic``.

    For that event this problem replaces ``reserved_namespace`` (docs/rules.md): callers drop the
    reserved-namespace problem when this one is reported.
    """
    if is_generic(namespace, name):
        return [
            Problem(
                Code.CANNOT_REGISTER_GENERIC_EVENT,
                "platformxe.generic is seeded by the platform in every organisation and cannot be "
                "registered by tenants; emit it directly, or register your own event under a namespace "
                "on your allowlist",
                "name",
            )
        ]
    return []


def check_allowlist(namespace: str, allowlist: frozenset[str]) -> list[Problem]:
    """``namespace_not_allowed`` when ``namespace`` is not on the organisation's allowlist."""
    if namespace in allowlist:
        return []
    allowed = ", ".join(f'"{n}"' for n in sorted(allowlist)) or "none yet"
    return [
        Problem(
            Code.NAMESPACE_NOT_ALLOWED,
            f'namespace "{namespace}" is not on this organisation\'s allowlist (allowed: {allowed}); '
            "ask an operator to grant it",
            "namespace",
            details={"allowlist": sorted(allowlist)},
        )
    ]


def canonical_name(organization_id: str, namespace: str, name: str, version: str) -> str:
    """The bus name ``TENANT_CUSTOM:<org>:<namespace>.<name>@<version>`` (product specification)."""
    return f"TENANT_CUSTOM:{organization_id}:{namespace}.{name}@{version}"


def split_event_name(full: str) -> tuple[str, str]:
    """Split an emit target ``"lettings.property.favorited"`` into ``("lettings", "property.favorited")``.

    The namespace is the part before the first dot (namespaces cannot contain dots). Raises
    ``ValueError`` when there is no dot or either side is empty.
    """
    namespace, dot, name = full.partition(".")
    if not dot or not namespace or not name:
        raise ValueError(
            f"event name {full!r} must be <namespace>.<name>, such as lettings.property.favorited"
        )
    return namespace, name
