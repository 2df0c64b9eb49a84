"""Recall and soundness of compare() on inclusion pairs whose answer is known by construction
(prints, never fails).

Nothing is fetched and no schema written by others is copied: the seeds are the schemas of the
JSON-Schema-Test-Suite already vendored under tests/fixtures (MIT), the repository's examples,
and schemas generated here from a small grammar (seeded, so every run sees the same corpus).

Ground truth is never "every sample of A passes B" (that proves nothing). A pair is TRUE
(A ⊆ B) only when the construction makes it so:

- reflexive: B is A with an annotation added; universal targets: B is ``{}``, ``true``,
  ``{"not": false}``, every type, or an annotation only;
- unions: B is ``anyOf [A, C]`` / ``anyOf [C, A]``; splits: A is ``allOf [X, Y]`` and B is X;
  reordered and widened ``anyOf`` branches;
- const/enum subsets, integer intervals inside wider number intervals (exclusive bounds
  included), ``multipleOf`` by a divisor of the old step, ``integer`` inside ``number``;
- widenings of generated schemas: an assertion keyword dropped (only keywords nothing else
  depends on), a bound relaxed, a type or an enum value added, a required name dropped, a
  pattern replaced by a superset pattern, a format by a format it implies, a subschema wrapped
  in ``anyOf`` — each applied at positions where the keyword is monotone (``properties``,
  ``items``, ``additionalProperties``, ``anyOf`` branches), so the result is a superset.

A pair is FALSE (A ⊄ B) only with a certificate: a payload the real validator accepts under A
and refuses under B (B a narrowing of A: a bound tightened, a keyword added, a type removed …).
Pairs whose answer is not certified either way are left out.

Reported: the share of TRUE pairs proved compatible (the recall; goal ≥ 97 %), per family;
unsound answers (a FALSE pair said compatible; must be 0); TRUE pairs with a "witness" (would
mean a wrong construction or a wrong validator: must be 0); and the share of FALSE pairs whose
breaking verdict carries a verified witness. Documents using constructs the checker declines by
design ($dynamicRef, embedded $id, remote $ref) are counted apart: "not proven" is its stated
answer there.
"""

from __future__ import annotations

import copy
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "provider"))

from platformxe.rules import validate_payload
from platformxe.rules.compat import compare
from platformxe.rules.walk import iter_schemas

ROOT = Path(__file__).resolve().parent.parent
Schema = Any
SUITE = ROOT / "tests" / "fixtures" / "json-schema-test-suite"
ALL_TYPES = ["null", "boolean", "object", "array", "number", "string"]
UNIVERSAL: list[Schema] = [
    {},
    True,
    {"description": "anything at all"},
    {"not": False},
    {"type": ALL_TYPES},
    {"anyOf": [{"type": "string"}, {}]},
    {"allOf": [True, {}]},
]
DECLINED = ("$dynamicRef", "$dynamicAnchor")
SUPERSET_PATTERNS = [
    ("^[a-z]+$", "^[a-z0-9]+$"),
    ("^[a-z]+$", "^[a-z]"),
    ("^\\d{3}$", "^\\d+$"),
    ("^[A-Z]{2}-\\d+$", "^[A-Z]+-"),
    ("^(foo|bar)$", "^(foo|bar|baz)$"),
    ("^\\w+$", "\\w"),
    ("^[0-9]+$", "^\\d*$"),
    ("^a.c$", "^a"),
]
FORMAT_WIDENINGS = [
    ("uri", "uri-reference"),
    ("uri", "iri"),
    ("email", "idn-email"),
    ("iri", "iri-reference"),
]
VALUES: list[Any] = [None, True, False, 0, 1, -3, 2.5, "", "a", "abc", "2024-01-02", [], [1], {}, {"a": 1}]


# -- seeds ------------------------------------------------------------------------------------


def suite_seeds() -> list[Schema]:
    out: list[Schema] = []
    for path in sorted(SUITE.glob("*.json")):
        if path.name in ("refRemote.json", "vocabulary.json"):
            continue  # remote documents / custom metaschemas: refused by the registry anyway
        for group in json.loads(path.read_text(encoding="utf-8")):
            out.append(group["schema"])
    return out


def example_seeds() -> list[Schema]:
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "examples" / "schemas").glob("*.json"))
    ]


