"""Rebuild the committed protobuf/gRPC stubs from ``proto/*.proto`` (``make generate``).

The stubs are committed so that installing the provider needs no protoc. This module is a
developer tool: it needs ``grpcio-tools`` (a dev dependency) and a source checkout that has
the ``proto/`` directory. ``tests/unit/test_tfplugin_generate.py`` regenerates into a temporary
directory and fails when the committed stubs differ, so a .proto edit cannot be forgotten.

protoc writes ``import tfplugin6_pb2`` style absolute imports into the ``*_pb2_grpc.py``
files; they are rewritten to package-relative imports so the stubs live inside
``platformxe.tfplugin._generated`` without touching ``sys.path``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PROTO_FILES = ("tfplugin6.proto", "grpc_controller.proto", "grpc_stdio.proto", "health.proto")
PACKAGE_DIR = Path(__file__).resolve().parent / "_generated"
PROTO_DIR = Path(__file__).resolve().parents[3] / "proto"

_INIT_TEXT = '''"""Generated protobuf and gRPC stubs (``make generate``; do not edit by hand).

Only ``platformxe.tfplugin`` imports these modules.
"""
'''

# `import tfplugin6_pb2 as tfplugin6__pb2` -> `from . import tfplugin6_pb2 as tfplugin6__pb2`
_OWN_IMPORT = re.compile(r"^import (\w+_pb2) as (\w+)$", re.MULTILINE)


class GenerateError(RuntimeError):
    """protoc is missing or rejected a .proto file."""


def generate(out_dir: Path = PACKAGE_DIR, proto_dir: Path = PROTO_DIR) -> list[Path]:
    """Compile every file of :data:`PROTO_FILES` into ``out_dir`` and return the files written."""
    try:
        # deferred: grpcio-tools is a development dependency (pip install -e '.[dev]')
        import grpc_tools
        from grpc_tools import protoc
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise GenerateError("grpcio-tools is not installed: pip install -e '.[dev]'") from exc
    missing = [name for name in PROTO_FILES if not (proto_dir / name).is_file()]
    if missing:
        raise GenerateError(f"{proto_dir}: missing {', '.join(missing)} (run from a source checkout)")
    out_dir.mkdir(parents=True, exist_ok=True)
    well_known = Path(grpc_tools.__file__).resolve().parent / "_proto"
    args = [
        "grpc_tools.protoc",
        f"--proto_path={proto_dir}",
        f"--proto_path={well_known}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *PROTO_FILES,
    ]
    code = protoc.main(args)
    if code != 0:
        raise GenerateError(f"protoc failed with exit code {code}")
    written = [out_dir / "__init__.py"]
    written[0].write_text(_INIT_TEXT, encoding="utf-8")
    for path in sorted(out_dir.glob("*_pb2_grpc.py")):
        text = path.read_text(encoding="utf-8")
        path.write_text(_OWN_IMPORT.sub(r"from . import \1 as \2", text), encoding="utf-8")
    for pattern in ("*_pb2.py", "*_pb2.pyi", "*_pb2_grpc.py"):
        written.extend(sorted(out_dir.glob(pattern)))
    return written


def main() -> int:
    """Entry point of ``python -m platformxe.tfplugin.generate``."""
    try:
        files = generate()
    except GenerateError as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 1
    for path in files:
        print(f"generate: wrote {path.relative_to(PACKAGE_DIR.parents[3])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
