"""No line gunicorn writes carries a client's IP address (issue 10, item 9; ADR 0016).

gunicorn answers malformed requests itself and logs "Invalid request from ip=…" for each;
this runs gunicorn on loopback with candour's configuration, sends it malformed requests
from a second loopback address, and reads everything it wrote.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from candour.config.gunicorn_logging import WITHHELD, withhold_addresses

CONF = Path(settings.BASE_DIR) / "candour" / "config" / "gunicorn_conf.py"
PEER = "127.0.0.7"  # the "client": any 127/8 address reaches loopback on Linux
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")

MALFORMED = [
    b"GARBAGE\r\n\r\n",  # invalid request line
    b"GET / HTTP/9.9\r\n\r\n",  # invalid HTTP version
    b"G\x01T / HTTP/1.1\r\n\r\n",  # invalid method
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n",  # request line too long (414)
    b"GET / HTTP/1.1\r\nBad Header\r\n\r\n",  # invalid header
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 9000 + b"\r\n\r\n",  # 431
    b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",  # bad chunk
    b"PROXY TCP4 198.51.100.1 10.0.0.1 5000 80\r\nGET / HTTP/1.1\r\n\r\n",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _send(port: int, payload: bytes) -> bytes:
    with socket.socket() as client:
        client.bind((PEER, 0))
        client.settimeout(5)
        client.connect(("127.0.0.1", port))
        client.sendall(payload)
        try:
            return client.recv(200)
        except OSError:
            return b""


@pytest.mark.slow
def test_gunicorn_logs_no_client_address_for_malformed_requests(tmp_path):
    (tmp_path / "tinyapp.py").write_text(
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n"
    )
    # candour's configuration as it is, without loading the de-identification model (which
    # has nothing to do with logging and takes seconds).
    (tmp_path / "conf.py").write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(CONF)!r}).items()"
        " if not k.startswith('__')})\n"
        "def post_worker_init(worker):\n    pass\n"
    )
    port = _free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(tmp_path / "conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--no-control-socket",
                "--log-level",
                "debug",  # everything gunicorn can say
                "--chdir",
                str(tmp_path),
                "tinyapp:application",
            ],
            stdout=stdout,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 30
            while not _answers(port):
                assert server.poll() is None, err.read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.05)
            answers = [_send(port, payload) for payload in MALFORMED]
            assert _send(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 200")
            deadline = time.monotonic() + 10
            while err.read_text().count("Invalid request") < 6:
                assert time.monotonic() < deadline, err.read_text()
                time.sleep(0.05)
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert all(answer.startswith(b"HTTP/1.1 4") for answer in answers[:6]), answers
    written = out.read_text() + err.read_text()
    assert "Invalid request from ip=" + WITHHELD in written  # gunicorn did complain
    assert PEER not in written
    assert "198.51.100.1" not in written
    assert IPV4.findall(written) == []
    assert "ip=127" not in written


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Invalid request from ip=203.0.113.9: bad", f"Invalid request from ip={WITHHELD}: bad"),
        ("ip=::1: bad", f"ip={WITHHELD}: bad"),
        ("from 2001:db8::8a2e:370:7334.", f"from {WITHHELD}."),
        (
            "Proxy request from '::ffff:10.0.0.1' not allowed",
            f"Proxy request from '{WITHHELD}' not allowed",
        ),
        ("Listening at: http://127.0.0.1:8000 (7)", f"Listening at: http://{WITHHELD}:8000 (7)"),
        ("('203.0.113.9', 40082)", f"('{WITHHELD}', 40082)"),
        ("fe80::1%eth0 closed", f"{WITHHELD} closed"),
        (
            "at 12:30:45, gunicorn 27.0.1 on Python 3.11.7",
            "at 12:30:45, gunicorn 27.0.1 on Python 3.11.7",
        ),
        ("cafe:babe deadbeef", "cafe:babe deadbeef"),
    ],
)
def test_addresses_are_withheld_and_nothing_else(line, expected):
    assert withhold_addresses(line) == expected
