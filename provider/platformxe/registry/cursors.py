"""Pagination cursors: passed back unchanged by clients, validated on the way in.

A registration cursor is the keyset position of the last item of a page, written
``<namespace>/<name>/<version>``; its shape is published in the OpenAPI document, so any
well-formed cursor is a position to continue after. A lifecycle cursor is the id of the last
event seen, as a decimal string, so a poller can also resume from an item it already holds.

Subscriptions and marketplace listings are ordered by (created_at, id); their cursor is opaque:
the unpadded base64url of 20 bytes, the creation time in microseconds since 1970 (8 bytes, big
endian) and the 12 random bytes of the id. Every 27-character text of the published shape
(``parameters.OPAQUE_CURSOR_CORE``) decodes to some position, so the server accepts exactly what
the document says (federation's lists use the same cursor). Every cursor may be empty: the first
page, as when it is absent.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from platformxe.registry.parameters import (
    LIFECYCLE_CURSOR,
    LIFECYCLE_SINCE,
    NAME_CORE,
    NAMESPACE_CORE,
    OPAQUE_CURSOR,
    REGISTRATION_CURSOR,
    VERSION_CORE,
)

_REGISTRATION_CURSOR = re.compile(rf"({NAMESPACE_CORE})/({NAME_CORE})/({VERSION_CORE})")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)
#: ``secrets.token_hex(12)`` after the id's prefix (``sub_``, ``lst_``).
_ID_BYTES = 12


def encode_registration_cursor(row: dict[str, Any]) -> str:
    """The cursor that continues after ``row``: ``<namespace>/<name>/<version>``."""
    version = f"{row['version_major']}.{row['version_minor']}.{row['version_patch']}"
    return f"{row['namespace']}/{row['name']}/{version}"


def decode_registration_cursor(text: str | None) -> tuple[str, str, int, int, int] | None:
    """The keyset position in a cursor (None: first page, also for an empty cursor).

    Any text of the shape ``parameters.REGISTRATION_CURSOR`` publishes is a valid position (the
    page starts after it, whether or not that version exists); anything else is a 400.
    """
    if not text:
        return None
    REGISTRATION_CURSOR.check(text)
    if not text:
        return None
    match = _REGISTRATION_CURSOR.fullmatch(text)
    assert match is not None  # checked above
    ns, name, version = match.groups()
    major, minor, patch = (int(part) for part in version.split("."))
    return ns, name, major, minor, patch


def decode_lifecycle_cursor(text: str | None, field: str = "cursor") -> int:
    """The id after which to list lifecycle events (0: from the start, also for an empty value);
    ``field`` names the parameter (``cursor`` or its alias ``since``)."""
    if text is None:
        return 0
    (LIFECYCLE_SINCE if field == "since" else LIFECYCLE_CURSOR).check(text)
    return int(text) if text else 0


def _micros(created_at: str) -> int:
    when = datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return (when - _EPOCH) // timedelta(microseconds=1)


def timestamp_text(when: datetime) -> str:
    """``when`` (aware) in the stored form ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (years zero-padded)."""
    utc = when.astimezone(UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S.%f}Z"


def encode_opaque_cursor(created_at: str, item_id: str) -> str:
    """The cursor continuing after the item created at ``created_at`` with id ``item_id``."""
    prefix, _, hex_part = item_id.partition("_")
    raw = _micros(created_at).to_bytes(8, "big") + bytes.fromhex(hex_part)
    assert prefix and len(raw) == 8 + _ID_BYTES, item_id
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_opaque_cursor(text: str | None, id_prefix: str) -> tuple[str, str] | None:
    """The keyset position (created_at, id) of a cursor; None for the first page.

    ``id_prefix`` is the prefix of the listed ids (``sub_``, ``lst_``). A time past the year 9999
    is read as the latest time there is (a page after everything: empty).
    """
    if text is None:
        return None
    OPAQUE_CURSOR.check(text)
    if not text:
        return None
    raw = base64.urlsafe_b64decode(text + "=")
    micros = int.from_bytes(raw[:8], "big")
    try:
        when = _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        when = _LATEST
    return timestamp_text(when), id_prefix + raw[8:].hex()


def encode_keyset_cursor(row: dict[str, Any]) -> str:
    """:func:`encode_opaque_cursor` of a row with ``created_at`` and ``id`` (federation lists)."""
    return encode_opaque_cursor(row["created_at"], row["id"])


def decode_keyset_cursor(text: str | None, id_prefix: str) -> tuple[str, str] | None:
    """:func:`decode_opaque_cursor` (federation lists; ``id_prefix`` of the listed ids)."""
    return decode_opaque_cursor(text, id_prefix)
