"""Fail on import cycles between candour's modules and on private names used across modules
(ADR 0013).

Every import counts, including one inside a function (a lazy import that breaks a cycle at
start-up still ties the two modules together), except under ``if TYPE_CHECKING:``, which
only type checkers run. A private name is
one starting with an underscore: ``from candour.x import _helper`` or ``module._helper`` from
another module means the helper is shared and must get a public name where it belongs.
Tests are exempt from the private-name rule (they may poke at internals), not from cycles.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "candour"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement but those under ``if TYPE_CHECKING:``."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skipped
    ]


def resolve(node: ast.ImportFrom, current: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def build(modules: dict[str, Path]) -> tuple[dict[str, set[str]], list[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    private: list[str] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_test = "tests" in path.parts
        aliases: dict[str, str] = {}
        for node in runtime_imports(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in modules:
                        graph[name].add(alias.name)
                        aliases[alias.asname or alias.name] = alias.name
                continue
            target = resolve(node, name, path.name == "__init__.py")
            for alias in node.names:
                child = f"{target}.{alias.name}"
                if child in modules:  # `from package import module`
                    graph[name].add(child)
                    aliases[alias.asname or alias.name] = child
                elif target in modules:
                    graph[name].add(target)
                    if alias.name.startswith("_") and not is_test:
                        private.append(f"{path}:{node.lineno}: imports {target}.{alias.name}")
        if is_test:
            continue
        for each in ast.walk(tree):
            if (
                isinstance(each, ast.Attribute)
                and each.attr.startswith("_")
                and not each.attr.startswith("__")
                and isinstance(each.value, ast.Name)
                and each.value.id in aliases
                and aliases[each.value.id] != name
            ):
                private.append(f"{path}:{each.lineno}: uses {aliases[each.value.id]}.{each.attr}")
    return graph, private


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph[node]):
            if neighbour not in index:
                connect(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def main() -> int:
    modules = {
        module_name(path): path
        for path in sorted((ROOT / PACKAGE).rglob("*.py"))
        if "migrations" not in path.parts
    }
    graph, private = build(modules)
    # A package's __init__ importing its own submodules is how packages work, not a cycle.
    for name in graph:
        graph[name] = {
            other
            for other in graph[name]
            if not (modules[name].name == "__init__.py" and other.startswith(f"{name}."))
        }
    problems = [f"import cycle: {' -> '.join(component)}" for component in cycles(graph)]
    problems += [f"private name used across modules: {line}" for line in private]
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"No import cycles and no private names shared among {len(modules)} modules.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
