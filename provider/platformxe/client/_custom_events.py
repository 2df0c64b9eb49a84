"""``client.events.custom``: register, dry-run, read, list, update, archive, emit, health, lifecycle log.

Each method accepts its fields as snake_case keywords (``payload_schema=``), camelCase keywords
(``payloadSchema=``) or one dict in the TypeScript style (``register({...})``), and returns an
:class:`~platformxe.client.ApiObject` (or a :class:`~platformxe.client.Page` for lists).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from platformxe.client._arguments import MISSING, Field, gather
from platformxe.client._federation import Federation
from platformxe.client._marketplace import Marketplace
from platformxe.client._objects import ApiObject, Page
from platformxe.client._subscriptions import Subscriptions
from platformxe.client._transport import Requester
from platformxe.client.errors import ApiError, VersionAlreadyExists, error_from_response

__all__ = ["CustomEvents", "Events"]

BASE = "/v1/events/custom"

_DEFINITION = (
    Field("namespace", required=True),
    Field("name", required=True),
    Field("version", required=True),
    Field("payload_schema", required=True),
    Field("payload_example"),
    Field("status"),
    Field("description"),
    Field("compatibility_policy"),
)
_EVENT_REF = (Field("namespace", required=True), Field("name", required=True))
_POLICY = (*_EVENT_REF, Field("compatibility_policy", required=True))
_VERSION_REF = (Field("namespace", required=True), Field("name", required=True), Field("version"))
# description=None is sent (it clears the description); leaving it out changes nothing.
_UPDATE = (*_VERSION_REF, Field("status"), Field("description", none_is_absent=False))
_LIST = (Field("namespace"), Field("name"), Field("status"), Field("limit"), Field("cursor"))
_EMIT = (
    Field("name", required=True),
    Field("payload", required=True, none_is_absent=False),
    Field("version"),
    Field("idempotency_key"),
    Field("causation_id"),
)
_PAGING = (Field("cursor"), Field("limit"))


def _version_path(fields: Mapping[str, Any]) -> str:
    parts = (fields["namespace"], fields["name"], fields.get("version", "latest"))
    for label, part in zip(("namespace", "name", "version"), parts, strict=True):
        if not isinstance(part, str) or not part:
            raise TypeError(f"{label} must be a non-empty string, not {part!r}")
    # Quoting keeps a stray "/" or "?" in a user's value from changing the route.
    ns, name, version = (quote(p, safe="") for p in parts)
    return f"{BASE}/registrations/{ns}/{name}/versions/{version}"


def _policy_path(fields: Mapping[str, Any]) -> str:
    for label in ("namespace", "name"):
        if not isinstance(fields.get(label), str) or not fields[label]:
            raise TypeError(f"{label} must be a non-empty string, not {fields.get(label)!r}")
    ns, name = (quote(fields[k], safe="") for k in ("namespace", "name"))
    return f"{BASE}/registrations/{ns}/{name}/policy"


class CustomEvents:
    """Tenant-defined events: the ``client.events.custom`` namespace (docs/sdk.md)."""

    def __init__(self, client: Requester) -> None:
        self._client = client
        #: ``client.events.custom.subscriptions``: webhooks and workflows (docs/bus.md).
        self.subscriptions = Subscriptions(client)
        #: ``client.events.custom.marketplace``: publish, browse, unpublish, fork (docs/marketplace.md).
        self.marketplace = Marketplace(client)
        #: ``client.events.custom.federation``: groups, invitations, pushes, HTTPS peers (docs/federation.md).
        self.federation = Federation(client)

    def __repr__(self) -> str:
        return f"<CustomEvents of {self._client!r}>"

    def register(
        self,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        namespace: str | None = None,
        name: str | None = None,
        version: str | None = None,
        payload_schema: Any = None,
        payload_example: Any = None,
        status: str | None = None,
        description: str | None = None,
        compatibility_policy: str | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """Register one version of an event; returns the stored registration.

        ``status`` defaults to "published" on the server. ``compatibility_policy`` ("strict" or
        "lenient") sets the event's policy with this version (stored only if it is registered).
        Retrying a registration is safe: if an
        earlier attempt of *this call* may have been stored (a 5xx or a lost connection) and the server
        now answers ``version_already_exists`` with ``sameSchema: true``, the stored registration is
        returned instead of raising. Otherwise ``VersionAlreadyExists`` is raised, with the existing
        ``schemaHash`` in ``details``.
        """
        body = gather(
            "register",
            _DEFINITION,
            spec,
            {
                "namespace": namespace,
                "name": name,
                "version": version,
                "payload_schema": payload_schema,
                "payload_example": payload_example,
                "status": status,
                "description": description,
                "compatibility_policy": compatibility_policy,
            },
            camel_case,
        )
        try:
            return ApiObject(
                self._client.request("POST", f"{BASE}/registrations", json=body, idempotent=True)
            )
        except VersionAlreadyExists as exc:
            existing = exc.details.get("existing")
            if exc.uncertain_retry and exc.details.get("sameSchema") is True and isinstance(existing, dict):
                return ApiObject(existing)
            raise

    def dry_run(
        self,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        namespace: str | None = None,
        name: str | None = None,
        version: str | None = None,
        payload_schema: Any = None,
        payload_example: Any = None,
        status: str | None = None,
        description: str | None = None,
        compatibility_policy: str | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """Judge a registration without storing it; returns the verdict (``valid``, ``semver_bump``,
        ``schema_hash``, ``schema_flavour``, ``previous_version``, ``changes``, ``errors``).

        A broken rule is not an exception here: ``verdict.valid`` is False and ``verdict.errors`` lists
        every problem. ``compatibility_policy`` judges under that policy instead of the event's
        stored one (``verdict.compatibility_policy`` names the policy used). ``camelCase`` spelling
        ``dryRun`` is an alias.
        """
        body = gather(
            "dry_run",
            _DEFINITION,
            spec,
            {
                "namespace": namespace,
                "name": name,
                "version": version,
                "payload_schema": payload_schema,
                "payload_example": payload_example,
                "status": status,
                "description": description,
                "compatibility_policy": compatibility_policy,
            },
            camel_case,
        )
        return ApiObject(self._client.request("POST", f"{BASE}/dry-run", json=body, idempotent=True))

    dryRun = dry_run  # the TypeScript SDK's spelling

    def dry_run_batch(self, candidates: Sequence[Mapping[str, Any]]) -> list[ApiObject | ApiError]:
        """Judge many candidates in one request (``POST /dry-run/batch``, at most 100).

        Each candidate is a dict of :meth:`dry_run`'s arguments (snake_case or camelCase) and is
        judged exactly as :meth:`dry_run` would judge it. Returns one entry per candidate, in
        order: the verdict, or the exception :meth:`dry_run` would have raised for that candidate
        (returned, not raised, so one malformed candidate does not hide the others' verdicts).
        """
        body = {"candidates": [gather("dry_run", _DEFINITION, dict(c), {}, {}) for c in candidates]}
        path = f"{BASE}/dry-run/batch"
        answer = self._client.request("POST", path, json=body, idempotent=True)
        results: list[ApiObject | ApiError] = []
        for item in answer.get("results") or []:
            if isinstance(item, dict) and isinstance(item.get("verdict"), dict):
                results.append(ApiObject(item["verdict"]))
            else:
                status = item.get("status") if isinstance(item, dict) else None
                results.append(
                    error_from_response(
                        status if isinstance(status, int) else 400, item, method="POST", path=path
                    )
                )
        if len(results) != len(body["candidates"]):
            raise error_from_response(
                502,
                None,
                text="the dry-run batch answer has the wrong number of results",
                method="POST",
                path=path,
            )
        return results

    dryRunBatch = dry_run_batch

    def get(
        self,
        namespace: str | Mapping[str, Any] | None = None,
        name: str | None = None,
        version: str | None = None,
    ) -> ApiObject:
        """One registration; ``version`` None or "latest" = the highest published version.

        Raises ``EventNotRegistered`` when the event or version does not exist.
        """
        spec, namespace = (namespace, None) if isinstance(namespace, Mapping) else (None, namespace)
        ref = gather(
            "get", _VERSION_REF, spec, {"namespace": namespace, "name": name, "version": version}, {}
        )
        return ApiObject(self._client.request("GET", _version_path(ref)))

    def list(
        self,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        namespace: str | None = None,
        name: str | None = None,
        status: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page:
        """One page of registrations (ordered by namespace, name, version); ``page.next_cursor`` is None
        on the last page. Use :meth:`iter_all` to walk every page."""
        query = gather(
            "list",
            _LIST,
            spec,
            {"namespace": namespace, "name": name, "status": status, "limit": limit, "cursor": cursor},
            {},
        )
        return Page(self._client.request("GET", f"{BASE}/registrations", params=query))

    def iter_all(
        self,
        *,
        namespace: str | None = None,
        name: str | None = None,
        status: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[ApiObject]:
        """Every registration matching the filters, page after page (lazily)."""
        cursor: str | None = None
        while True:
            page = self.list(namespace=namespace, name=name, status=status, limit=page_size, cursor=cursor)
            yield from page
            cursor = page.get("nextCursor")
            if not cursor or len(page) == 0:
                return

    list_all = iter_all

    def update(
        self,
        namespace: str | Mapping[str, Any] | None = None,
        name: str | None = None,
        version: str | None = None,
        status: str | None = None,
        description: Any = MISSING,
    ) -> ApiObject:
        """Change the status and/or description of one version; returns the registration.

        ``description=None`` clears the description; leaving it out keeps it. Illegal transitions
        raise ``InvalidStatusTransition`` (the message lists the legal ones).
        """
        spec, namespace = (namespace, None) if isinstance(namespace, Mapping) else (None, namespace)
        fields = gather(
            "update",
            _UPDATE,
            spec,
            {
                "namespace": namespace,
                "name": name,
                "version": version,
                "status": status,
                "description": description,
            },
            {},
        )
        if "version" not in fields:
            raise TypeError("update() missing required argument 'version'")
        body = {k: fields[k] for k in ("status", "description") if k in fields}
        if not body:
            raise TypeError("update() needs status= and/or description=")
        # PATCH is retried like any idempotent call: setting a status it already has is legal.
        return ApiObject(self._client.request("PATCH", _version_path(fields), json=body))

    def usage(
        self,
        namespace: str | Mapping[str, Any] | None = None,
        name: str | None = None,
        version: str | None = None,
    ) -> ApiObject:
        """How much one version is used: ``recentEmits7d`` (accepted emits in the last 7 days) and
        ``lastEmittedAt``. Read-only; ``version`` may be ``latest``."""
        spec, namespace = (namespace, None) if isinstance(namespace, Mapping) else (None, namespace)
        ref = gather(
            "usage", _VERSION_REF, spec, {"namespace": namespace, "name": name, "version": version}, {}
        )
        return ApiObject(self._client.request("GET", _version_path(ref) + "/usage"))

    def get_policy(
        self, namespace: str | Mapping[str, Any] | None = None, name: str | None = None
    ) -> ApiObject:
        """The event's compatibility policy: ``compatibility_policy`` ("strict" unless set) and
        ``updated_at`` (None until set). ``EventNotRegistered`` when the event has no version."""
        spec, namespace = (namespace, None) if isinstance(namespace, Mapping) else (None, namespace)
        ref = gather("get_policy", _EVENT_REF, spec, {"namespace": namespace, "name": name}, {})
        return ApiObject(self._client.request("GET", _policy_path(ref)))

    def set_policy(
        self,
        namespace: str | Mapping[str, Any] | None = None,
        name: str | None = None,
        compatibility_policy: str | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """Set the event's compatibility policy ("strict" or "lenient"); a change is logged."""
        spec, namespace = (namespace, None) if isinstance(namespace, Mapping) else (None, namespace)
        fields = gather(
            "set_policy",
            _POLICY,
            spec,
            {"namespace": namespace, "name": name, "compatibility_policy": compatibility_policy},
            camel_case,
        )
        body = {"compatibilityPolicy": fields["compatibilityPolicy"]}
        return ApiObject(self._client.request("PUT", _policy_path(fields), json=body, idempotent=True))

    getPolicy = get_policy  # the TypeScript SDK's spelling
    setPolicy = set_policy

    def archive(
        self,
        namespace: str | Mapping[str, Any] | None = None,
        name: str | None = None,
        version: str | None = None,
    ) -> ApiObject:
        """Archive one version (idempotent); returns the archived registration.

        Archiving ``platformxe.generic`` raises ``CannotArchiveGenericEvent``.
        """
        spec, namespace = (namespace, None) if isinstance(namespace, Mapping) else (None, namespace)
        ref = gather(
            "archive", _VERSION_REF, spec, {"namespace": namespace, "name": name, "version": version}, {}
        )
        if "version" not in ref:
            raise TypeError("archive() missing required argument 'version'")
        return ApiObject(self._client.request("DELETE", _version_path(ref)))

    def emit(
        self,
        name: str | Mapping[str, Any] | None = None,
        payload: Any = MISSING,
        *,
        version: str | None = None,
        idempotency_key: str | None = None,
        causation_id: str | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """Emit a payload to ``<namespace>.<name>``; returns ``{event_id, canonical_name, status,
        duplicate, version}``.

        Without ``version`` the latest published version receives it. With ``idempotency_key`` a replay
        returns the first answer (``duplicate`` True) and failed sends are retried; without a key, only
        sends that never reached the server are retried, so an emit is never doubled. ``causation_id``
        (the ``eventId`` of a delivery being reacted to) continues a chain: depth + 1, capped at 50
        (``ChainDepthExceeded``).
        """
        spec, name = (name, None) if isinstance(name, Mapping) else (None, name)
        body = gather(
            "emit",
            _EMIT,
            spec,
            {
                "name": name,
                "payload": payload,
                "version": version,
                "idempotency_key": idempotency_key,
                "causation_id": causation_id,
            },
            camel_case,
        )
        retry_safe = bool(body.get("idempotencyKey"))
        return ApiObject(self._client.request("POST", f"{BASE}/emit", json=body, idempotent=retry_safe))

    def get_emit(self, event_id: str) -> ApiObject:
        """One emitted event: ``delivery_status``, ``chain_depth`` and every delivery with every attempt."""
        if not isinstance(event_id, str) or not event_id:
            raise TypeError(f"event_id must be a non-empty string, not {event_id!r}")
        return ApiObject(self._client.request("GET", f"{BASE}/emits/{quote(event_id, safe='')}"))

    getEmit = get_emit  # the TypeScript SDK's spelling

    def replay_emit(self, event_id: str) -> ApiObject:
        """Try an emitted event's failed deliveries again; returns ``{event_id, queued}``."""
        if not isinstance(event_id, str) or not event_id:
            raise TypeError(f"event_id must be a non-empty string, not {event_id!r}")
        return ApiObject(self._client.request("POST", f"{BASE}/emits/{quote(event_id, safe='')}/replay"))

    replayEmit = replay_emit  # the TypeScript SDK's spelling

    def health(self) -> ApiObject:
        """Plan, usage and limits: ``plan``, ``registrations.used/limit``, ``emits.this_month/monthly_limit``,
        ``recent_failures`` (limits are None when unlimited)."""
        return ApiObject(self._client.request("GET", f"{BASE}/health"))

    def lifecycle_events(self, cursor: str | None = None, limit: int | None = None) -> Page:
        """One page of the organisation's lifecycle log, oldest first."""
        query = gather("lifecycle_events", _PAGING, None, {"cursor": cursor, "limit": limit}, {})
        return Page(self._client.request("GET", f"{BASE}/lifecycle-events", params=query))

    def iter_lifecycle_events(
        self, cursor: str | None = None, page_size: int | None = None
    ) -> Iterator[ApiObject]:
        """Every lifecycle event from ``cursor`` on (the beginning by default), page after page."""
        while True:
            page = self.lifecycle_events(cursor=cursor, limit=page_size)
            yield from page
            next_cursor = page.get("nextCursor")
            if not next_cursor or len(page) == 0 or next_cursor == cursor:
                return
            cursor = next_cursor


class Events:
    """``client.events``: the event families of the platform (only ``custom`` here)."""

    def __init__(self, client: Requester) -> None:
        self.custom = CustomEvents(client)

    def __repr__(self) -> str:
        return f"<Events custom={self.custom!r}>"
