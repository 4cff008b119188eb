"""Architecture checks that ruff and import-linter's contracts do not make: no import cycle between
xlplugin's modules (function-level imports count too), and no module longer than MAX_LINES.

``python -m tools.architecture`` prints what is wrong and exits 1; ``make lint`` runs it."""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

MAX_LINES = 500
PACKAGE = Path(__file__).resolve().parent.parent / "xlplugin"
#: modules that exist only so that files already handed out keep importing them
COMPATIBILITY = {"xlplugin.excel", "xlplugin.lite", "xlplugin.cli", "xlplugin.__main__"}


def import_cycles(package: str = "xlplugin") -> list[list[str]]:
    """Every strongly connected set of two or more modules (each is a cycle), sorted."""
    graph = grimp.build_graph(package)
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in edges[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(1000, 10 * len(modules)))
    for module in modules:
        if module not in index:
            visit(module)
    return sorted(found)


def long_modules(root: Path = PACKAGE, limit: int = MAX_LINES) -> list[tuple[str, int]]:
    """(path, lines) of every module over ``limit`` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append((str(path.relative_to(root.parent)), lines))
    return found


def main() -> int:
    problems = [f"import cycle: {' ↔ '.join(cycle)}" for cycle in import_cycles()]
    problems += [f"{path}: {lines} lines (at most {MAX_LINES})" for path, lines in long_modules()]
    for problem in problems:
        print(problem)
    if not problems:
        print("architecture: no import cycle, no module over 500 lines")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
