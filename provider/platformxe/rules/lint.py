"""Schema lint: likely mistakes that are still legal JSON Schema 2020-12 (pure, no I/O).

JSON Schema ignores keywords it does not know, so a misspelt ``propertes`` or ``requried`` is a
valid schema that silently checks nothing, and a draft-07 habit such as ``dependencies`` is an
unknown (ignored) keyword in 2020-12. Nothing here refuses a schema; each finding is advice
(the provider shows it as a plan warning on ``payload_schema``, ``platformxe validate`` prints it):

- ``typo``: an unknown keyword within a small edit distance of a 2020-12 or OpenAPI 3.1
  keyword (``propertes`` → ``properties``, ``Required`` → ``required``);
- ``draft-07``: a draft-07 form, named with the 2020-12 keyword meant (``items`` as an array →
  ``prefixItems``, ``additionalItems`` → ``items``, ``definitions`` without ``$defs`` → ``$defs``,
  ``dependencies`` → ``dependentRequired`` / ``dependentSchemas``).

Only schema positions are read (the walk of :mod:`platformxe.rules.walk`): property names,
``enum``/``const``/``default``/``examples`` values and the contents of unknown keywords are data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platformxe.rules.walk import iter_schemas, pointer_join

__all__ = ["KNOWN_KEYWORDS", "LintFinding", "edit_distance", "lint_schema"]

#: Every keyword of the 2020-12 vocabularies (core, applicator, unevaluated, validation,
#: meta-data, format, content) and the OpenAPI 3.1 additions.
KNOWN_KEYWORDS: frozenset[str] = frozenset(
    {
        # core
        "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary",
        "$comment", "$defs",
        # applicator
        "prefixItems", "items", "contains", "additionalProperties", "properties",
        "patternProperties", "dependentSchemas", "propertyNames", "if", "then", "else", "allOf",
        "anyOf", "oneOf", "not",
        # unevaluated
        "unevaluatedItems", "unevaluatedProperties",
        # validation
        "type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
        "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
        "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
        "dependentRequired",
        # meta-data, format, content
        "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
        "format", "contentEncoding", "contentMediaType", "contentSchema",
        # OpenAPI 3.1
        "discriminator", "xml", "externalDocs", "example",
    }
)  # fmt: skip

#: Draft-07 keywords that 2020-12 no longer knows (each judged in :func:`_draft07`).
_DRAFT07 = frozenset({"definitions", "dependencies", "additionalItems", "$recursiveRef", "$recursiveAnchor"})

#: Keywords shorter than this are never called typos: among two- and three-letter words (``if``,
#: ``not``, ``xml``, ``$id``) one edit reaches too many unrelated names.
_MIN_TYPO_LENGTH = 4


@dataclass(frozen=True)
class LintFinding:
    """One piece of advice about a schema.

    ``pointer`` is the JSON pointer of the keyword itself (``/properties/a/propertes``),
    ``keyword`` the keyword as written, ``meant`` the 2020-12 keyword to use, ``kind``
    ``"typo"`` or ``"draft-07"``, ``message`` one sentence for a person.
    """

    pointer: str
    keyword: str
    meant: str
    kind: str
    message: str


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[-1]


def _allowed_edits(keyword: str) -> int:
    return 1 if len(keyword) < 8 else 2


def _closest_keyword(keyword: str) -> str | None:
    """The known keyword ``keyword`` most likely misspells, or None when none is close."""
    if len(keyword) < _MIN_TYPO_LENGTH or keyword.startswith("x-"):
        return None
    folded = keyword.lower()
    best: tuple[int, str] | None = None
    for known in sorted(KNOWN_KEYWORDS):
        if known.lower() == folded:
            return known  # only the letter case differs
        if abs(len(known) - len(keyword)) > 2:
            continue
        distance = edit_distance(folded, known.lower())
        if distance <= min(_allowed_edits(keyword), _allowed_edits(known)) and (
            best is None or distance < best[0]
        ):
            best = (distance, known)
    return best[1] if best else None


def _draft07(schema: dict[str, Any], key: str, pointer: str) -> LintFinding | None:
    value = schema[key]
    if key == "items" and isinstance(value, list):
        return LintFinding(
            pointer,
            key,
            "prefixItems",
            "draft-07",
            f'"items" at {pointer} is an array, the draft-07 tuple form; in 2020-12 write the '
            'per-position schemas as "prefixItems" (and the schema for the remaining items as "items")',
        )
    if key == "additionalItems":
        return LintFinding(
            pointer,
            key,
            "items",
            "draft-07",
            f'"additionalItems" at {pointer} is draft-07 and ignored in 2020-12; use "items" after '
            '"prefixItems" for the items past the tuple',
        )
    if key == "definitions" and "$defs" not in schema:
        return LintFinding(
            pointer,
            key,
            "$defs",
            "draft-07",
            f'"definitions" at {pointer} is the draft-07 name; 2020-12 keeps reusable schemas under '
            '"$defs" (and "$ref": "#/$defs/…" points there)',
        )
    if key == "dependencies":
        meant = "dependentRequired" if _only_name_lists(value) else "dependentSchemas"
        return LintFinding(
            pointer,
            key,
            meant,
            "draft-07",
            f'"dependencies" at {pointer} is draft-07 and ignored in 2020-12, so it checks nothing; use '
            '"dependentRequired" for lists of property names and "dependentSchemas" for schemas',
        )
    if key in ("$recursiveRef", "$recursiveAnchor"):
        meant = "$dynamicRef" if key == "$recursiveRef" else "$dynamicAnchor"
        return LintFinding(
            pointer,
            key,
            meant,
            "draft-07",
            f'"{key}" at {pointer} is from draft 2019-09 and ignored in 2020-12; use "{meant}"',
        )
    return None


def _only_name_lists(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, list) for v in value.values())


def lint_schema(schema: Any) -> list[LintFinding]:
    """Advice about ``schema`` (parsed JSON), in document order; ``[]`` when there is none."""
    findings: list[LintFinding] = []
    for node in iter_schemas(schema):
        if not isinstance(node.schema, dict):
            continue
        for key in node.schema:
            if not isinstance(key, str):
                continue
            pointer = pointer_join(node.pointer, key)
            if key in _DRAFT07 or key == "items":
                found = _draft07(node.schema, key, pointer)
                if found is not None:
                    findings.append(found)
                continue
            if key in KNOWN_KEYWORDS:
                continue
            meant = _closest_keyword(key)
            if meant is not None and meant not in node.schema:
                findings.append(
                    LintFinding(
                        pointer,
                        key,
                        meant,
                        "typo",
                        f'"{key}" at {pointer} is not a JSON Schema 2020-12 or OpenAPI 3.1 keyword, so '
                        f'validators ignore it and it checks nothing: did you mean "{meant}"?',
                    )
                )
    return findings
