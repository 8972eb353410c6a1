"""gunicorn for production: access log lines carry method, path, status and time, and no line
gunicorn writes (access or error log) carries a client's IP address or user agent
(``candour.config.gunicorn_logging``, ADR 0016)."""

import os
import sys
from pathlib import Path

# gunicorn reads this file before it imports the application, from whatever directory it was
# started in: make the candour package importable for the logger class.
_BASE_DIR = str(Path(__file__).resolve().parents[2])
if _BASE_DIR not in sys.path:
    sys.path.insert(0, _BASE_DIR)

from candour.config.gunicorn_logging import PrivateLogger  # noqa: E402

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
accesslog = "-"
access_log_format = '{"method":"%(m)s","path":"%(U)s","status":%(s)s,"ms":%(M)s}'
errorlog = "-"
logger_class = PrivateLogger
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Requests gunicorn refuses before Django runs: a request line over 4094 bytes (414), more
# than 100 headers or one over 8190 bytes (431). The worker answers those (and requests it
# cannot parse, 400) as an OperationOutcome under /fhir/ and problem+json under /api/ (ADR 0017).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
worker_class = "candour.config.gunicorn_worker.Worker"


def post_worker_init(worker: object) -> None:
    """Load the de-identification model before the worker takes requests, so the first
    report a worker receives does not wait ~2 s for spaCy."""
    from candour.deidentify.engine import shared_engine

    shared_engine(())