def declined(schema: Schema) -> bool:
    """Uses a construct the checker does not model by design (its answer is then "not proven")."""
    for node in iter_schemas(schema):
        sub = node.schema
        if isinstance(sub, dict):
            if any(k in sub for k in DECLINED) or (node.parent is not None and "$id" in sub):
                return True
            ref = sub.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return True
    return False


def self_contained(schema: Schema) -> bool:
    """Can be embedded in another schema unchanged (no references, anchors, ids or $defs)."""
    text = json.dumps(schema)
    return not any(
        k in text for k in ('"$ref"', '"$defs"', '"$id"', '"$anchor"', '"$dynamic', '"definitions"')
    )


# -- a small schema grammar with its own instance sampler -------------------------------------


def gen(rng: random.Random, depth: int = 0) -> Schema:
    kinds = ["string", "integer", "number", "boolean", "enum"]
    if depth < 2:
        kinds += ["object", "object", "array", "anyOf"]
    kind = rng.choice(kinds)
    if kind == "string":
        s: dict[str, Any] = {"type": "string"}
        if rng.random() < 0.4:
            s["minLength"] = rng.randint(0, 3)
        if rng.random() < 0.4:
            s["maxLength"] = rng.randint(3, 40)
        if rng.random() < 0.25:
            s["pattern"] = rng.choice(SUPERSET_PATTERNS)[0]
        elif rng.random() < 0.2:
            s["format"] = rng.choice(["uri", "email", "date", "uuid", "iri", "duration"])
        return s
    if kind in ("integer", "number"):
        s = {"type": kind}
        if rng.random() < 0.5:
            s["minimum" if rng.random() < 0.7 else "exclusiveMinimum"] = rng.randint(-10, 10)
        if rng.random() < 0.5:
            s["maximum" if rng.random() < 0.7 else "exclusiveMaximum"] = rng.randint(11, 1000)
        if kind == "integer" and rng.random() < 0.3:
            s["multipleOf"] = rng.choice([2, 4, 6, 10])
        return s
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "enum":
        return {"enum": rng.sample(["red", "green", "blue", 1, 2, None, True], rng.randint(1, 4))}
    if kind == "array":
        s = {"type": "array", "items": gen(rng, depth + 1)}
        if rng.random() < 0.4:
            s["maxItems"] = rng.randint(2, 10)
        if rng.random() < 0.3:
            s["minItems"] = rng.randint(0, 2)
        if rng.random() < 0.2:
            s["uniqueItems"] = True
        return s
    if kind == "anyOf":
        return {"anyOf": [gen(rng, depth + 1), gen(rng, depth + 1)]}
    props = {f"p{i}": gen(rng, depth + 1) for i in range(rng.randint(1, 5))}
    s = {"type": "object", "properties": props}
    names = list(props)
    if rng.random() < 0.6:
        s["required"] = rng.sample(names, rng.randint(1, len(names)))
    r = rng.random()
    if r < 0.35:
        s["additionalProperties"] = False
    elif r < 0.5:
        s["additionalProperties"] = gen(rng, 2)
    return s


def samples(schema: Schema, rng: random.Random, n: int = 12) -> list[Any]:
    """Candidate instances (not all valid): values built from the schema's own keywords."""
    out: list[Any] = []
    for _ in range(n):
        out.append(_sample(schema, rng, 0))
    return out + list(VALUES)


