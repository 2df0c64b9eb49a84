"""The case record and two constructors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_MISSING: Any = object()


@dataclass(frozen=True)
class Case:
    """One hand-written compatibility case."""

    id: str
    old: Any
    new: Any
    expected: str  # "compatible" | "breaking" | "conservative"
    why: str
    witness: Any = _MISSING

    @property
    def has_witness(self) -> bool:
        """Whether the table gives a counterexample payload."""
        return self.witness is not _MISSING


def ok(id: str, old: Any, new: Any, why: str) -> Case:
    """A compatible case."""
    return Case(id, old, new, "compatible", why)


def bad(id: str, old: Any, new: Any, why: str, witness: Any) -> Case:
    """A breaking case with its counterexample payload."""
    return Case(id, old, new, "breaking", why, witness)


def obj(
    props: dict[str, Any], required: list[str] | None = None, closed: bool = False, **extra: Any
) -> dict[str, Any]:
    """An object schema in the usual event-payload shape."""
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    if closed:
        out["additionalProperties"] = False
    out.update(extra)
    return out


S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741
N = {"type": "number"}
B = {"type": "boolean"}
NULL = {"type": "null"}
