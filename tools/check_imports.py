"""Find import cycles between the modules of a package, reading the source with ``ast`` only.

Usage: ``python tools/check_imports.py [--src DIR] [--reasons] PACKAGE [PACKAGE ...]``, for
example ``python tools/check_imports.py --src provider --reasons platformxe``. Exit status 1 (and
one line per finding) when modules inside the given packages import each other in a circle, or,
with ``--reasons``, when an import written inside a function carries no reason; 0 otherwise.

What counts as an import edge ``a -> b`` (both modules inside the checked packages):

- ``import b`` / ``from b import x`` / ``from pkg import b`` (a submodule named in a from-import)
  / relative imports, wherever they are written: at module level **and inside functions or
  methods alike**. A function-local import still ties the two modules together; it only moves
  the moment of the failure, so it is no way out of a circle.
- Imports under ``if TYPE_CHECKING:`` (or ``if typing.TYPE_CHECKING:``) do **not** count: they
  are never executed, they only name types for the type checker.
- Importing ``pkg.sub.mod`` also runs ``pkg/__init__.py`` and ``pkg/sub/__init__.py``, but those
  edges are not added: a package's ``__init__`` re-exporting its own submodules would otherwise
  make every package a circle. Edges *to* an ``__init__`` module named explicitly are kept.

A deferred (function-local) import must say why it is deferred: a comment on the import line
(``# type: ignore[…]`` and ``# noqa`` do not count) or on the line(s) right above it; a run of
consecutive import statements shares the comment above its first one. The reasons are read back
by ``bench/deferred_imports.py``, which measures what each deferred import saves.

Nothing is imported or executed, so the check is safe on code that would fail to import.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

__all__ = ["DeferredImport", "deferred_imports", "find_cycles", "import_graph", "main"]


def _modules(src: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` (dotted name -> file) found under ``src``."""
    root = src.joinpath(*package.split("."))
    if root.with_suffix(".py").is_file():
        return {package: root.with_suffix(".py")}
    out: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of the tree, skipping the bodies of ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)  # the else branch does run
            continue
        stack.extend(ast.iter_child_nodes(node))


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """The known modules one import statement loads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
        return {hit for name in names if (hit := _longest_known(name, known)) is not None}
    target = _absolute(module, is_package, node)
    found: set[str] = set()
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        if sub in known:
            found.add(sub)  # "from pkg import submodule"
        else:
            hit = _longest_known(target, known)
            if hit is not None:
                found.add(hit)
    return found


def _longest_known(name: str, known: set[str]) -> str | None:
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def import_graph(src: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    """Module -> the modules (inside ``packages``) it imports, as described in the module docstring."""
    files: dict[str, Path] = {}
    for package in packages:
        files.update(_modules(src, package))
    known = set(files)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as err:
            raise SystemExit(f"{path}:{err.lineno}: cannot parse: {err.msg}") from None
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _import_nodes(tree):
            edges |= _targets(module, is_package, node, known)
        edges.discard(module)
        graph[module] = edges
    return graph


class DeferredImport(NamedTuple):
    """One import statement written inside a function."""

    module: str  # the module holding the statement
    path: Path
    line: int
    loads: tuple[str, ...]  # dotted names the statement imports from (absolute)
    names: tuple[str, ...]  # for ``from X import a, b``: a, b (empty for ``import X``)
    reason: str  # the comment that says why it is deferred ("" when there is none)


_NOT_A_REASON = re.compile(r"^(type:\s*ignore(\[[^\]]*\])?|noqa(:[\sA-Z0-9,]*)?)\s*", re.IGNORECASE)


def _comment_text(line: str) -> str:
    """The reason in a line's ``#`` comment, without type-checker and linter pragmas."""
    if "#" not in line:
        return ""
    text = line.split("#", 1)[1].strip()
    while True:
        stripped = _NOT_A_REASON.sub("", text, count=1).lstrip("# ").strip()
        if stripped == text:
            return text
        text = stripped


def _reason(lines: list[str], node: ast.stmt, import_lines: set[int]) -> str:
    own = _comment_text(lines[node.lineno - 1]) or _comment_text(lines[(node.end_lineno or node.lineno) - 1])
    if own:
        return own
    at = node.lineno - 1  # 1-based number of the line just above the statement
    while at >= 1:
        if at in import_lines:
            at -= 1
        elif not lines[at - 1].strip() and at - 1 in import_lines:
            at -= 1  # a blank line between two import groups of one run
        else:
            break
    above: list[str] = []
    while at >= 1 and lines[at - 1].strip().startswith("#"):
        above.insert(0, lines[at - 1].strip().lstrip("#").strip())
        at -= 1
    return " ".join(above)


def deferred_imports(src: Path, packages: Iterable[str]) -> list[DeferredImport]:
    """Every import statement written inside a function of ``packages``, with its reason."""
    found: dict[tuple[str, int], DeferredImport] = {}
    for package in packages:
        for module, path in _modules(src, package).items():
            text = path.read_text(encoding="utf-8")
            lines = text.splitlines()
            tree = ast.parse(text, filename=str(path))
            is_package = path.name == "__init__.py"
            for fn in ast.walk(tree):
                if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                statements = list(_import_nodes(fn))
                import_lines = {
                    line for n in statements for line in range(n.lineno, (n.end_lineno or n.lineno) + 1)
                }
                for node in statements:
                    names: tuple[str, ...] = ()
                    if isinstance(node, ast.Import):
                        loads = tuple(a.name for a in node.names)
                    else:
                        loads = (_absolute(module, is_package, node),)
                        names = tuple(a.name for a in node.names)
                    found[(module, node.lineno)] = DeferredImport(
                        module, path, node.lineno, loads, names, _reason(lines, node, import_lines)
                    )
    return sorted(found.values(), key=lambda d: (d.module, d.line))


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (each a circle), sorted.

    Iterative Tarjan, so a large package cannot exhaust the interpreter's stack.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def _one_circle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete circle through the component's first module, for the message."""
    members = set(component)
    start = component[0]
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in parent:
                    parent[child] = node
                    nxt.append(child)
        frontier = nxt
    return component


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description="Report import cycles inside Python packages.")
    parser.add_argument("--src", default="provider", help="directory holding the top-level packages")
    parser.add_argument(
        "--reasons", action="store_true", help="also fail on a function-local import without a reason comment"
    )
    parser.add_argument("packages", nargs="+", help="dotted package roots, e.g. platformxe.rules")
    args = parser.parse_args(argv)
    graph = import_graph(Path(args.src), args.packages)
    cycles = find_cycles(graph)
    unexplained = (
        [d for d in deferred_imports(Path(args.src), args.packages) if not d.reason] if args.reasons else []
    )
    for d in unexplained:
        print(
            f"{d.path}:{d.line}: deferred import of {d.loads[0]} without a reason: import it at module "
            "level, or say in a comment why it is deferred (what it costs, per bench/deferred_imports.py)"
        )
    for component in cycles:
        circle = " -> ".join(_one_circle(graph, component))
        rest = (
            f" (the circle ties {len(component)} modules: {', '.join(component)})"
            if len(component) > 2
            else ""
        )
        print(f"import cycle: {circle}{rest}")
    if cycles:
        print(f"{len(cycles)} import cycle(s) in {', '.join(args.packages)}", file=sys.stderr)
    if unexplained:
        print(f"{len(unexplained)} deferred import(s) without a reason", file=sys.stderr)
    return 1 if cycles or unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
