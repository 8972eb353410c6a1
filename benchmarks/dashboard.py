"""The leaders' dashboard over 1,000,000 reports: page views rendered, p95 <= 300 ms (SQLite).

    .venv/bin/python benchmarks/dashboard.py [--reports 1000000] [--authorities 10]
        [--views 30] [--reuse PATH] [--keep] [--seed 7]

The reports are seeded exactly as ``benchmarks/learning_scale.py`` seeds them (its loader,
not a second one: closed reports received over the last three years, spread evenly over the
authorities, all sharing with the national programme), in a fresh SQLite database migrated
with the production settings; ``--reuse PATH`` measures a database either script kept with
``--keep``. Then, in this process with the app's own code, it renders
``views.dashboard.dashboard`` (the selectors, disclosure control, the charts and the
template) for a leader of the first authority and a national leader, ``--views`` times each
for this year and for last year, in shuffled order after one warm-up view each.

A table goes to stdout, then a last line of JSON (``views`` with ``p50_ms``, ``p95_ms`` per
leader and year, ``p95_ms`` overall, ``target_p95_ms``, ``pass``). Exit status 1 on FAIL.
No figure of any report is printed: only timings.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import learning_scale as seeded
from benchmarks._service import (
    close_db,
    free_port,
    migrate,
    production_env,
    setup_django,
)

TARGET_P95_MS = 300.0


def leaders(setup: seeded.Setup) -> dict[str, int]:
    from candour.accounts.models import Role, User

    found = {}
    for label, organisation_id in (
        ("authority", setup.authority_ids[0]),
        ("national", setup.national_id),
    ):
        user, _ = User.objects.get_or_create(
            email=f"leader@{label}.bench.example",
            defaults={
                "full_name": f"{label.title()} Leader",
                "organisation_id": organisation_id,
                "role": Role.LEADER,
            },
        )
        found[label] = user.pk
    return found


def render(user_id: int, year: int) -> float:
    """One dashboard page, as a signed-in, verified leader asks for it; milliseconds."""
    from importlib import import_module

    from django.conf import settings
    from django.test import RequestFactory

    from candour.accounts.models import User
    from candour.learning.views.dashboard import dashboard

    user = User.objects.select_related("organisation").get(pk=user_id)
    user.is_verified = lambda: True  # type: ignore[method-assign]  # the second factor, done
    request = RequestFactory().get("/dashboard", {"year": str(year)})
    request.user = user
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    started = time.perf_counter()
    response = dashboard(request)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"The dashboard answered {response.status_code}")
    return elapsed


def measure(users: dict[str, int], views: int, seed: int) -> dict[str, list[float]]:
    this_year = date.today().year
    plan = [
        (label, year)
        for label in users
        for year in (this_year, this_year - 1)
        for _ in range(views)
    ]
    random.Random(seed).shuffle(plan)
    for label in users:
        render(users[label], this_year)  # warm-up: templates, statements, caches
    timings: dict[str, list[float]] = {}
    for label, year in plan:
        timings.setdefault(f"{label} {year}", []).append(render(users[label], year))
    return timings


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--authorities", type=int, default=10)
    parser.add_argument("--views", type=int, default=30, help="page views per leader and year")
    parser.add_argument("--reuse", help="a SQLite file kept with --keep (by either script)")
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="candour-dashboard-bench-"))
    path = Path(args.reuse).resolve() if args.reuse else workdir / "dashboard.sqlite3"
    env = production_env(f"sqlite:///{path}", free_port(), 1)
    try:
        if args.reuse:
            setup_django(env)
            setup = seeded.find_setup()
        else:
            seeded.progress("Migrating a fresh SQLite database (production settings)...")
            with (workdir / "migrate.log").open("wb") as log:
                migrate(env, log)
            setup_django(env)
            setup = seeded.create_organisations(args.authorities)
            seeded.progress(f"Loading {args.reports:,} reports...")
            seeding = seeded.seed_reports(setup, args.reports, args.seed)
            seeded.progress(f"Loaded in {seeding.seconds:.0f} s.")
        users = leaders(setup)
        seeded.progress(f"Rendering the dashboard {args.views} times per leader and year...")
        timings = measure(users, args.views, args.seed)
        close_db()
    finally:
        if args.keep and not args.reuse:
            seeded.progress(f"Kept {path} (reuse it with --reuse).")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    summary = summarise(timings, args)
    print_table(summary)
    print(json.dumps(summary))
    return 0 if summary["pass"] else 1


def summarise(timings: dict[str, list[float]], args: argparse.Namespace) -> dict[str, Any]:
    every = [ms for values in timings.values() for ms in values]
    p95 = round(seeded.percentile(every, 0.95), 1)
    return {
        "database": "sqlite",
        "reports": args.reports,
        "authorities": args.authorities,
        "views": {
            key: {
                "n": len(values),
                "p50_ms": round(seeded.percentile(values, 0.5), 1),
                "p95_ms": round(seeded.percentile(values, 0.95), 1),
                "max_ms": round(max(values), 1),
            }
            for key, values in sorted(timings.items())
        },
        "p95_ms": p95,
        "target_p95_ms": TARGET_P95_MS,
        "pass": p95 <= TARGET_P95_MS,
    }


def print_table(summary: dict[str, Any]) -> None:
    print(
        f"leaders' dashboard: sqlite, {summary['reports']:,} reports,"
        f" {summary['authorities']} authorities"
    )
    print(f"{'leader and year':<24}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for key, row in summary["views"].items():
        print(f"{key:<24}{row['n']:>5}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['max_ms']:>9}")
    verdict = "PASS" if summary["pass"] else "FAIL"
    print(f"p95, every view: {summary['p95_ms']} ms <= {summary['target_p95_ms']} ms {verdict}")


if __name__ == "__main__":
    raise SystemExit(main())
