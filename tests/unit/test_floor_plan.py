"""The whole ``platformxe`` package: no import circle, and no deferred import without a reason.

Both are what ``make lint`` runs (``tools/check_imports.py --reasons platformxe``). The circle
check is shown to find planted circles in ``test_compat_floors.py``; here it runs over every
subpackage, ``registry/`` included, and the reason check is shown to read comments right.
"""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_imports", REPO / "tools" / "check_imports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_whole_package_has_no_import_circle_and_every_deferred_import_says_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _checker().main(["--src", str(REPO / "provider"), "--reasons", "platformxe"]) == 0
    assert capsys.readouterr().out == ""


def test_the_storage_engine_and_its_migrations_are_one_way() -> None:
    # The engine applies the migrations; the migrations know the engine only as a type.
    graph = _checker().import_graph(REPO / "provider", ["platformxe.registry"])
    engine, migrations = "platformxe.registry.storage.engine", "platformxe.registry.storage.migrations"
    assert migrations in graph[engine]
    assert engine not in graph[migrations]


def test_a_deferred_import_without_a_reason_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "m.py").write_text(
        textwrap.dedent(
            """\
            def explained():
                # deferred: json is slow to load here
                import json
                import os

                from pkg import other
                return json, os, other

            def inline():
                import json  # deferred: only this path needs it
                return json

            def pragma_only():
                import json  # type: ignore[import-untyped]
                return json

            def after_code():
                x = 1
                import json
                return json, x
            """
        ),
        encoding="utf-8",
    )
    (pkg / "other.py").write_text("", encoding="utf-8")
    checker = _checker()
    found = {d.line: d.reason for d in checker.deferred_imports(tmp_path, ["pkg"])}
    # the comment above a run of imports (blank lines between import groups included) covers it
    assert found[3] == found[4] == found[6] == "deferred: json is slow to load here"
    assert found[10] == "deferred: only this path needs it"
    assert found[14] == ""  # a type-checker pragma is not a reason
    assert found[19] == ""
    assert checker.main(["--src", str(tmp_path), "pkg"]) == 0  # reasons are checked on request only
    assert checker.main(["--src", str(tmp_path), "--reasons", "pkg"]) == 1
    out = capsys.readouterr().out
    assert "m.py:14: deferred import of json without a reason" in out
    assert "m.py:19: deferred import of json without a reason" in out
    assert "m.py:3:" not in out and "m.py:10:" not in out


def test_the_checker_applies_in_place_exactly_the_keywords_of_the_one_table() -> None:
    # rules/walk.py's table says which keywords apply to the same instance; the compatibility
    # checker's applicator traversal follows those (all but `not`, which only ever applies to
    # instances the enclosing schema refuses) and no others.
    from platformxe.rules.compat.model import Doc
    from platformxe.rules.compat.traversal import inplace
    from platformxe.rules.walk import (
        DESCENDING_KEYWORDS,
        IN_PLACE_KEYWORDS,
        SCHEMA_LIST_KEYWORDS,
        SCHEMA_MAP_KEYWORDS,
    )

    def holding(keyword: str) -> dict[str, object]:
        sub = {"minimum": 1}
        if keyword in SCHEMA_LIST_KEYWORDS:
            return {keyword: [sub]}
        if keyword in SCHEMA_MAP_KEYWORDS:
            return {keyword: {"a": sub}}
        return {keyword: sub}

    followed = set()
    for keyword in IN_PLACE_KEYWORDS | DESCENDING_KEYWORDS:
        root = Doc("old", holding(keyword)).at("")
        assert root is not None
        if any(n.schema == {"minimum": 1} for n in inplace(root)):
            followed.add(keyword)
    assert followed == IN_PLACE_KEYWORDS - {"not"}
