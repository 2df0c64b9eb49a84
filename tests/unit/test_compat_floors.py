"""The floor plan of ``platformxe.rules``: no import circle, one keyword table, one loop detector.

``tools/check_imports.py`` is the import-cycle check run by ``make lint``; these tests show it
really finds a planted circle (module-level or function-local) and ignores ``TYPE_CHECKING``
imports, and that ``platformxe.rules`` has none.
"""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from platformxe.rules import walk
from platformxe.rules.refs import reference_problems

REPO = Path(__file__).resolve().parents[2]


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_imports", REPO / "tools" / "check_imports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_the_rules_package_has_no_import_circle(capsys: pytest.CaptureFixture[str]) -> None:
    assert _checker().main(["--src", str(REPO / "provider"), "platformxe.rules"]) == 0
    assert capsys.readouterr().out == ""


def test_a_planted_circle_through_a_function_local_import_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _package(
        tmp_path,
        {
            "__init__.py": "from pkg.a import A\n",
            "a.py": "from pkg.b import B\nA = 1\n",
            "b.py": "def later():\n    from pkg import c\n    return c\nB = 2\n",
            "c.py": "import pkg.a\n",
            "d.py": "from pkg.a import A\n",  # imports into the circle, not part of it
        },
    )
    assert _checker().main(["--src", str(src), "pkg"]) == 1
    out = capsys.readouterr().out
    assert "import cycle: pkg.a -> pkg.b -> pkg.c -> pkg.a" in out
    assert "pkg.d" not in out


def test_type_checking_imports_and_relative_imports_are_read_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _package(
        tmp_path,
        {
            "__init__.py": "",
            "low.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.high import H\n",
            "high.py": "from .low import *\nH = 1\n",
        },
    )
    checker = _checker()
    assert checker.main(["--src", str(src), "pkg"]) == 0  # the TYPE_CHECKING edge does not count
    assert checker.import_graph(src, ["pkg"])["pkg.high"] == {"pkg.low"}
    (src / "pkg" / "low.py").write_text("def f():\n    from . import high\n", encoding="utf-8")
    assert checker.main(["--src", str(src), "pkg"]) == 1
    assert "pkg.high -> pkg.low -> pkg.high" in capsys.readouterr().out


def test_every_applicator_has_one_role_and_one_shape() -> None:
    roles = [walk.IN_PLACE_KEYWORDS, walk.DESCENDING_KEYWORDS, walk.LOCATION_KEYWORDS]
    shapes = [walk.SCHEMA_VALUE_KEYWORDS, walk.SCHEMA_LIST_KEYWORDS, walk.SCHEMA_MAP_KEYWORDS]
    for group in (roles, shapes):
        assert sum(len(g) for g in group) == len(frozenset().union(*group))  # pairwise disjoint
    assert frozenset().union(*roles) == frozenset().union(*shapes)
    assert not walk.DATA_KEYWORDS & frozenset().union(*roles)


def test_the_loop_detector_groups_exactly_the_nodes_that_reach_each_other() -> None:
    edges = {"a": ["b"], "b": ["c", "d"], "c": ["a"], "d": ["d"], "e": ["a"]}
    comp = walk.loop_components(edges)
    assert comp["a"] == comp["b"] == comp["c"]
    assert len({comp["a"], comp["d"], comp["e"]}) == 3
    deep = {str(i): [str(i + 1)] for i in range(50_000)}  # no recursion limit on long chains
    assert len(set(walk.loop_components(deep).values())) == 50_001


def test_registration_and_compare_share_the_loop_detector() -> None:
    from platformxe.rules.compat import compare

    looping = {"$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"anyOf": [{"$ref": "#/$defs/a"}]}},
               "$ref": "#/$defs/a"}  # fmt: skip
    assert [p.pointer for p in reference_problems(looping)] == [
        "/$defs/a/allOf/0/$ref",
        "/$defs/b/anyOf/0/$ref",
    ]
    report = compare(looping, {})
    assert not report.compatible
    assert "refers to itself without descending into the payload" in report.changes[0].message
    descending = {"properties": {"next": {"$ref": "#"}}}
    assert reference_problems(descending) == []
    assert compare(descending, {}).compatible
