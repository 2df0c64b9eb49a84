"""The whole ``platformxe`` package has no import circle (the check ``make lint`` runs).

The circle check itself is shown to find planted circles in ``test_compat_floors.py``; here it
runs over every subpackage, ``registry/`` included, so a new circle anywhere fails a test too.
"""

from __future__ import annotations

import importlib.util
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


def test_the_whole_package_has_no_import_circle(capsys: pytest.CaptureFixture[str]) -> None:
    assert _checker().main(["--src", str(REPO / "provider"), "platformxe"]) == 0
    assert capsys.readouterr().out == ""


def test_the_storage_engine_and_its_migrations_are_one_way() -> None:
    # The engine applies the migrations; the migrations know the engine only as a type.
    graph = _checker().import_graph(REPO / "provider", ["platformxe.registry"])
    engine, migrations = "platformxe.registry.storage.engine", "platformxe.registry.storage.migrations"
    assert migrations in graph[engine]
    assert engine not in graph[migrations]