def _sample(s: Schema, rng: random.Random, depth: int) -> Any:
    if not isinstance(s, dict):
        return rng.choice(VALUES)
    if "enum" in s:
        return copy.deepcopy(rng.choice(s["enum"]))
    if "anyOf" in s:
        return _sample(rng.choice(s["anyOf"]), rng, depth)
    t = s.get("type")
    if isinstance(t, list):
        t = rng.choice(t)
    if t == "string":
        if "format" in s:
            return rng.choice(
                {"uri": ["https://a.example/x", "x:y"], "email": ["a@b.example"], "date": ["2024-02-29"],
                 "uuid": ["123e4567-e89b-12d3-a456-426614174000"], "iri": ["https://é.example/"],
                 "duration": ["P1D", "PT2H"], "iri-reference": ["/é"], "uri-reference": ["/a"],
                 "idn-email": ["δ@b.example"]}.get(s["format"], ["x"])
            )  # fmt: skip
        if "pattern" in s:
            return rng.choice(["abc", "abc1", "123", "AB-12", "foo", "bar", "baz", "a_b", "abc\n", "a.c"])
        lo = s.get("minLength", 0)
        hi = s.get("maxLength", lo + 6)
        return "x" * rng.randint(lo, max(lo, min(hi, lo + 8)))
    if t in ("integer", "number"):
        lo = s.get("minimum", s.get("exclusiveMinimum", -50))
        hi = s.get("maximum", s.get("exclusiveMaximum", 2000))
        v = rng.choice([lo, hi, lo + 1, hi - 1, (lo + hi) // 2, 0])
        step = s.get("multipleOf")
        if step:
            v = v - v % step
        return v + (0.5 if t == "number" and rng.random() < 0.3 else 0)
    if t == "boolean":
        return rng.random() < 0.5
    if t == "array":
        k = rng.randint(s.get("minItems", 0), min(s.get("maxItems", 4), 4))
        return [_sample(s.get("items", {}), rng, depth + 1) for _ in range(k)]
    if t == "object":
        props = s.get("properties", {})
        obj = {}
        for name, sub in props.items():
            if name in s.get("required", []) or rng.random() < 0.6:
                obj[name] = _sample(sub, rng, depth + 1)
        if rng.random() < 0.3:
            obj["extra"] = rng.choice(VALUES)
        return obj
    return rng.choice(VALUES)


# -- widenings (supersets by construction) and narrowings -------------------------------------

#: Assertion keywords no sibling depends on: dropping one widens the schema.
DROPPABLE = (
    "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems", "required",
    "additionalProperties", "enum", "type", "minProperties", "maxProperties",
)  # fmt: skip


def positive_nodes(s: Schema, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Subschemas in monotone positions (widening them widens the whole)."""
    if not isinstance(s, dict):
        return
    yield path, s
    for name, sub in s.get("properties", {}).items():
        yield from positive_nodes(sub, (*path, "properties", name))
    if isinstance(s.get("items"), dict):
        yield from positive_nodes(s["items"], (*path, "items"))
    if isinstance(s.get("additionalProperties"), dict):
        yield from positive_nodes(s["additionalProperties"], (*path, "additionalProperties"))
    for i, sub in enumerate(s.get("anyOf", [])):
        yield from positive_nodes(sub, (*path, "anyOf", i))


def _replace(root: Schema, path: tuple[Any, ...], new: Schema) -> Schema:
    if not path:
        return new
    out = copy.copy(root)
    out[path[0]] = _replace(root[path[0]], path[1:], new)
    return out


def widen_once(s: Schema, rng: random.Random) -> Schema:
    nodes = list(positive_nodes(s))
    path, node = rng.choice(nodes)
    node = copy.deepcopy(node)
    ops: list[Callable[[], bool]] = []

    def drop() -> bool:
        keys = [k for k in DROPPABLE if k in node]
        if not keys:
            return False
        del node[rng.choice(keys)]
        return True

    def relax() -> bool:
        for k, d in (("minLength", -1), ("maxLength", 5), ("minimum", -3), ("maximum", 7), ("minItems", -1),
                     ("maxItems", 3), ("exclusiveMinimum", -2), ("exclusiveMaximum", 4)):  # fmt: skip
            if k in node and rng.random() < 0.5:
                node[k] = max(0, node[k] + d) if k in ("minLength", "minItems") else node[k] + d
                return True
        if node.get("multipleOf") in (4, 6, 10):
            node["multipleOf"] = {4: 2, 6: 3, 10: 5}[node["multipleOf"]]
            return True
        return False

    def add_value() -> bool:
        if "enum" in node:
            node["enum"] = [*node["enum"], rng.choice(["violet", 99, "", [1]])]
            return True
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], rng.choice(["null", "boolean", "string"])]
            return True
        if node.get("type") == "integer" or node.get("type") == ["integer"]:
            node["type"] = "number"
            return True
        return False

    def fewer_required() -> bool:
        if node.get("required"):
            node["required"] = node["required"][1:]
            return True
        return False

    def wider_pattern() -> bool:
        for a, b in SUPERSET_PATTERNS:
            if node.get("pattern") == a:
                node["pattern"] = b
                return True
        for a, b in FORMAT_WIDENINGS:
            if node.get("format") == a:
                node["format"] = b
                return True
        return False

    ops = [drop, relax, add_value, fewer_required, wider_pattern]
    rng.shuffle(ops)
    for op in ops:
        if op():
            return _replace(s, path, node)
    return _replace(s, path, {"anyOf": [node, {"type": "null"}]})


def narrow_once(s: Schema, rng: random.Random) -> Schema:
    """A candidate narrowing (not necessarily strict: only certified pairs are kept)."""
    path, node = rng.choice(list(positive_nodes(s)))
    node = copy.deepcopy(node)
    t = node.get("type")
    choice = rng.random()
    if t == "string":
        node["maxLength" if choice < 0.5 else "minLength"] = 2 if choice < 0.5 else 5
    elif t in ("integer", "number"):
        node["maximum" if choice < 0.5 else "minimum"] = 5 if choice < 0.5 else 500
    elif t == "object":
        names = list(node.get("properties", {}))
        if choice < 0.5 and names:
            node["required"] = sorted(set(node.get("required", [])) | {rng.choice(names)})
        else:
            node["additionalProperties"] = False
    elif t == "array":
        node["maxItems"] = 1
    elif "enum" in node and len(node["enum"]) > 1:
        node["enum"] = node["enum"][1:]
    else:
        node = {"allOf": [node, {"not": {"type": "boolean"}}]}
    return _replace(s, path, node)


def _valid(schema: Schema, value: Any) -> bool:
    return validate_payload(schema, value) == []


def certificate(a: Schema, b: Schema, rng: random.Random) -> Any:
    for v in samples(a, rng, 30):
        if _valid(a, v) and not _valid(b, v):
            return v
    return None


# -- the corpus -------------------------------------------------------------------------------


def true_pairs(rng: random.Random) -> list[tuple[str, Schema, Schema]]:
    out: list[tuple[str, Schema, Schema]] = []
    seeds = suite_seeds() + example_seeds()
    generated = [gen(rng) for _ in range(160)]
    embeddable = [s for s in seeds + generated if self_contained(s)]
    for a in seeds + generated:
        if isinstance(a, dict):
            out.append(("reflexive (annotation added)", a, {**a, "$comment": "reviewed"}))
        for u in UNIVERSAL:
            out.append(("universal target", a, u))
    for a in embeddable:
        c = rng.choice(embeddable)
        out.append(("union (anyOf [A, C])", a, {"anyOf": [a, c]}))
        out.append(("union (anyOf [C, A])", a, {"anyOf": [c, a]}))
        y = rng.choice(embeddable)
        out.append(("allOf split (allOf [X, Y] -> X)", {"allOf": [a, y]}, a))
        out.append(("allOf split (allOf [X, Y] -> Y)", {"allOf": [y, a]}, a))
        out.append(("anyOf reordered and widened", {"anyOf": [a, y]}, {"anyOf": [y, c, a]}))
    for _ in range(150):
        pool = rng.sample(VALUES, rng.randint(2, 8))
        sub = rng.sample(pool, rng.randint(1, len(pool)))
        out.append(("enum subset", {"enum": sub}, {"enum": pool}))
        out.append(("const in enum", {"const": sub[0]}, {"enum": pool}))
        kinds = sorted({_kind(v) for v in sub})
        out.append(("enum inside its types", {"enum": sub}, {"type": kinds}))
    for _ in range(150):
        lo, hi = rng.randint(-100, 100), rng.randint(101, 5000)
        out.append(("numeric bounds widened", {"type": "integer", "minimum": lo, "maximum": hi},
                    {"type": "number", "minimum": lo - rng.randint(0, 5), "maximum": hi + rng.randint(0, 5)}))  # fmt: skip
        out.append(("numeric bounds widened", {"type": "integer", "exclusiveMinimum": lo},
                    {"type": "integer", "minimum": lo + 1}))  # fmt: skip
        out.append(("numeric bounds widened", {"type": "number", "exclusiveMaximum": hi},
                    {"type": "number", "maximum": hi}))  # fmt: skip
        step = rng.choice([2, 3, 5])
        out.append(("multipleOf by a divisor", {"type": "integer", "multipleOf": step * rng.randint(2, 7)},
                    {"type": "integer", "multipleOf": step}))  # fmt: skip
    for a in generated:
        b = a
        for _ in range(rng.randint(1, 4)):
            b = widen_once(b, rng)
        out.append(("widenings of generated schemas", a, b))
        for _ in range(rng.randint(4, 8)):
            b = widen_once(b, rng)
        out.append(("widenings of generated schemas (5-12 steps)", a, b))
    out += reasoning_pairs(rng)
    return out


def reasoning_pairs(rng: random.Random) -> list[tuple[str, Schema, Schema]]:
    """Inclusions that need reasoning, not structure: case splits, disjoint oneOf branches,
    conditionals, negations of disjoint schemas, closed objects, contains, implied lengths."""
    out: list[tuple[str, Schema, Schema]] = []
    for _ in range(40):
        n = rng.randint(1, 30)
        m = rng.randint(0, 10)
        t = rng.choice(["string", "integer", "boolean", "null", "array", "object"])
        other = rng.choice([x for x in ALL_TYPES if x != t and not (t == "integer" and x == "number")])
        out += [
            ("case split (anyOf over the old set)", {"type": "integer"},
             {"anyOf": [{"minimum": m}, {"maximum": m - 1}]}),
            ("case split (anyOf over the old set)", {"type": "integer", "minimum": 0},
             {"anyOf": [{"type": "integer", "maximum": n}, {"minimum": n}]}),
            ("case split (anyOf over the old set)", {"type": "string", "maxLength": n},
             {"anyOf": [{"maxLength": n // 2}, {"minLength": n // 2 + 1}]}),
            ("case split (anyOf over the old set)", {}, {"anyOf": [{"type": t}, {"not": {"type": t}}]}),
            ("case split (anyOf over the old set)", {"type": "integer", "multipleOf": 6},
             {"anyOf": [{"multipleOf": 2}, {"multipleOf": 3}]}),
            ("oneOf with a disjoint branch", {"type": t}, {"oneOf": [{"type": t}, {"type": other}]}),
            ("oneOf with a disjoint branch", {"type": "integer", "minimum": n},
             {"oneOf": [{"type": "integer", "minimum": n}, {"type": "integer", "maximum": n - 1}]}),
            ("oneOf with a disjoint branch",
             {"type": "object", "properties": {"kind": {"const": "a"}}, "required": ["kind"]},
             {"oneOf": [{"properties": {"kind": {"const": "a"}}, "required": ["kind"]},
                        {"properties": {"kind": {"const": "b"}}, "required": ["kind"]}]}),
            ("if/then/else around the old schema", {"type": "integer", "minimum": n},
             {"if": {"minimum": 100}, "then": {"type": "integer"}, "else": {"type": "integer", "minimum": n - m}}),
            ("if/then/else around the old schema", {"type": t}, {"if": {"type": other}, "then": False}),
            ("not of a disjoint schema", {"type": t}, {"not": {"type": other}}),
            ("not of a disjoint schema", {"type": "integer", "maximum": n}, {"not": {"minimum": n + 1 + m}}),
            ("not of a disjoint schema", {"enum": ["a", "b"]}, {"not": {"enum": ["c", 1]}}),
            ("closed object given a property", {"type": "object", "properties": {"a": {"type": "string"}},
                                                "additionalProperties": False},
             {"type": "object", "properties": {"a": {"type": "string"}, f"x{n}": {"type": "integer"}},
              "additionalProperties": False}),
            ("closed object given a property", {"type": "object", "properties": {"ab": {"type": "integer"}},
                                                "additionalProperties": False},
             {"type": "object", "patternProperties": {"^a": {"type": "number"}}, "additionalProperties": False}),
            ("required becomes dependentRequired", {"required": ["a", "b"]}, {"dependentRequired": {"a": ["b"]}}),
            ("contains implied by the items", {"type": "array", "items": {"type": "integer"}, "minItems": 1 + m},
             {"contains": {"type": "number"}, "minContains": 1}),
            ("contains implied by the items", {"type": "array", "prefixItems": [{"const": n}], "minItems": 1},
             {"contains": {"const": n}}),
            ("lengths implied by formats", {"type": "string", "format": "date"},
             {"type": "string", "minLength": 10, "maxLength": 10}),
            ("lengths implied by formats", {"type": "string", "format": "uuid"}, {"maxLength": 36 + m}),
            ("numbers that are equal", {"enum": [n, 2 * n]}, {"enum": [float(n), float(2 * n), "x"]}),
            ("numbers that are equal", {"type": "integer", "exclusiveMinimum": 0}, {"minimum": 1}),
            ("numbers that are equal", {"type": "number", "multipleOf": 0.5}, {"multipleOf": 0.25}),
            ("enum inside a pattern", {"enum": ["ab", "abc", "b1"]}, {"type": "string", "pattern": "^[a-z][a-z0-9]*$"}),
            ("const object inside its schema", {"const": {"id": n, "tags": ["x"]}},
             {"type": "object", "properties": {"id": {"type": "integer", "minimum": 0},
                                               "tags": {"type": "array", "items": {"type": "string"}}},
              "required": ["id"]}),
            ("recursive schema widened",
             {"$defs": {"node": {"type": "object", "properties": {"v": {"type": "integer"},
                                                                  "next": {"$ref": "#/$defs/node"}}}},
              "$ref": "#/$defs/node"},
             {"$defs": {"node": {"type": "object", "properties": {"v": {"type": "number"},
                                                                  "next": {"$ref": "#/$defs/node"}}}},
              "$ref": "#/$defs/node"}),
        ]  # fmt: skip
    # Patterns outside the automata's subset (word boundaries, lookaheads, backreferences): true
    # inclusions the checker answers "could not prove" (docs/compatibility.md), listed once each.
    out += [
        ("patterns outside the analysed subset", {"type": "string", "pattern": "^ab$"},
         {"type": "string", "pattern": "\\bab\\b"}),
        ("patterns outside the analysed subset", {"type": "string", "pattern": "^a+$"},
         {"type": "string", "pattern": "(?=a)"}),
        ("patterns outside the analysed subset", {"type": "string", "pattern": "^x$"},
         {"type": "string", "pattern": "^(x)\\1?$"}),
    ]  # fmt: skip
    return out


def false_pairs(rng: random.Random) -> list[tuple[str, Schema, Schema, Any]]:
    out: list[tuple[str, Schema, Schema, Any]] = []
    for _ in range(500):
        a = gen(rng)
        b = narrow_once(a, rng)
        w = certificate(a, b, rng)
        if w is not None:
            out.append(("narrowing of a generated schema", a, b, w))
    return out


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


def main() -> None:
    rng = random.Random(14)
    started = time.perf_counter()
    trues = true_pairs(rng)
    falses = false_pairs(rng)
    proved: Counter[str] = Counter()
    total: Counter[str] = Counter()
    declined_total = declined_proved = 0
    wrong_witness: list[str] = []
    misses: Counter[str] = Counter()
    miss_examples: dict[str, tuple[Any, Any, str]] = {}
    for family, a, b in trues:
        if declined(a) or declined(b):
            declined_total += 1
            declined_proved += compare(a, b).compatible
            continue
        for policy in ("strict", "lenient"):
            report = compare(a, b, policy)
            total[family] += 1
            if report.compatible:
                proved[family] += 1
                continue
            for c in report.breaking_changes:
                if c.has_witness:
                    wrong_witness.append(f"{family}: {json.dumps(a)[:80]} -> {json.dumps(b)[:80]}")
            why = report.breaking_changes[0].message if report.breaking_changes else "?"
            key = f"{family}: {why[:90]}"
            misses[key] += 1
            miss_examples.setdefault(key, (a, b, policy))
    unsound: list[str] = []
    with_witness = 0
    for family, a, b, w in falses:
        report = compare(a, b)
        if report.compatible:
            unsound.append(f"{family}: {json.dumps(a)} -> {json.dumps(b)} (certificate {json.dumps(w)})")
        elif any(c.has_witness for c in report.breaking_changes):
            with_witness += 1
    all_true, all_proved = sum(total.values()), sum(proved.values())
    print(f"TRUE pairs (A ⊆ B by construction), both policies: {all_true}")
    for family in sorted(total):
        share = 100 * proved[family] / total[family]
        print(f"  {family:<42} {proved[family]:>5}/{total[family]:<5} proved ({share:5.1f} %)")
    print(
        f"  recall: {all_proved}/{all_true} = {100 * all_proved / max(all_true, 1):.2f} % proved compatible"
    )
    print(f"  declined by design ($dynamicRef, embedded $id, remote $ref): {declined_total} pairs, "
          f"{declined_proved} proved")  # fmt: skip
    print(f"  TRUE pairs given a 'witness' (must be 0): {len(wrong_witness)}")
    print(f"FALSE pairs (certified by a payload): {len(falses)}")
    print(f"  unsound (said compatible; must be 0): {len(unsound)}")
    print(f"  breaking with a verified witness: {with_witness}/{len(falses)} "
          f"({100 * with_witness / max(len(falses), 1):.1f} %)")  # fmt: skip
    print(f"  corpus built and judged in {time.perf_counter() - started:.1f} s")
    for line in wrong_witness[:5] + unsound[:5]:
        print("  !!", line)
    for key, n in misses.most_common(12):
        a, b, policy = miss_examples[key]
        print(f"  miss ({n}) {key}\n      {policy}: {json.dumps(a)[:140]}\n      -> {json.dumps(b)[:140]}")


if __name__ == "__main__":
    main()
