from pathlib import Path

from scripts import lint_views


def test_flags_direct_queries_in_views(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "views.py").write_text(
        "def show(request, pk):\n"
        "    thing = Thing.objects.get(pk=pk)\n"
        "    other = get_object_or_404(Thing, pk=pk)\n"
    )
    (app / "selectors.py").write_text("def get(pk):\n    return Thing.objects.get(pk=pk)\n")
    problems = lint_views.problems_in(app / "views.py")
    assert len(problems) == 2
    assert lint_views.main(tmp_path) == 1


def test_passes_on_the_project() -> None:
    assert lint_views.main() == 0
