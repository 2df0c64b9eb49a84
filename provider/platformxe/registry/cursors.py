"""Pagination cursors: opaque to clients, validated on the way in.

A registration cursor is the keyset position of the last item of a page (namespace, name and
the numeric version), base64url-encoded JSON. A lifecycle cursor is the id of the last event
seen, as a decimal string, so a poller can also resume from an item it already holds.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from platformxe.registry.errors import invalid_request
from platformxe.rules.semver import MAX_VERSION_PART


def encode_registration_cursor(row: dict[str, Any]) -> str:
    """The cursor that continues after ``row``."""
    position = [
        row["namespace"],
        row["name"],
        row["version_major"],
        row["version_minor"],
        row["version_patch"],
    ]
    raw = json.dumps(position, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_registration_cursor(text: str | None) -> tuple[str, str, int, int, int] | None:
    """The keyset position in a cursor from :func:`encode_registration_cursor` (None: first page)."""
    if not text:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        ns, name, major, minor, patch = json.loads(raw)
        if not (isinstance(ns, str) and isinstance(name, str)) or "\x00" in ns + name:
            raise ValueError("bad names")
        # Bounded like versions themselves: a larger number cannot be bound to the INTEGER columns.
        if not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_VERSION_PART
            for n in (major, minor, patch)
        ):
            raise ValueError("bad version")
    except (ValueError, TypeError, RecursionError):
        raise invalid_request(
            "cursor", "cursor is not one this API issued; pass nextCursor from a previous page or omit it"
        ) from None
    return ns, name, major, minor, patch


def decode_lifecycle_cursor(text: str | None, field: str = "cursor") -> int:
    """The id after which to list lifecycle events (0: from the start); ``field`` names the parameter."""
    if not text:
        return 0
    if not re.fullmatch(r"[0-9]{1,18}", text):
        raise invalid_request(
            field, f"{field} must be the id of a lifecycle event (a non-negative integer) or nextCursor"
        )
    return int(text)
