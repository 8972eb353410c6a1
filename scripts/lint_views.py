"""Fail if an interface module queries models directly (ADR 0013).

Interfaces are what the outside world or the clock calls: views, the JSON API, FHIR, outbox
jobs and management commands. Reads go through selectors (which apply permissions and
organisation scoping) and writes through services (which audit), so interfaces must not
touch ``Model.objects`` or call ``get_object_or_404`` / ``get_list_or_404`` themselves.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "candour"
FORBIDDEN_CALLS = {"get_object_or_404", "get_list_or_404"}


INTERFACE_FILES = {"views.py", "api.py", "fhir.py", "jobs.py"}
INTERFACE_FOLDERS = {"views", "api", "commands"}


def is_interface_module(path: Path) -> bool:
    return path.name in INTERFACE_FILES or path.parent.name in INTERFACE_FOLDERS


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
        if {"tests", "testapp"} & set(path.parts) or not is_interface_module(path):
            continue
        problems.extend(problems_in(path))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} direct model access(es) in interface modules.")
        return 1
    print("Views, APIs, FHIR, jobs and commands read through selectors and write through services.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
