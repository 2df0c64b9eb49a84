"""The committed stubs are what ``make generate`` produces from proto/ today."""

from __future__ import annotations

from pathlib import Path

from platformxe.tfplugin.generate import PACKAGE_DIR, generate


def test_committed_stubs_are_up_to_date(tmp_path: Path):
    written = generate(out_dir=tmp_path)
    names = sorted(p.name for p in written)
    committed = sorted(p.name for p in PACKAGE_DIR.iterdir() if p.suffix in (".py", ".pyi"))
    assert names == committed, "stubs were added or removed: run `make generate` and commit"
    stale = [n for n in names if (tmp_path / n).read_bytes() != (PACKAGE_DIR / n).read_bytes()]
    assert not stale, f"stale generated stubs {stale}: run `make generate` and commit the result"


def test_grpc_stubs_import_our_messages_relatively(tmp_path: Path):
    generate(out_dir=tmp_path)
    text = (tmp_path / "tfplugin6_pb2_grpc.py").read_text()
    assert "from . import tfplugin6_pb2 as tfplugin6__pb2" in text
    assert "\nimport tfplugin6_pb2" not in text
