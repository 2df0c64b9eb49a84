"""The one table of path and query parameters: what the API accepts is what the document says.

Each :class:`Param` is both the check the server runs on the raw text of a parameter and the
JSON Schema ``/v1/openapi.json`` publishes for it (``Param.openapi()``), so the two cannot drift.
A route hands its parameters to :func:`platformxe.registry.http.endpoint` (``params=``); the
OpenAPI document reads them back from the routes (``platformxe.registry.openapi``).

Patterns are written for ``re.fullmatch`` (``core``) and published anchored (``^…$``); every
pattern here is plain ASCII classes and counted repeats, so Python and ECMA-262 read it alike.
A parameter that fails its check is a 400 naming the parameter, with the seed's code where the
seed has one (``invalid_namespace``, ``invalid_name``, ``invalid_version_format``) and
``invalid_request`` otherwise; NUL characters and unpaired surrogates fail every pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from platformxe.registry.errors import ApiError
from platformxe.registry.storage.federation import INVITATION_STATUSES
from platformxe.rules import federation as fed_rules
from platformxe.rules import marketplace as market_rules
from platformxe.rules.codes import Code
from platformxe.rules.names import NAME_RE, NAMESPACE_RE
from platformxe.rules.semver import MAX_VERSION_PART
from platformxe.rules.types import Status


def number_at_most(maximum: int) -> str:
    """A regex for the decimal numbers 0..``maximum`` without leading zeros (``0|[1-9]…``)."""
    digits = str(maximum)
    options = ["0"]
    if len(digits) > 1:
        options.append(f"[1-9][0-9]{{0,{len(digits) - 2}}}" if len(digits) > 2 else "[1-9]")
    # Numbers with as many digits as ``maximum``: share a prefix of it, then one smaller digit.
    for i, char in enumerate(digits):
        low = "1" if i == 0 else "0"
        high = int(char) - 1
        if high >= int(low):
            rest = len(digits) - i - 1
            cls = low if high == int(low) else f"[{low}-{high}]"
            options.append(digits[:i] + cls + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


_PART = number_at_most(MAX_VERSION_PART)
#: A strict version whose numbers the registry can store (the rules engine's VERSION_RE and bound).
VERSION_CORE = rf"{_PART}\.{_PART}\.{_PART}"
NAMESPACE_CORE = NAMESPACE_RE.pattern
NAME_CORE = NAME_RE.pattern
#: A registration cursor: the keyset position ``<namespace>/<name>/<version>`` of the last item
#: of a page. Any position of that shape is valid (the next page starts after it).
REGISTRATION_CURSOR_CORE = rf"({NAMESPACE_CORE})/({NAME_CORE})/({VERSION_CORE})"
#: A lifecycle cursor: the id of a lifecycle event (0 = from the start).
LIFECYCLE_CURSOR_CORE = r"[0-9]{1,18}"
#: The opaque cursor of subscriptions and marketplace listings: the unpadded base64url of 20
#: bytes (``registry/cursors.py``: a time and an id). Every text of this shape decodes to a
#: position, so any cursor the pattern accepts is one the server accepts.
OPAQUE_CURSOR_CORE = r"[A-Za-z0-9_-]{26}[AEIMQUYcgkosw048]"
#: Ids the registry mints (``secrets.token_hex(12)`` / ``uuid4().hex`` after a prefix).
SUBSCRIPTION_ID_CORE = r"sub_[0-9a-f]{24}"
LISTING_ID_CORE = r"lst_[0-9a-f]{24}"
EVENT_ID_CORE = r"evt_[0-9a-f]{32}"
ORGANIZATION_ID_CORE = fed_rules.ORGANIZATION_ID_CORE
GROUP_ID_CORE = r"fgr_[0-9a-f]{24}"
INVITATION_ID_CORE = fed_rules.INVITATION_ID_CORE
PUSH_ID_CORE = r"fpu_[0-9a-f]{24}"
HTTPS_PEER_ID_CORE = r"fhp_[0-9a-f]{24}"
# Body fields checked by the same regex the document publishes (registry/openapi_bus.py):
#: An exact event version: ``<namespace>.<name>@<version>`` (subscriptions' ``events``).
EVENT_REF_CORE = rf"(?:{NAMESPACE_CORE})\.(?:{NAME_CORE})@(?:{VERSION_CORE})"
#: What a workflow emits: ``<namespace>.<name>`` with an optional ``@<version>``.
WORKFLOW_EMIT_CORE = rf"(?:{NAMESPACE_CORE})\.(?:{NAME_CORE})(?:@(?:{VERSION_CORE}))?"
#: An RFC 6901 JSON pointer ("" is the whole document; ``~`` only as ``~0`` / ``~1``), without NUL.
JSON_POINTER_CORE = r"(?:/(?:[^~/\x00]|~[01])*)*"


@dataclass(frozen=True)
class Param:
    """One path or query parameter: its published schema and the server's check of it."""

    name: str
    location: Literal["path", "query"]
    #: The value must match this regex fully (None: see ``enum`` / ``integer``).
    core: str | None = None
    enum: tuple[str, ...] = ()
    #: An integer parameter's inclusive range (and default).
    integer: tuple[int, int] | None = None
    default: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    #: The code of the 400 when the check fails.
    code: Code = Code.INVALID_REQUEST
    accepted: str = ""
    description: str = ""
    _compiled: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.core is not None:
            object.__setattr__(self, "_compiled", re.compile(self.core))

    @property
    def required(self) -> bool:
        return self.location == "path"

    def schema(self) -> dict[str, Any]:
        """The parameter's JSON Schema as published."""
        if self.integer is not None:
            low, high = self.integer
            schema: dict[str, Any] = {"type": "integer", "minimum": low, "maximum": high}
            if self.default is not None:
                schema["default"] = self.default
            return schema
        if self.enum:
            return {"type": "string", "enum": list(self.enum)}
        schema = {"type": "string", "pattern": f"^{self.core}$"}
        if self.min_length is not None:
            schema["minLength"] = self.min_length
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        return schema

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI Parameter Object."""
        out: dict[str, Any] = {
            "name": self.name,
            "in": self.location,
            "required": self.required,
            "schema": self.schema(),
        }
        if self.description:
            out["description"] = self.description
        return out

    def accepts(self, value: str) -> bool:
        """Whether the server accepts ``value`` (the raw text of the parameter)."""
        if self.max_length is not None and len(value) > self.max_length:
            return False
        if self.min_length is not None and len(value) < self.min_length:
            return False
        if self.integer is not None:
            low, high = self.integer
            return re.fullmatch(r"-?(0|[1-9][0-9]{0,17})", value) is not None and low <= int(value) <= high
        if self.enum:
            return value in self.enum
        assert self._compiled is not None
        return self._compiled.fullmatch(value) is not None

    def check(self, value: str) -> str:
        """``value``, or a 400 naming this parameter and saying what would be accepted."""
        if self.accepts(value):
            return value
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise ApiError(
            400,
            str(self.code),
            f"{self.location} parameter {self.name} {shown!r} is not accepted; it must be {self.accepted}",
            {"field": self.name, "in": self.location, "accepted": self.accepted},
        )


def check_all(params: tuple[Param, ...], values: dict[str, str]) -> None:
    """Check every declared parameter present in ``values`` (absent query parameters are fine)."""
    for param in params:
        if param.name in values:
            param.check(values[param.name])


_NAMESPACE_TEXT = "a namespace: a lowercase letter, then 1 to 30 of a-z 0-9 _ - (^[a-z][a-z0-9_-]{1,30}$)"
_NAME_TEXT = "an event name: a lowercase letter, then 1 to 60 of a-z 0-9 _ . - (^[a-z][a-z0-9_.-]{1,60}$)"
_VERSION_TEXT = f"MAJOR.MINOR.PATCH without leading zeros, each number at most {MAX_VERSION_PART}"

PATH_NAMESPACE = Param(
    "namespace", "path", NAMESPACE_CORE, min_length=2, max_length=31,
    code=Code.INVALID_NAMESPACE, accepted=_NAMESPACE_TEXT,
)  # fmt: skip
PATH_NAME = Param(
    "name", "path", NAME_CORE, min_length=2, max_length=61, code=Code.INVALID_NAME, accepted=_NAME_TEXT
)
PATH_VERSION = Param(
    "version",
    "path",
    rf"(?:{VERSION_CORE}|latest)",
    code=Code.INVALID_VERSION_FORMAT,
    accepted=f'{_VERSION_TEXT}, or "latest" (the highest published version)',
    description='MAJOR.MINOR.PATCH, or "latest" for the highest published version',
)
#: The path of one version: ``/registrations/{namespace}/{name}/versions/{version}``.
VERSION_PATH_PARAMS = (PATH_NAMESPACE, PATH_NAME, PATH_VERSION)
#: The path of one event: ``/registrations/{namespace}/{name}/...`` (its policy).
EVENT_PATH_PARAMS = (PATH_NAMESPACE, PATH_NAME)

QUERY_NAMESPACE = Param(
    "namespace", "query", NAMESPACE_CORE, min_length=2, max_length=31,
    code=Code.INVALID_NAMESPACE, accepted=_NAMESPACE_TEXT, description="only this namespace",
)  # fmt: skip
QUERY_NAME = Param(
    "name", "query", NAME_CORE, min_length=2, max_length=61,
    code=Code.INVALID_NAME, accepted=_NAME_TEXT, description="only this event name",
)  # fmt: skip
QUERY_STATUS = Param(
    "status",
    "query",
    enum=tuple(s.value for s in Status),
    accepted="one of " + ", ".join(s.value for s in Status),
    description="only versions in this status",
)
LIMIT = Param(
    "limit", "query", integer=(1, 500), default=50,
    accepted="an integer from 1 to 500", description="page size",
)  # fmt: skip
#: Every cursor parameter also accepts the empty text as "from the start", like the opaque
#: subscription and listing cursors: a client that sends back a null nextCursor as ``cursor=``
#: (httpx and requests render None that way) gets the first page, not a 400.
REGISTRATION_CURSOR = Param(
    "cursor",
    "query",
    f"(?:{REGISTRATION_CURSOR_CORE})?",
    max_length=31 + 61 + 3 * 10 + 4,
    accepted="nextCursor of a previous page: <namespace>/<name>/<version> of the last item seen "
    "(empty: the first page)",
    description="nextCursor of the previous page: the position <namespace>/<name>/<version> to list "
    "after (empty or absent: the first page)",
)
LIFECYCLE_CURSOR = Param(
    "cursor",
    "query",
    f"(?:{LIFECYCLE_CURSOR_CORE})?",
    accepted="the id of a lifecycle event (a non-negative integer, up to 18 digits) or nextCursor "
    "(empty: from the start)",
    description="nextCursor of the previous page, or the id of an event to list after (0 or empty: from "
    "the start)",
)
LIFECYCLE_SINCE = Param(
    "since",
    "query",
    f"(?:{LIFECYCLE_CURSOR_CORE})?",
    accepted="the id of a lifecycle event (a non-negative integer, up to 18 digits) or nextCursor "
    "(empty: from the start)",
    description="the same as cursor (some clients call it the since cursor)",
)
_OPAQUE_TEXT = "nextCursor of a previous page (27 characters of base64url), or empty for the first page"
OPAQUE_CURSOR = Param(
    "cursor",
    "query",
    f"(?:{OPAQUE_CURSOR_CORE})?",
    accepted=_OPAQUE_TEXT,
    description="nextCursor of the previous page, passed back unchanged (empty or absent: the first page)",
)
SUBSCRIPTION_ID = Param(
    "id",
    "path",
    SUBSCRIPTION_ID_CORE,
    accepted="a subscription id: sub_ followed by 24 lowercase hex digits",
    description="the subscription's id (sub_…)",
)
LISTING_ID = Param(
    "id",
    "path",
    LISTING_ID_CORE,
    accepted="a listing id: lst_ followed by 24 lowercase hex digits",
    description="the listing's id (lst_…)",
)
EVENT_ID = Param(
    "eventId",
    "path",
    EVENT_ID_CORE,
    accepted="an emitted event's id: evt_ followed by 32 lowercase hex digits (eventId of POST /emit)",
    description="eventId of an emit (evt_…)",
)
BROWSE_Q = Param(
    "q",
    "query",
    "[^\\x00]*",
    max_length=market_rules.MAX_QUERY,
    accepted=f"text of at most {market_rules.MAX_QUERY} characters, without NUL (empty: no text filter)",
    description="case-insensitive text in the title, summary or namespace.name (empty: every listing)",
)
BROWSE_NAMESPACE = Param(
    "namespace", "query", NAMESPACE_CORE, min_length=2, max_length=31,
    code=Code.INVALID_NAMESPACE, accepted=_NAMESPACE_TEXT, description="only listings of this namespace",
)  # fmt: skip
BROWSE_TAG = Param(
    "tag",
    "query",
    market_rules.TAG_CORE,
    min_length=1,
    max_length=30,
    accepted="a tag: 1-30 lower-case letters, digits or hyphens starting with a letter or digit",
    description="only listings carrying this tag",
)


def _id_param(name: str, core: str, what: str) -> Param:
    prefix, digits = core.split("_", 1)
    count = digits.rsplit("{", 1)[1].rstrip("}")
    return Param(
        name,
        "path",
        core,
        accepted=f"{what} id: {prefix}_ followed by {count} lowercase hex digits",
        description=f"the {what}'s id ({prefix}_…)",
    )


GROUP_ID = _id_param("id", GROUP_ID_CORE, "a federation group's")
INVITATION_ID = _id_param("id", INVITATION_ID_CORE, "a federation invitation's")
PUSH_ID = _id_param("pushId", PUSH_ID_CORE, "a federation push's")
HTTPS_PEER_ID = _id_param("peerId", HTTPS_PEER_ID_CORE, "an HTTPS peer's")
#: Invitation lists' ``status`` filter (``all``: every status; absent: each list's default).
INVITATION_STATUS = Param(
    "status",
    "query",
    enum=(*INVITATION_STATUSES, "all"),
    accepted="one of " + ", ".join((*INVITATION_STATUSES, "all")),
    description="only invitations in this status, or all",
)

LIST_REGISTRATIONS_PARAMS = (QUERY_NAMESPACE, QUERY_NAME, QUERY_STATUS, LIMIT, REGISTRATION_CURSOR)
LIFECYCLE_PARAMS = (LIMIT, LIFECYCLE_CURSOR, LIFECYCLE_SINCE)
LIST_SUBSCRIPTIONS_PARAMS = (LIMIT, OPAQUE_CURSOR)
BROWSE_PARAMS = (BROWSE_Q, BROWSE_NAMESPACE, BROWSE_TAG, LIMIT, OPAQUE_CURSOR)
PAGE_PARAMS = (LIMIT, OPAQUE_CURSOR)
