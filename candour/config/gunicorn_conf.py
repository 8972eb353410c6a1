"""gunicorn for production: access log lines carry method, path, status and time, no IP or UA."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
accesslog = "-"
access_log_format = '{"method":"%(m)s","path":"%(U)s","status":%(s)s,"ms":%(M)s}'
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker: object) -> None:
    """Load the de-identification model before the worker takes requests, so the first
    report a worker receives does not wait ~2 s for spaCy."""
    from candour.deidentify.engine import shared_engine

    shared_engine(())
