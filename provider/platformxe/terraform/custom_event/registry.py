"""The registry calls of ``platformxe_custom_event``, through the SDK only.

Each call runs inside :func:`~platformxe.terraform.diagnostics.registry_call`, so an SDK failure
stops the operation with diagnostics saying what was being done; the answers a resource handles
itself (a version that does not exist, one that exists already) are caught here and returned as
values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from platformxe.client import ApiError, CannotArchiveGenericEvent, EventNotRegistered, VersionAlreadyExists
from platformxe.model.custom_event import EventVersion, registration_arguments
from platformxe.rules.codes import Code
from platformxe.rules.types import Candidate, Verdict
from platformxe.terraform.custom_event.verdicts import verdict_from_body
from platformxe.terraform.diagnostics import registry_call
from platformxe.terraform.provider_data import ProviderData
from platformxe.tfplugin.diagnostics import DiagnosticError

__all__ = ["EventRegistry", "candidate_ref", "dry_run_body"]


def candidate_ref(candidate: Candidate) -> EventVersion:
    """The version a candidate would register."""
    return EventVersion(candidate.namespace, candidate.name, candidate.version)


def dry_run_body(candidate: Candidate) -> dict[str, Any]:
    """The SDK's ``dry_run`` keywords for ``candidate`` (what :meth:`EventRegistry.dry_run` sends)."""
    return registration_arguments(
        {
            "namespace": candidate.namespace,
            "name": candidate.name,
            "version": candidate.version,
            "payload_schema": candidate.payload_schema,
            "payload_example": candidate.payload_example if candidate.has_example else None,
            "description": candidate.description,
            "status": str(candidate.status),
            "compatibility_policy": candidate.compatibility_policy,
        }
    )


class EventRegistry:
    """``platformxe_custom_event``'s view of the registry, for one configured provider."""

    def __init__(self, data: ProviderData) -> None:
        self._client = data.client
        self._endpoint = data.endpoint
        self._snapshot = data.snapshot
        self._dry_runs = data.dry_runs

    def read(self, ref: EventVersion) -> dict[str, Any] | None:
        """:meth:`get` for ReadResource: served from the process's snapshot of the organisation."""
        served, found = self._snapshot.lookup(ref, self._list_everything)
        return found if served else self.get(ref)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Around a write: the snapshot is dropped once it is done (or failed), never before."""
        try:
            yield
        finally:
            self._snapshot.drop()
            self._dry_runs.forget_prefetched()

    def _list_everything(self) -> list[dict[str, Any]]:
        with registry_call("listing the organisation's registrations", self._endpoint):
            return [r.to_dict() for r in self._client.events.custom.iter_all(page_size=500)]

    def get(self, ref: EventVersion) -> dict[str, Any] | None:
        """The registration of one version (camelCase API object), or None when it does not exist."""
        with registry_call(f"reading {ref.label}", self._endpoint):
            try:
                return self._client.events.custom.get(ref.namespace, ref.name, ref.version).to_dict()
            except EventNotRegistered:
                return None

    def registered(self, namespace: str, name: str, version: str) -> dict[str, Any] | None:
        """:meth:`get` with the three parts apart (the plan's ``registered`` callback)."""
        return self.get(EventVersion(namespace, name, version))

    def dry_run(self, candidate: Candidate) -> Verdict:
        """The registry's verdict on ``candidate`` (``POST /dry-run``), for the plan."""
        with registry_call(f"checking {candidate_ref(candidate).label}", self._endpoint):
            answer = self._dry_runs.judge(dry_run_body(candidate))
        return verdict_from_body(answer.to_dict())

    def register(self, planned: Mapping[str, Any]) -> dict[str, Any] | VersionAlreadyExists:
        """Register the planned version: the registration, or the refusal when it exists already."""
        with self._writing(), registry_call(f"registering {EventVersion.of(planned).label}", self._endpoint):
            try:
                return self._client.events.custom.register(**registration_arguments(planned)).to_dict()
            except VersionAlreadyExists as exc:
                return exc

    def update(self, ref: EventVersion, body: Mapping[str, Any], doing: str = "updating") -> dict[str, Any]:
        """Change status and/or description (``body``); with nothing to change, read the version."""
        with self._writing(), registry_call(f"{doing} {ref.label}", self._endpoint):
            if not body:
                return self._client.events.custom.get(ref.namespace, ref.name, ref.version).to_dict()
            return self._client.events.custom.update(ref.namespace, ref.name, ref.version, **body).to_dict()

    def set_policy(self, ref: EventVersion, policy: str) -> None:
        """Set the event's compatibility policy (the registry logs a change)."""
        with (
            self._writing(),
            registry_call(f"setting the compatibility policy of {ref.event}", self._endpoint),
        ):
            self._client.events.custom.set_policy(ref.namespace, ref.name, policy)

    def archive(self, ref: EventVersion) -> bool:
        """Archive one version; False when it does not exist (nothing left to archive)."""
        with self._writing(), registry_call(f"archiving {ref.label}", self._endpoint):
            try:
                self._client.events.custom.archive(ref.namespace, ref.name, ref.version)
            except EventNotRegistered:
                return False
            except CannotArchiveGenericEvent as exc:
                raise DiagnosticError(
                    "platformxe.generic cannot be archived",
                    f'{exc.message} Set on_destroy = "retain" to stop managing it, or run terraform state rm.',
                    "on_destroy",
                    Code.CANNOT_ARCHIVE_GENERIC_EVENT,
                ) from exc
        return True

    def recent_emits(self, ref: EventVersion) -> int:
        """Accepted emits of one version in the last 7 days.

        0 when the version no longer exists, or when the registry predates the usage read (any
        other 404): the warning it feeds is advice, never a reason to fail a plan.
        """
        with registry_call(f"reading the usage of {ref.label}", self._endpoint):
            try:
                usage = self._client.events.custom.usage(ref.namespace, ref.name, ref.version)
            except ApiError as exc:
                if exc.status == 404:
                    return 0
                raise
        return int(usage.get("recentEmits7d") or 0)

    def versions(self, ref: EventVersion) -> list[dict[str, Any]]:
        """Every version of the event ``ref`` belongs to (any status)."""
        with registry_call(f"reading the versions of {ref.label}", self._endpoint):
            return [
                v.to_dict()
                for v in self._client.events.custom.iter_all(
                    namespace=ref.namespace, name=ref.name, page_size=500
                )
            ]
