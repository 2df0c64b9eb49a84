"""Resource ids and import ids of ``platformxe_custom_event``.

The id is ``<namespace>/<name>@<version>`` (``lettings/property.favorited@1.0.0``): a slash
separates the namespace because names may contain dots. ``terraform import`` also accepts the
canonical bus name ``TENANT_CUSTOM:<org>:<namespace>.<name>@<version>``, where the namespace is
the part before the first dot (seed: "Canonical name").
"""

from __future__ import annotations

from dataclasses import dataclass

from platformxe.model.custom_event import EventVersion

__all__ = ["CANONICAL_PREFIX", "ImportId", "parse_import_id", "resource_id"]

CANONICAL_PREFIX = "TENANT_CUSTOM:"

_ACCEPTED = (
    'expected "<namespace>/<name>@<version>" such as "lettings/property.favorited@1.0.0", or a canonical '
    'name such as "TENANT_CUSTOM:org_123:lettings.property.favorited@1.0.0"'
)


@dataclass(frozen=True)
class ImportId:
    """The parts of an import id; ``organization_id`` is set only for a canonical name."""

    namespace: str
    name: str
    version: str
    organization_id: str | None = None


def resource_id(namespace: str, name: str, version: str) -> str:
    """``lettings/property.favorited@1.0.0``."""
    return EventVersion(namespace, name, version).id


def _split_version(text: str, whole: str) -> tuple[str, str]:
    """``"x@1.0.0"`` → ``("x", "1.0.0")``; the last ``@`` separates the version."""
    head, at, version = text.rpartition("@")
    if not at or not head or not version:
        raise ValueError(f"import id {whole!r} has no version after '@'; {_ACCEPTED}")
    return head, version


def parse_import_id(text: str) -> ImportId:
    """Parse either accepted import id form; ``ValueError`` naming both forms otherwise.

    Only the shape is checked here: whether the version exists is the registry's answer.
    """
    whole = text
    text = text.strip()
    if text.startswith(CANONICAL_PREFIX):
        rest = text[len(CANONICAL_PREFIX) :]
        org, colon, event = rest.partition(":")
        if not colon or not org or not event:
            raise ValueError(f"canonical name {whole!r} has no organisation id; {_ACCEPTED}")
        full_name, version = _split_version(event, whole)
        namespace, dot, name = full_name.partition(".")
        if not dot or not namespace or not name:
            raise ValueError(
                f"canonical name {whole!r} needs <namespace>.<name> before '@' (the namespace is the part "
                f"before the first dot); {_ACCEPTED}"
            )
        return ImportId(namespace, name, version, org)
    namespace, slash, rest = text.partition("/")
    if not slash or not namespace or not rest:
        raise ValueError(f"import id {whole!r} has no '/' between namespace and name; {_ACCEPTED}")
    name, version = _split_version(rest, whole)
    return ImportId(namespace, name, version)
