"""What every resource and data source receives once the provider is configured.

:class:`ProviderData` holds the SDK client and the settings of the provider block, plus the
little state one provider process keeps between calls (the versions it planned, the versions it
archived). Resources call the registry through ``client`` (the SDK) inside
:func:`~platformxe.terraform.diagnostics.registry_call`, so a failure is always a diagnostic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from platformxe.client import Client, PlatformXeError
from platformxe.model.custom_event import EventVersion
from platformxe.tfplugin.diagnostics import DiagnosticError

__all__ = ["PlanChecks", "PlannedVersions", "ProviderData", "RegistrationSnapshot", "configured"]


class PlanChecks(StrEnum):
    """The provider's ``plan_checks`` setting."""

    REMOTE = "remote"
    OFFLINE = "offline"
    OFF = "off"


class PlannedVersions:
    """The order in which one provider process plans new versions of each event.

    Terraform plans a resource after the resources it depends on, in the plan process and again in
    the apply process, so with ``depends_on`` a lower version is always seen first; without it the
    order is random. A version's answer is what was recorded before its *first* record, so a
    resource planned twice in one process (a replacement) is judged the same way both times.
    """

    def __init__(self) -> None:
        self._order: dict[tuple[str, str], list[str | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, namespace: str, name: str, version: str | None) -> list[str | None]:
        """Record ``version`` (None: unknown) and return the versions recorded before it."""
        with self._lock:
            order = self._order.setdefault((namespace, name), [])
            if version is None:
                order.append(None)
                return []
            if version not in order:
                order.append(version)
            return [v for v in order[: order.index(version)] if v != version]


class RegistrationSnapshot:
    """The organisation's registrations as one paged list returned them, for ReadResource.

    A refresh reads every resource of a configuration; one list call (pages of 500) answers all
    of them instead of one GET each. The snapshot is taken on the first read after configuration
    (each Terraform walk configures the provider anew, so a walk never sees an older one) and is
    dropped whenever this process writes (register, update, archive, restore), so a read after
    its own write sees the write. Drift is seen exactly as by a GET: a version missing from the
    list is gone (Terraform plans a create), a changed status is an update.

    When the list call fails the snapshot is given up and reads fall back to one GET each, so a
    failure reads exactly as before (the GET's own error).
    """

    _UNAVAILABLE: ClassVar[dict[tuple[str, str, str], dict[str, Any]]] = {}

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str, str], dict[str, Any]] | None = None
        self._lock = threading.Lock()
        self.loads = 0  # how many list walks this process made (tests and the bench read it)

    def lookup(
        self, ref: EventVersion, load: Callable[[], Iterable[Mapping[str, Any]]]
    ) -> tuple[bool, dict[str, Any] | None]:
        """``(True, registration of ref or None when not registered)``, ``(False, None)`` without a snapshot.

        ``load`` lists every registration of the organisation (called once, under a lock).
        """
        with self._lock:
            if self._rows is None:
                try:
                    rows = {(r["namespace"], r["name"], r["version"]): dict(r) for r in load()}
                except Exception:
                    rows = self._UNAVAILABLE
                self.loads += 1
                self._rows = rows
            rows = self._rows
        if rows is self._UNAVAILABLE:
            return False, None
        found = rows.get((ref.namespace, ref.name, ref.version))
        return True, None if found is None else dict(found)

    def drop(self) -> None:
        """This process wrote: the next read lists again."""
        with self._lock:
            self._rows = None


@dataclass
class ProviderData:
    """The configured provider: SDK client, settings, and this process's memory."""

    client: Client
    endpoint: str
    checks: PlanChecks
    organization_id: str | None
    planned_alongside: PlannedVersions = field(default_factory=PlannedVersions)
    #: What ReadResource reads (see :class:`RegistrationSnapshot`).
    snapshot: RegistrationSnapshot = field(default_factory=RegistrationSnapshot)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: Versions this process archived (a destroy, or the delete half of a replacement) → the status
    #: they had, so a refused re-registration of the same version can put it back.
    _archived: dict[EventVersion, str] = field(default_factory=dict)

    def record_archived(self, ref: EventVersion, previous_status: str) -> None:
        """Remember that this process archived a version that had ``previous_status``."""
        with self._lock:
            self._archived[ref] = previous_status

    def restore_archived(self, ref: EventVersion) -> str:
        """Undo this process's archive of a version whose re-registration was refused.

        Terraform replaces delete-then-create: when the create of the same version is refused (its
        schema or example changed, only known at apply), the archive must not be the one lasting
        effect. Returns a sentence for the error's detail ("" when this process archived nothing).
        """
        with self._lock:
            previous = self._archived.pop(ref, None)
        if previous is None or previous == "archived":
            return ""
        try:
            self.client.events.custom.update(ref.namespace, ref.name, ref.version, status=previous)
        except PlatformXeError as exc:
            self.snapshot.drop()
            return (
                f"This apply archived {ref.label} to replace it, and restoring it to {previous} failed ({exc}); "
                f'restore it by setting its status back to "{previous}" (docs/registry.md, PATCH of the version).'
            )
        self.snapshot.drop()
        return (
            f"This apply had archived {ref.label} to replace it; the provider restored it to {previous}, so the "
            "registry is as before. It is no longer in Terraform state: bump the version to register the "
            "change, or import the registered version."
        )

    def forget_archived(self, ref: EventVersion) -> None:
        """The version was registered again (or adopted): nothing to restore."""
        with self._lock:
            self._archived.pop(ref, None)


def configured(provider_data: Any) -> ProviderData:
    """The configured provider's data, or one clear error when Terraform has not configured it."""
    if not isinstance(provider_data, ProviderData):
        raise DiagnosticError(
            "The PlatformXe provider is not configured",
            "Terraform called the provider before configuring it; check the provider block.",
        )
    return provider_data
