"""Diagnostics: how a provider reports warnings and errors to Terraform.

Errors are values, not exceptions crossing the wire: resource code adds them to the
request's :class:`Diagnostics` (or raises :class:`DiagnosticError`, carrying one or more of
them, to stop early), and the servicer turns any other exception into an error diagnostic too.

A diagnostic may carry a machine-readable ``code`` (for the PlatformXe provider: the error code
of docs/rules.md). Terraform has no such field, so the wire summary shows it in parentheses
after the summary (:attr:`Diagnostic.shown_summary`); code reading diagnostics reads ``code``.

Attribute paths are sequences of steps: a ``str`` is an attribute name, an ``int`` is a list,
tuple or set index, and :class:`ElementKey` is a map key (``("tags", ElementKey("team"))``).
A single ``str`` is accepted as a one-step path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class ElementKey:
    """A map key inside an attribute path (a plain ``str`` step means an attribute name)."""

    key: str


PathStep = str | int | ElementKey
AttributePath = tuple[PathStep, ...]
PathLike = str | Sequence[PathStep] | None


def as_path(path: PathLike) -> AttributePath:
    """Normalise ``"name"`` / ``["a", 0]`` / ``None`` into a tuple path; ``TypeError`` on bad steps."""
    if path is None:
        return ()
    if isinstance(path, str):
        return (path,)
    steps = tuple(path)
    for step in steps:
        if isinstance(step, bool) or not isinstance(step, (str, int, ElementKey)):
            raise TypeError(f"attribute path step {step!r}: expected str, int or ElementKey")
    return steps


def format_path(path: AttributePath) -> str:
    """Human spelling of a path, as Terraform prints it: ``tags["team"]``, ``rule[0].name``."""
    out = ""
    for step in path:
        if isinstance(step, ElementKey):
            out += f'["{step.key}"]'
        elif isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else step
    return out


class Severity(Enum):
    """Diagnostic severity; the values are the protocol's enum numbers."""

    ERROR = 1
    WARNING = 2


@dataclass(frozen=True)
class Diagnostic:
    """One warning or error: ``summary`` is a short sentence, ``detail`` explains and suggests,
    ``code`` (optional) names the error for programs and searches."""

    severity: Severity
    summary: str
    detail: str = ""
    path: AttributePath = ()
    code: str = ""

    @property
    def shown_summary(self) -> str:
        """The summary as Terraform shows it: ``Reserved namespace (reserved_namespace)``."""
        return f"{self.summary} ({self.code})" if self.code else self.summary

    def __str__(self) -> str:
        where = f" (at {format_path(self.path)})" if self.path else ""
        text = f"{self.severity.name.lower()}: {self.shown_summary}{where}"
        return f"{text}: {self.detail}" if self.detail else text


class Diagnostics:
    """An ordered collection of diagnostics handed to every provider call."""

    def __init__(self, items: Iterable[Diagnostic] = ()) -> None:
        self._items: list[Diagnostic] = list(items)

    def error(self, summary: str, detail: str = "", path: PathLike = None, code: str = "") -> Diagnostic:
        """Add an error (the operation fails) and return it."""
        return self.add(Diagnostic(Severity.ERROR, summary, detail, as_path(path), str(code)))

    def warning(self, summary: str, detail: str = "", path: PathLike = None, code: str = "") -> Diagnostic:
        """Add a warning (shown by ``terraform plan``/``apply``; nothing fails) and return it."""
        return self.add(Diagnostic(Severity.WARNING, summary, detail, as_path(path), str(code)))

    def add(self, diagnostic: Diagnostic) -> Diagnostic:
        """Add one ready-made diagnostic and return it."""
        self._items.append(diagnostic)
        return diagnostic

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Add several diagnostics, keeping their order."""
        self._items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        """True once any error was added."""
        return any(d.severity is Severity.ERROR for d in self._items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __repr__(self) -> str:
        return f"Diagnostics({self._items!r})"


class DiagnosticError(Exception):
    """Raise from provider code to stop the operation with one or more error diagnostics.

    ``DiagnosticError(summary, detail, path, code)`` builds one error;
    :meth:`of` raises ready-made diagnostics (e.g. one per broken rule), all shown in order.
    """

    def __init__(self, summary: str, detail: str = "", path: PathLike = None, code: str = "") -> None:
        self.diagnostics: tuple[Diagnostic, ...] = (
            Diagnostic(Severity.ERROR, summary, detail, as_path(path), str(code)),
        )
        super().__init__(str(self.diagnostics[0]))

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic]) -> DiagnosticError:
        """An error carrying ``diagnostics`` (at least one) as they are."""
        found = tuple(diagnostics)
        if not found:
            raise ValueError("DiagnosticError.of needs at least one diagnostic")
        error = cls.__new__(cls)
        error.diagnostics = found
        Exception.__init__(error, "; ".join(str(d) for d in found))
        return error

    @property
    def diagnostic(self) -> Diagnostic:
        """The first (for most errors: the only) diagnostic."""
        return self.diagnostics[0]
