"""The library never reaches for the network and does not need Django."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_engine_runs_with_the_network_blocked(monkeypatch):
    from candour.deidentify.engine import Deidentifier

    def refuse(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    engine = Deidentifier()
    result = engine.deidentify("Email amara.okafor@example.co.uk or visit www.example.org.uk.")
    assert "amara.okafor" not in result.text


def test_spacy_download_is_refused():
    import spacy.cli

    from candour.deidentify import offline

    offline.prepare()
    try:
        spacy.cli.download("en_core_web_lg")
    except offline.ModelDownloadRefusedError:
        return
    raise AssertionError("spaCy's downloader was not switched off")


def test_importable_without_django(tmp_path):
    code = (
        "import sys\n"
        "from candour.deidentify import Deidentifier, KnownEntity\n"
        "r = Deidentifier().deidentify('Faith Mensah, NHS 943 476 5919', "
        "[KnownEntity('Faith Mensah', 'child')])\n"
        "assert r.text == '[Child 1], NHS [NHS number 1]', r.text\n"
        "assert 'django' not in sys.modules, 'django was imported'\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
