import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from candour.learning.method.synthetic import corpus


@pytest.fixture
def reports_csv(tmp_path: Path) -> Path:
    texts, themes = corpus()
    path = tmp_path / "reports.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "narrative", "theme"])
        for i, text in enumerate(texts):
            writer.writerow([f"R{i:03d}", text, themes[i]])
    return path


def run(name: str, path: Path, *extra: str) -> tuple[object, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        name,
        "--csv",
        str(path),
        "--id-column",
        "ref",
        "--text-column",
        "narrative",
        *extra,
        stdout=out,
        stderr=err,
    )
    return json.loads(out.getvalue()), err.getvalue()


def test_error_traps_prints_clusters_and_assignments(reports_csv):
    payload, err = run("error_traps", reports_csv, "--k", "3", "--format", "json")
    assert set(payload) == {"clusters", "assignments"}
    ids = {f"R{i:03d}" for i in range(36)}
    assert set(payload["assignments"]) == ids
    assert len(payload["clusters"]) == 3
    members: list[str] = []
    for cluster in payload["clusters"]:
        assert set(cluster) == {"id", "size", "terms", "members"}
        assert cluster["size"] == len(cluster["members"]) == 12
        assert all(isinstance(term, str) for term in cluster["terms"])
        assert all(payload["assignments"][m] == cluster["id"] for m in cluster["members"])
        members += cluster["members"]
    assert sorted(members) == sorted(ids)
    assert "Read 36 rows in all." in err
    assert "carer" not in err  # progress names counts, never report text


def test_error_traps_chooses_k_itself(reports_csv):
    payload, _ = run("error_traps", reports_csv)
    assert len(payload["clusters"]) == 4  # round(sqrt(36 / 2))


def test_similar_reports_prints_ten_ids_best_first(reports_csv):
    payload, err = run("similar_reports", reports_csv, "--top", "10", "--format", "json")
    assert len(payload) == 36
    for report_id, similar in payload.items():
        assert len(similar) == 10
        assert report_id not in similar
        assert all(isinstance(other, str) for other in similar)
    assert "Compared 36 of 36 reports." in err


def test_similar_reports_with_codes(reports_csv):
    payload, _ = run("similar_reports", reports_csv, "--codes-column", "theme", "--top", "3")
    assert all(len(similar) == 3 for similar in payload.values())


@pytest.mark.parametrize("name", ["error_traps", "similar_reports"])
def test_a_missing_column_is_a_command_error(name, reports_csv):
    with pytest.raises(CommandError, match="no column 'story'"):
        call_command(
            name, "--csv", str(reports_csv), "--id-column", "ref", "--text-column", "story"
        )


@pytest.mark.parametrize("name", ["error_traps", "similar_reports"])
def test_only_json_is_a_format(name, reports_csv):
    with pytest.raises(CommandError, match="the only format is json"):
        run(name, reports_csv, "--format", "csv")


@pytest.mark.parametrize("content", [b"", b"ref,narrative\n", b"ref,narrative\nR1,caf\xe9 \xff\n"])
def test_a_bad_file_is_a_command_error(tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError):
        run("similar_reports", path)


def test_a_file_that_is_not_there_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no file"):
        run("error_traps", tmp_path / "missing.csv")


def test_bad_numbers_are_command_errors(reports_csv):
    with pytest.raises(CommandError, match="--k must be at least 1"):
        run("error_traps", reports_csv, "--k", "0")
    with pytest.raises(CommandError, match="--top must be at least 1"):
        run("similar_reports", reports_csv, "--top", "0")
