"""Handler for keywords that constrain nothing: annotations, unknown keywords, ``$defs``.

In Draft 2020-12 a keyword the validator does not implement is an annotation, so changing it
refuses no payload. Subschemas stored under such keywords (or under ``$defs``) matter only
through a ``$ref`` that points at them, and the walk checks those at the ``$ref``.
"""

from __future__ import annotations

from typing import Any

from platformxe.rules.compat.knowledge import Knowledge
from platformxe.rules.compat.model import Finding, Node, Piece, join
from platformxe.rules.compat.report import Prover, label, snake
from platformxe.rules.compat.values import (
    ASSERTING_KEYWORDS,
    DEPENDENT_KEYWORDS,
    STRUCTURAL_KEYWORDS,
    strict_equal,
)

KNOWN_ANNOTATIONS = frozenset(
    {
        "title", "description", "examples", "default", "$comment", "deprecated", "readOnly", "writeOnly",
        "contentMediaType", "contentEncoding", "contentSchema",
        # OpenAPI 3.1 additions
        "example", "discriminator", "xml", "externalDocs",
    }
)  # fmt: skip


def annotation_handler(
    walk: Prover, k: Knowledge, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    """Report changed annotations and unknown keywords (never breaking)."""
    if primary is None or not isinstance(primary.schema, dict) or not isinstance(new.schema, dict):
        return []
    where = label(ipath)
    out: list[Finding] = []
    keys = list(dict.fromkeys([*primary.schema, *new.schema]))
    for kw in keys:
        if kw in ASSERTING_KEYWORDS or kw in DEPENDENT_KEYWORDS:
            continue
        before, after = primary.schema.get(kw, _MISSING), new.schema.get(kw, _MISSING)
        if before is not _MISSING and after is not _MISSING and strict_equal(before, after):
            continue
        verb = "added" if before is _MISSING else "removed" if after is _MISSING else "changed"
        ptr = join(primary.ptr if after is _MISSING else new.ptr, kw)
        if kw in ("$defs", "definitions"):
            out += _definitions(walk, primary, new, kw)
        elif kw in STRUCTURAL_KEYWORDS:
            out.append(walk.finding("meta_changed", ptr, False, f"{kw} of {where} {verb}"))
        elif kw in KNOWN_ANNOTATIONS:
            out.append(walk.finding(f"{snake(kw.lstrip('$'))}_{verb}", ptr, False,
                                    f"{kw} of {where} {verb} (annotation only)"))  # fmt: skip
        else:
            out.append(walk.finding("unknown_keyword_changed", ptr, False,
                                    f"keyword {kw!r} of {where} {verb} (not a validation keyword, so nothing is refused)"))  # fmt: skip
    return out


def _definitions(walk: Prover, primary: Node, new: Node, kw: str) -> list[Finding]:
    before = primary.get(kw) if isinstance(primary.get(kw), dict) else {}
    after = new.get(kw) if isinstance(new.get(kw), dict) else {}
    out: list[Finding] = []
    for name in dict.fromkeys([*before, *after]):
        if name in before and name in after and strict_equal(before[name], after[name]):
            continue
        verb = "added" if name not in before else "removed" if name not in after else "changed"
        ptr = join(primary.ptr if verb == "removed" else new.ptr, kw, name)
        out.append(walk.finding(f"definition_{verb}", ptr, False,
                                f"definition {name!r} {verb} (its effect is reported where it is referenced)"))  # fmt: skip
    return out


class _Missing:
    pass


_MISSING: Any = _Missing()
