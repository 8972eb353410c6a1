"""Fail if a view or API module queries models directly.

Reads go through ``selectors.py`` (which apply permissions and organisation scoping) and
writes through ``services.py`` (which audit), so views and API modules must not touch
``Model.objects`` or call ``get_object_or_404`` / ``get_list_or_404`` themselves.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "candour"
FORBIDDEN_CALLS = {"get_object_or_404", "get_list_or_404"}


def is_interface_module(path: Path) -> bool:
    return path.name in {"views.py", "api.py"} or path.parent.name in {"views", "api"}


def problems_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
            found.append(f"{path}:{node.lineno}: queries a model manager ('.{node.attr}')")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in FORBIDDEN_CALLS:
                found.append(f"{path}:{node.lineno}: calls {name}; use a selector")
    return found


def main(root: Path = ROOT) -> int:
    problems = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or not is_interface_module(path):
            continue
        problems.extend(problems_in(path))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} direct model access(es) in views or API modules.")
        return 1
    print("Views and API modules read through selectors and write through services.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
