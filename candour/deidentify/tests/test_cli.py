"""``manage.py deidentify``: JSON and text output, known names, and clear refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[3]
SECRET = "Kayden Walsh"


def _run(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = "candour.config.settings.test"
    return subprocess.run(
        [sys.executable, "manage.py", "deidentify", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=180,
        check=False,
    )


def test_json_output_from_a_file_with_known_names(tmp_path, capsys):
    source = tmp_path / "note.txt"
    source.write_text("Kayden Walsh lives at 27 Elm Grove. Kayden told Faith Mensah.", "utf-8")
    known = tmp_path / "known.txt"
    known.write_text("Kayden Walsh — child\n27 Elm Grove - address\n# a comment\n", "utf-8")
    call_command("deidentify", str(source), format="json", known=str(known))
    payload = json.loads(capsys.readouterr().out)
    assert payload["text"] == "[Child 1] lives at [Address 1]. [Child 1] told [Person 1]."
    first = payload["entities"][0]
    assert {"type", "start", "end", "replacement"} <= set(first)
    assert (first["type"], first["start"], first["end"], first["replacement"]) == (
        "PERSON",
        0,
        12,
        "[Child 1]",
    )


def test_text_output(tmp_path, capsys):
    source = tmp_path / "note.txt"
    source.write_text("Call Faith Mensah on 07911 123456.\n", "utf-8")
    call_command("deidentify", str(source))
    assert capsys.readouterr().out == "Call [Person 1] on [Phone 1].\n"


def test_case_reference_pattern_option(tmp_path, capsys):
    source = tmp_path / "note.txt"
    source.write_text("File WV1234567 was closed.", "utf-8")
    call_command("deidentify", str(source), case_reference_pattern=[r"\bWV\d{7}\b"])
    assert "WV1234567" not in capsys.readouterr().out


def test_bad_case_reference_pattern(tmp_path):
    source = tmp_path / "note.txt"
    source.write_text("text", "utf-8")
    with pytest.raises(CommandError, match="not a valid regular expression"):
        call_command("deidentify", str(source), case_reference_pattern=["(unclosed"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"Kayden Walsh \xff\xfe caf\xe9", "not valid UTF-8"),
        (b"\x7fELF\x02\x01\x00\x00" + b"Kayden Walsh" * 5, "binary"),
    ],
)
def test_bad_input_is_refused_without_echoing_it(tmp_path, data, message):
    source = tmp_path / "note.bin"
    source.write_bytes(data)
    with pytest.raises(CommandError, match=message) as caught:
        call_command("deidentify", str(source))
    assert SECRET not in str(caught.value)


def test_too_long_input_is_refused(tmp_path, settings):
    settings.CANDOUR_DEIDENTIFY_MAX_CHARS = 1000
    source = tmp_path / "long.txt"
    source.write_text("Kayden Walsh. " * 100, "utf-8")
    with pytest.raises(CommandError, match="maximum is 1,000"):
        call_command("deidentify", str(source))


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("deidentify", str(tmp_path / "nope.txt"))


def test_bad_known_file_line(tmp_path):
    source = tmp_path / "note.txt"
    source.write_text("Some text.", "utf-8")
    known = tmp_path / "known.txt"
    known.write_text("— child\n", "utf-8")
    with pytest.raises(CommandError, match="Line 1 of the known-names file"):
        call_command("deidentify", str(source), known=str(known))


@pytest.mark.slow
def test_standard_input_and_exit_codes_in_a_real_process():
    ok = _run("--format", "json", "-", stdin=f"{SECRET} was seen on 3rd March.".encode())
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["text"] == "[Person 1] was seen on March."
    assert SECRET.encode() not in ok.stderr  # nothing about the text reaches the log
    bad = _run("-", stdin=b"\xff\xfe" + SECRET.encode())
    assert bad.returncode != 0
    assert b"not valid UTF-8" in bad.stderr
    assert SECRET.encode() not in bad.stderr + bad.stdout
