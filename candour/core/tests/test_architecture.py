"""The app shape's rules (ADR 0013) are checked by scripts in `make boundaries`; these tests
show the checks hold on the tree and would catch a breach."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_tree_has_no_cycle_and_shares_no_private_name():
    assert _script("check_imports").main() == 0


def test_a_cycle_is_found_even_through_a_lazy_import():
    check = _script("check_imports")
    graph = {"a.selectors": {"a.services"}, "a.services": {"a.selectors"}, "a.views": {"a.x"}}
    graph["a.x"] = set()
    assert check.cycles(graph) == [["a.selectors", "a.services"]]
    lazy = ast.parse("def f():\n    from a import services\n")
    assert len(check.runtime_imports(lazy)) == 1
    typing_only = ast.parse("if TYPE_CHECKING:\n    from a import services\n")
    assert check.runtime_imports(typing_only) == []


def test_interfaces_read_through_selectors(tmp_path):
    lint = _script("lint_views")
    assert lint.main() == 0
    jobs = tmp_path / "app" / "jobs.py"
    jobs.parent.mkdir()
    jobs.write_text("def run(job):\n    return Report.objects.filter(pk=1)\n")
    command = tmp_path / "app" / "management" / "commands" / "tidy.py"
    command.parent.mkdir(parents=True)
    command.write_text("def handle():\n    Thing._default_manager.all()\n")
    assert lint.main(tmp_path) == 1
