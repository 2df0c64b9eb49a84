"""Pagination cursors: passed back unchanged by clients, validated on the way in.

A registration cursor is the keyset position of the last item of a page, written
``<namespace>/<name>/<version>``; its shape is published in the OpenAPI document, so any
well-formed cursor is a position to continue after. A lifecycle cursor is the id of the last
event seen, as a decimal string, so a poller can also resume from an item it already holds.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from platformxe.registry.errors import invalid_request
from platformxe.registry.parameters import (
    LIFECYCLE_CURSOR_CORE,
    NAME_CORE,
    NAMESPACE_CORE,
    REGISTRATION_CURSOR,
    VERSION_CORE,
)

_REGISTRATION_CURSOR = re.compile(rf"({NAMESPACE_CORE})/({NAME_CORE})/({VERSION_CORE})")


def encode_registration_cursor(row: dict[str, Any]) -> str:
    """The cursor that continues after ``row``: ``<namespace>/<name>/<version>``."""
    version = f"{row['version_major']}.{row['version_minor']}.{row['version_patch']}"
    return f"{row['namespace']}/{row['name']}/{version}"


def decode_registration_cursor(text: str | None) -> tuple[str, str, int, int, int] | None:
    """The keyset position in a cursor (None: first page).

    Any text of the shape ``parameters.REGISTRATION_CURSOR`` publishes is a valid position (the
    page starts after it, whether or not that version exists); anything else is a 400.
    """
    if not text:
        return None
    REGISTRATION_CURSOR.check(text)
    match = _REGISTRATION_CURSOR.fullmatch(text)
    assert match is not None  # checked above
    ns, name, version = match.groups()
    major, minor, patch = (int(part) for part in version.split("."))
    return ns, name, major, minor, patch


def decode_lifecycle_cursor(text: str | None, field: str = "cursor") -> int:
    """The id after which to list lifecycle events (0: from the start); ``field`` names the parameter."""
    if not text:
        return 0
    if not re.fullmatch(LIFECYCLE_CURSOR_CORE, text):
        raise invalid_request(
            field, f"{field} must be the id of a lifecycle event (a non-negative integer) or nextCursor"
        )
    return int(text)


def encode_keyset_cursor(row: dict[str, Any]) -> str:
    """The opaque cursor continuing after ``row`` in (created_at, id) order (federation lists)."""
    raw = json.dumps([row["created_at"], row["id"]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_keyset_cursor(text: str | None) -> tuple[str, str] | None:
    """The (created_at, id) position in a cursor :func:`encode_keyset_cursor` made (None: first page)."""
    if not text:
        return None
    try:
        created, row_id = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if not (isinstance(created, str) and isinstance(row_id, str)) or "\x00" in created + row_id:
            raise ValueError("bad cursor")
    except (ValueError, TypeError, binascii.Error):
        raise invalid_request(
            "cursor", "cursor is not one this API issued; pass nextCursor from a previous page or omit it"
        ) from None
    return created, row_id
