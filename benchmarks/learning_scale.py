"""Learning at national scale: search, error-trap discovery and suggestions over 1,000,000
released reports.

    .venv/bin/python benchmarks/learning_scale.py [--reports 1000000] [--authorities 10]
        [--database-url postgres://postgres@127.0.0.1:5432/candour_bench_scale] [--keep]
        [--reuse PATH_OR_URL] [--queries 20] [--seed 7]

One run makes a fresh database (a SQLite file in a temporary directory, or with
``--database-url`` a PostgreSQL database the script creates and drops), migrates it with the
production settings and throwaway secrets, and loads ``--reports`` synthetic released reports
(``benchmarks/_learning_corpus.py``: de-identified near-miss accounts of 5-15 sentences,
about 60 % coded) spread evenly over ``--authorities`` local authorities, all sharing with
the national programme, released over the last three years. Rows are written in bulk
(executemany on SQLite, COPY on PostgreSQL) as the services would write them: a closed,
shredded ``Report`` with its released answers, a ``Coding`` for coded reports, and the
search copy ``IndexedReport`` with its body and codes exactly as ``services.index`` builds
them; the full-text index is then filled in one statement (``INSERT INTO learning_fts ...
SELECT`` on SQLite; ``to_tsvector`` per row and the GIN index built afterwards, then
``VACUUM ANALYZE`` as autovacuum would, on PostgreSQL). Keys are random 63-bit integers, as
the app's are, so no authority's reports sit together on disk.

It then measures, with the app's own code in this process (Django set up with the production
settings):

1. **Discovery** (``services.discovery.run_discovery``) for one authority's reports, in a
   child process, for its wall time (with the time spent in each step) and peak resident
   memory (the child's VmHWM). Targets: <= 120 s, <= 2 GB.
2. **Search page views**, as ``views.search.search`` does them short of rendering: the search
   form (which parses the query with ``learning.query``), ``selectors.search.search``, the
   page of 20 with its count (``core.pagination.paginate``), the snippets of that page and,
   for national analysts, the authority labels. Eleven kinds of typical query (one word, two
   words, a phrase, a word with a kind, service area, harm, SCIE pattern or year, filters
   only, ``a OR b -c``, and a word with an authority filter for the national analyst or an
   error-trap filter for the authority's), ``--queries`` of each for a national analyst
   (every report) and an analyst of the authority discovery ran for, in shuffled order, after
   a short warm-up. Words are drawn from the corpus's vocabulary (words in 0.1 %-20 % of
   reports), each query different. Target: p95 <= 150 ms over all page views.
3. **Suggestion** (``services.suggestions.suggest_traps``) of newly released reports to the
   authority's confirmed traps (the ten largest of discovery's candidates are confirmed
   first through ``services.traps.confirm``): the first call in the process (cold: reads the
   stored space) and the median and p95 of the next ``--new-reports``. Target: <= 50 ms.

Progress goes to stderr; a table with PASS/FAIL against each target, then a last line of
JSON with every figure and the targets, go to stdout. Exit status 1 when a target fails.
No report text reaches the output: queries are shown by kind only.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import _learning_corpus as synthetic  # noqa: E402
from benchmarks._service import (  # noqa: E402
    close_db,
    free_port,
    migrate,
    production_env,
    setup_django,
)
from benchmarks.flags import PostgresDatabase  # noqa: E402

TARGET_SEARCH_P95_MS = 150.0
TARGET_DISCOVERY_S = 120.0
TARGET_DISCOVERY_MB = 2048.0
TARGET_SUGGEST_MS = 50.0

ODS_PREFIX = "XLS"  # fictitious ODS codes (X is unused by NHS England)
RELEASE_DAYS = 3 * 365  # released over the last three years
BATCH = 10_000  # rows generated and written at a time
COMMIT_EVERY = 100_000
CONFIRMED_TRAPS = 10
WARM_UP_VIEWS = 5
QUERY_SAMPLE = 5_000  # generated reports whose words the queries are drawn from
QUERY_DF = (0.001, 0.2)  # share of reports a query word is in
REFERENCE_ALPHABET = "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" if c not in "0O1I")
GIN_INDEX = "learning_indexedreport_vector_gin"
FACETS_GIN_INDEX = "learning_indexedreport_facets_gin"


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# --------------------------------------------------------------------------------------------
# Synthetic rows


def reference_for(index: int, seed: int) -> str:
    """A report reference in the app's shape (R-XXXX-XXXX), distinct for every index: an
    affine bijection on 40 bits, so a million of them never collide."""
    x = (index * 0x9E3779B97 + seed * 0x5DEECE66D) & ((1 << 40) - 1)
    chars = [REFERENCE_ALPHABET[(x >> (5 * i)) & 31] for i in range(8)]
    return f"R-{''.join(chars[:4])}-{''.join(chars[4:])}"


def distinct_keys(rng: random.Random, count: int) -> list[int]:
    """``count`` distinct random 63-bit keys, ascending: written in this order the inserts
    append, yet which authority or date a key has is random, as in the app."""
    keys: set[int] = set()
    while len(keys) < count:
        keys.add(rng.getrandbits(63) or 1)
    return sorted(keys)


@dataclass(frozen=True)
class Rows:
    report: tuple[Any, ...]
    coding: tuple[Any, ...] | None
    indexed: tuple[Any, ...]


class RowMaker:
    """Database rows of a released report, in the column order of each model's table, with
    every field the models have (a field this script does not know gets its default)."""

    def __init__(self, vendor: str, analyst_reference: str) -> None:
        from candour.learning.models.search import IndexedReport
        from candour.reporting.models import Coding, Report

        self.vendor = vendor
        self.analyst_reference = analyst_reference
        self.report_fields = _fields(Report)
        self.coding_fields = _fields(Coding)
        self.indexed_fields = _fields(IndexedReport)

    def columns(self, which: str) -> list[str]:
        return [f.column for f in getattr(self, f"{which}_fields")]

    def _row(self, fields: Sequence[Any], values: dict[str, Any]) -> tuple[Any, ...]:
        out = []
        for f in fields:
            if f.attname in values:
                value = values[f.attname]
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            else:
                raise SystemExit(f"No value for {f.model.__name__}.{f.name}: update the script.")
            out.append(self._prep(f, value))
        return tuple(out)

    def _prep(self, f: Any, value: Any) -> Any:
        from django.db import models

        if value is None:
            return None
        if isinstance(f, models.JSONField):
            return json.dumps(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool) and self.vendor == "sqlite":
            return int(value)
        return value

    def rows(
        self,
        *,
        key: int,
        position: int,
        reference: str,
        organisation_id: int,
        report: synthetic.Synthetic,
        released_on: date,
        occurred: date,
        today: date,
    ) -> Rows:
        from candour.learning import facets
        from candour.reporting.models import Status
        from candour.reporting.vocabulary import NARRATIVE_KEYS

        closed = min(today, released_on + timedelta(days=7 + key % 53))
        received = min(released_on, occurred + timedelta(days=key % 11))
        report_row = self._row(
            self.report_fields,
            {
                "id": key,
                "reference": reference,
                "organisation_id": organisation_id,
                # Closed and shredded: what is measured reads only the released answers.
                "status": Status.CLOSED,
                "received_on": received,
                "kind": report.kind,
                "service_area": report.service_area,
                "occurred_month": occurred.month,
                "occurred_year": occurred.year,
                "harm": report.harm,
                "harm_physical": False,
                "harm_psychological": False,
                "reporter_role": "social_worker",
                "consent_to_publish": False,
                "confidentiality": "anonymous",
                "receipt_hash": f"{key:064x}",
                "receipt_active": False,
                "idempotency_key": None,
                "released": report.released,
                "released_on": released_on,
                "closed_on": closed,
                "shredded_on": closed,
            },
        )
        coding_row = None
        synopsis = ""
        codes = ""
        harm = report.harm
        detection = ""
        if report.coded:
            coding_row = self._row(
                self.coding_fields,
                {
                    "report_id": key,
                    "scie_patterns": list(report.scie),
                    "london_factors": list(report.london),
                    "detection": report.detection,
                    "mitigation": "",
                    "harm": report.coded_harm,
                    "synopsis": report.synopsis,
                    "coded_by_ref": self.analyst_reference,
                    "coded_on": closed,
                },
            )
            # As services.index builds them: the synopsis first, codes as spaced tokens.
            synopsis = report.synopsis
            tokens = [f"scie:{v}" for v in report.scie] + [f"london:{v}" for v in report.london]
            codes = " " + " ".join(tokens) + " " if tokens else ""
            harm = report.coded_harm
            detection = report.detection
        parts = [report.released[k] for k in NARRATIVE_KEYS if report.released.get(k)]
        body = "\n\n".join([synopsis, *parts] if synopsis else parts)
        indexed_row = self._row(
            self.indexed_fields,
            {
                "report_id": key,
                "position": position,
                "organisation_id": organisation_id,
                "reference": reference,
                "body": body,
                "synopsis": synopsis,
                "kind": report.kind,
                "service_area": report.service_area,
                "harm": harm,
                "detection": detection,
                "codes": codes,
                "occurred": occurred.year * 100 + occurred.month,
                "released_on": released_on,
                "facets": facets.report_words(
                    organisation_id=organisation_id,
                    kind=report.kind,
                    service_area=report.service_area,
                    harm=harm,
                    detection=detection,
                    scie_patterns=report.scie if report.coded else (),
                    london_factors=report.london if report.coded else (),
                    year=occurred.year,
                ),
                "vector": None,  # PostgreSQL: to_tsvector after loading
                "facet_vector": None,
            },
        )
        return Rows(report_row, coding_row, indexed_row)


def _fields(model: Any) -> list[Any]:
    from django.db import models

    return [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]


# --------------------------------------------------------------------------------------------
# The organisations, users and reports


@dataclass(frozen=True)
class Setup:
    authority_ids: list[int]
    national_id: int
    analyst_id: int  # an analyst of the first authority
    national_analyst_id: int


def create_organisations(authorities: int) -> Setup:
    from candour.accounts.models import Organisation, OrganisationKind, Role, User
    from candour.learning.models.search import Sharing
    from candour.learning.vocabulary import Region

    today = date.today()
    regions = [value for value, _ in Region.choices]
    ids = []
    for i in range(authorities):
        org = Organisation.objects.create(
            name=f"Benchmark Authority {i + 1:02d} Children's Services",
            kind=OrganisationKind.LOCAL_AUTHORITY,
            ods_code=f"{ODS_PREFIX}{i + 1:02d}",
        )
        Sharing.objects.create(
            organisation=org,
            share_nationally=True,
            region=regions[i % len(regions)],
            name_shown=i % 2 == 0,
            changed_on=today,
        )
        ids.append(org.pk)
    national = Organisation.objects.create(
        name="Benchmark National Programme", kind=OrganisationKind.NATIONAL_PROGRAMME
    )
    analyst = User.objects.create_user(
        email="analyst@authority-01.bench.example",
        full_name="Authority Analyst",
        organisation_id=ids[0],
        role=Role.ANALYST,
    )
    national_analyst = User.objects.create_user(
        email="analyst@national.bench.example",
        full_name="National Analyst",
        organisation=national,
        role=Role.ANALYST,
    )
    return Setup(ids, national.pk, analyst.pk, national_analyst.pk)


def find_setup() -> Setup:
    """The organisations and users of a database this script seeded (for --reuse)."""
    from candour.accounts.models import Organisation, OrganisationKind, User

    ids = list(
        Organisation.objects.filter(ods_code__startswith=ODS_PREFIX)
        .order_by("ods_code")
        .values_list("pk", flat=True)
    )
    national = Organisation.objects.get(
        kind=OrganisationKind.NATIONAL_PROGRAMME, name="Benchmark National Programme"
    )
    analyst = User.objects.get(email="analyst@authority-01.bench.example")
    national_analyst = User.objects.get(email="analyst@national.bench.example")
    if not ids:
        raise SystemExit("The database to reuse was not seeded by this script.")
    return Setup(ids, national.pk, analyst.pk, national_analyst.pk)


@dataclass
class Seeding:
    reports: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


class Writer:
    """Bulk writes for one vendor: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, maker: RowMaker) -> None:
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor
        self.maker = maker
        self.tables = {
            "report": "reporting_report",
            "coding": "reporting_coding",
            "indexed": "learning_indexedreport",
        }

    def begin(self) -> None:
        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                # This connection only: a big page cache and no fsync while loading.
                cursor.execute("PRAGMA cache_size = -1000000")
                cursor.execute("PRAGMA synchronous = OFF")
            else:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
                cursor.execute(f"DROP INDEX IF EXISTS {FACETS_GIN_INDEX}")
                cursor.execute("CREATE TEMPORARY TABLE bench_indexed (LIKE learning_indexedreport)")

    def write(self, batch: Sequence[Rows]) -> None:
        coded = [r.coding for r in batch if r.coding is not None]
        if self.vendor == "sqlite":
            raw = self.connection.connection
            for which, rows in (
                ("report", [r.report for r in batch]),
                ("coding", coded),
                ("indexed", [r.indexed for r in batch]),
            ):
                columns = self.maker.columns(which)
                raw.executemany(
                    f"INSERT INTO {self.tables[which]} ({', '.join(columns)})"  # noqa: S608
                    f" VALUES ({', '.join('?' * len(columns))})",
                    rows,
                )
            return
        with self.connection.cursor() as wrapper:
            cursor = wrapper.cursor
            for which, rows, table in (
                ("report", [r.report for r in batch], self.tables["report"]),
                ("coding", coded, self.tables["coding"]),
                ("indexed", [r.indexed for r in batch], "bench_indexed"),
            ):
                columns = self.maker.columns(which)
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            # The vectors as services.index writes them: SearchVector("body", config="english"),
            # SearchVector("facets", config="simple").
            columns = self.maker.columns("indexed")
            vectors = {
                "vector": "to_tsvector('english'::regconfig, COALESCE(body, ''))",
                "facet_vector": "to_tsvector('simple'::regconfig, COALESCE(facets, ''))",
            }
            select = ", ".join(vectors.get(c, c) for c in columns)
            cursor.execute(
                f"INSERT INTO learning_indexedreport ({', '.join(columns)})"  # noqa: S608
                f" SELECT {select} FROM bench_indexed"
            )
            cursor.execute("TRUNCATE bench_indexed")

    def commit(self) -> None:
        self.connection.connection.commit()

    def finish(self, seeding: Seeding) -> None:
        """Fill the full-text index as the migration made it, then tidy as production would."""
        from candour.learning.services.index import POSITION_SEQUENCE

        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                started = time.perf_counter()
                progress("Filling the FTS5 table learning_fts...")
                cursor.execute(
                    "INSERT INTO learning_fts (rowid, body, scope)"
                    " SELECT position, body, facets FROM learning_indexedreport"
                )
                self.commit()
                seeding.phases["full-text index"] = time.perf_counter() - started
                started = time.perf_counter()
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                seeding.phases["checkpoint"] = time.perf_counter() - started
            else:
                started = time.perf_counter()
                progress("Building the GIN index on learning_indexedreport.vector...")
                cursor.execute(
                    f"CREATE INDEX {GIN_INDEX} ON learning_indexedreport USING gin (vector)"
                )
                cursor.execute(
                    f"CREATE INDEX {FACETS_GIN_INDEX} ON learning_indexedreport"
                    " USING gin (facet_vector)"
                )
                cursor.execute("DROP TABLE bench_indexed")
                # Released after the load: numbered on from the loaded reports.
                cursor.execute(
                    f"SELECT setval('{POSITION_SEQUENCE}', MAX(position) + 1, false)"  # noqa: S608
                    " FROM learning_indexedreport"
                )
                self.commit()
                seeding.phases["full-text index"] = time.perf_counter() - started
        if self.vendor == "postgresql":
            started = time.perf_counter()
            progress("VACUUM ANALYZE (what autovacuum would do after a load)...")
            raw = self.connection.connection
            raw.autocommit = True
            try:
                raw.execute("VACUUM ANALYZE")
            finally:
                raw.autocommit = False
            seeding.phases["vacuum analyze"] = time.perf_counter() - started


def seed_reports(setup: Setup, count: int, seed: int) -> Seeding:
    """Load ``count`` released reports, evenly over the authorities, in batches."""
    from django.db import connection, transaction

    from candour.accounts.models import User

    analyst = User.objects.get(pk=setup.analyst_id)
    maker = RowMaker(connection.vendor, str(analyst.reference))
    writer = Writer(maker)
    rng = random.Random(f"reports-{seed}")
    today = date.today()
    authorities = len(setup.authority_ids)
    generators = [
        synthetic.Generator(seed=seed * 1000 + a, authority=a) for a in range(authorities)
    ]
    owners = [i % authorities for i in range(count)]
    rng.shuffle(owners)
    keys = distinct_keys(rng, count)
    seeding = Seeding(reports=count)
    started = time.perf_counter()
    make_s = 0.0
    write_s = 0.0
    connection.ensure_connection()
    transaction.set_autocommit(False)
    try:
        writer.begin()
        batch: list[Rows] = []
        for index, (key, owner) in enumerate(zip(keys, owners, strict=True)):
            t = time.perf_counter()
            released_on = today - timedelta(days=rng.randint(1, RELEASE_DAYS))
            occurred = released_on - timedelta(days=rng.randint(0, 90))
            batch.append(
                maker.rows(
                    key=key,
                    position=index + 1,  # the order of release, as services.index numbers it
                    reference=reference_for(index, seed),
                    organisation_id=setup.authority_ids[owner],
                    report=generators[owner].report(),
                    released_on=released_on,
                    occurred=occurred,
                    today=today,
                )
            )
            make_s += time.perf_counter() - t
            if len(batch) == BATCH or index == count - 1:
                t = time.perf_counter()
                writer.write(batch)
                batch = []
                if (index + 1) % COMMIT_EVERY == 0 or index == count - 1:
                    writer.commit()
                    elapsed = time.perf_counter() - started
                    progress(f"Loaded {index + 1:,} of {count:,} reports ({elapsed:.0f} s).")
                write_s += time.perf_counter() - t
        seeding.phases["generate rows"] = make_s
        seeding.phases["write rows"] = write_s
        writer.finish(seeding)
    finally:
        transaction.set_autocommit(True)
    seeding.seconds = time.perf_counter() - started
    close_db()  # measurements use a fresh connection with the production PRAGMAs only
    return seeding


def reset_learning(setup: Setup) -> None:
    """A reused database as seeded: no discovery runs, traps or suggestion reports."""
    from candour.learning.models.search import SimilarReport
    from candour.learning.models.traps import DiscoveryRun, ErrorTrap, Membership
    from candour.learning.services import index
    from candour.reporting.models import Report

    SimilarReport.objects.all().delete()
    Membership.objects.all().delete()
    ErrorTrap.objects.all().delete()
    DiscoveryRun.objects.all().delete()
    for report in Report.objects.filter(
        organisation_id__in=setup.authority_ids, consent_to_publish=True
    ):
        index.remove_report(report)
        report.delete()


# --------------------------------------------------------------------------------------------
# Discovery, in a child process


def run_discovery_child(organisation_id: int) -> dict[str, Any]:
    """In the child: run discovery once and report its time by step and peak memory."""
    import django

    django.setup()
    from candour.accounts.models import Organisation
    from candour.learning.method import clusters, neighbours, representation
    from candour.learning.services import discovery

    phases: dict[str, float] = defaultdict(float)

    def timed(module: Any, name: str, label: str) -> None:
        original = getattr(module, name, None)
        if original is None:
            return

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                phases[label] += time.perf_counter() - t

        setattr(module, name, wrapper)

    # Steps of run_discovery, named for the table (only those that exist are timed).
    timed(discovery, "_rows", "read reports")
    timed(representation, "fit", "fit representation")
    timed(clusters, "cluster", "k-means")
    timed(clusters, "describe", "describe clusters")
    timed(neighbours, "top_k_for", "similar: neighbours")
    timed(neighbours, "reason", "similar: reasons")
    timed(discovery, "_similar", "similar reports (all)")
    timed(discovery, "_refresh", "store traps")
    timed(discovery, "_keep_space", "keep space")
    organisation = Organisation.objects.get(pk=organisation_id)
    started = time.perf_counter()
    run = discovery.run_discovery(organisation=organisation)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,  # the child's, start-up included
        "phases": dict(phases),
        "reports": run.reports,
        "themes": run.themes,
        "vm_hwm_mb": _vm_hwm_mb(),
    }


def _vm_hwm_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def discovery_in_child(organisation_id: int) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--discovery-child", str(organisation_id)],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        check=True,
    )
    lines = done.stdout.decode().strip().splitlines()
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["process_seconds"] = time.perf_counter() - started
    # Other processes' load (the machine may be shared): one-minute average after the run.
    figures["load_average_after"] = round(os.getloadavg()[0], 2)
    # Peak of any waited-for child; the migration's child is far smaller.
    figures["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return figures


def confirm_traps(setup: Setup, count: int) -> int:
    """Confirm the largest candidates, as an analyst would before suggestions matter."""
    from candour.accounts.models import User
    from candour.learning.models.traps import ErrorTrap, TrapStatus
    from candour.learning.services import traps as trap_services

    analyst = User.objects.get(pk=setup.analyst_id)
    candidates = ErrorTrap.objects.filter(
        organisation_id=setup.authority_ids[0], status=TrapStatus.CANDIDATE
    ).order_by("-size", "number")[:count]
    for trap in candidates:
        trap_services.confirm(
            user=analyst,
            trap=trap,
            name=f"Benchmark trap {trap.number}",
            description="Confirmed by the benchmark so that new reports are suggested to it.",
        )
    return len(candidates)


# --------------------------------------------------------------------------------------------
# Search page views

TOKEN = re.compile(r"[^\W_]+")  # as FTS5's unicode61 splits (digits are words too)


@dataclass(frozen=True)
class Vocabulary:
    """Words to search for, from reports made by the same generator: the candidates (in
    0.1 %-20 % of reports, not stop words) and the sample's reports as word lists."""

    words: list[str]
    documents: list[list[str]]
    containing: dict[str, list[int]]


def vocabulary(seed: int, authorities: int) -> Vocabulary:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    gens = [synthetic.Generator(seed=seed * 7919 + a, authority=a) for a in range(authorities)]
    documents = []
    for i in range(QUERY_SAMPLE):
        report = gens[i % authorities].report()
        text = " ".join([report.synopsis, *report.released.values()])
        documents.append([w.lower() for w in TOKEN.findall(text)])
    df: Counter[str] = Counter()
    for words in documents:
        df.update(set(words))
    low, high = QUERY_DF
    candidates = sorted(
        w
        for w, n in df.items()
        if low * QUERY_SAMPLE <= n <= high * QUERY_SAMPLE
        and len(w) >= 3
        and w.isalpha()
        and w not in ENGLISH_STOP_WORDS
    )
    wanted = set(candidates)
    containing: dict[str, list[int]] = defaultdict(list)
    for i, words in enumerate(documents):
        for w in set(words) & wanted:
            containing[w].append(i)
    return Vocabulary(candidates, documents, dict(containing))


class QueryMaker:
    """Each query different: words drawn without repeating while the vocabulary lasts."""

    def __init__(self, vocab: Vocabulary, rng: random.Random) -> None:
        self.vocab = vocab
        self.rng = rng
        self._pool: list[str] = []
        self.candidates = set(vocab.words)

    def word(self) -> str:
        if not self._pool:
            self._pool = list(self.vocab.words)
            self.rng.shuffle(self._pool)
        return self._pool.pop()

    def companion(self, word: str) -> str:
        """Another word of a report that has ``word``: a pair people would search for."""
        document = self.vocab.documents[self.rng.choice(self.vocab.containing[word])]
        others = sorted({w for w in document if w in self.candidates and w != word})
        return self.rng.choice(others) if others else self.word()

    def phrase(self) -> str:
        """Two adjacent words of a report (one a candidate, neither a stop word)."""
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        while True:
            word = self.word()
            document = self.vocab.documents[self.rng.choice(self.vocab.containing[word])]
            pairs = [
                (a, b)
                for a, b in itertools.pairwise(document)
                if word in (a, b) and a not in ENGLISH_STOP_WORDS and b not in ENGLISH_STOP_WORDS
            ]
            if pairs:
                a, b = self.rng.choice(pairs)
                return f'"{a} {b}"'


def query_kinds(national: bool, has_trap_filter: bool) -> list[str]:
    kinds = [
        "one word",
        "two words",
        "phrase",
        "word + kind",
        "word + service area",
        "word + harm",
        "word + SCIE pattern",
        "word + year",
        "filters only",
        "a OR b -c",
    ]
    if national:
        kinds.append("word + authority")
    elif has_trap_filter:
        kinds.append("word + error trap")
    return kinds


def make_params(
    kind: str,
    maker: QueryMaker,
    years: Sequence[int],
    authority_values: Sequence[str],
    trap_values: Sequence[str],
) -> dict[str, str]:
    from candour.reporting.vocabulary import Detection, Harm, Kind, SciePattern, ServiceArea

    rng = maker.rng
    filters: dict[str, Callable[[], dict[str, str]]] = {
        "kind": lambda: {"kind": rng.choice(Kind.values)},
        "service area": lambda: {"service_area": rng.choice(ServiceArea.values)},
        "harm": lambda: {"harm": rng.choice(Harm.values)},
        "SCIE pattern": lambda: {"scie_pattern": rng.choice(SciePattern.values)},
        "detection": lambda: {"detection": rng.choice(Detection.values)},
        "year": lambda: dict.fromkeys(("from_year", "to_year"), str(rng.choice(years))),
    }
    if kind == "one word":
        return {"q": maker.word()}
    if kind == "two words":
        word = maker.word()
        return {"q": f"{word} {maker.companion(word)}"}
    if kind == "phrase":
        return {"q": maker.phrase()}
    if kind == "filters only":
        params: dict[str, str] = {}
        for name in rng.sample(sorted(filters), rng.randint(1, 2)):
            params.update(filters[name]())
        return params
    if kind == "a OR b -c":
        word = maker.word()
        return {"q": f"{word} OR {maker.companion(word)} -{maker.word()}"}
    if kind == "word + authority":
        return {"q": maker.word(), "authority": rng.choice(authority_values)}
    if kind == "word + error trap":
        return {"q": maker.word(), "trap": rng.choice(trap_values)}
    name = kind.removeprefix("word + ")
    return {"q": maker.word(), **filters[name]()}


@dataclass(frozen=True)
class View:
    user: str
    kind: str
    ms: float
    steps: dict[str, float]
    matches: int  # -1 when the view timed out


class ViewTimeoutError(Exception):
    """A page view's queries ran past the time allowed and were stopped."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop the database work of one page view after ``seconds``: SQLite's progress handler
    interrupts the statement, PostgreSQL's statement_timeout cancels it. Without this a run
    at a million reports could spend hours on a handful of queries."""
    from django.db import OperationalError, connection

    connection.ensure_connection()
    deadline = time.perf_counter() + seconds
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), 10_000)
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{seconds}s"])
    try:
        yield
    except OperationalError as error:
        if time.perf_counter() < deadline and "cancel" not in str(error):
            raise
        raise ViewTimeoutError from None
    finally:
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(None, 0)
        else:
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")


def page_view(user_id: int, params: dict[str, str]) -> tuple[float, dict[str, float], int]:
    """One search page, as views.search.search builds it (short of rendering the template)."""
    from django.test import RequestFactory

    from candour.accounts.models import User
    from candour.core.pagination import paginate
    from candour.learning import presenters
    from candour.learning.forms.search import SearchForm
    from candour.learning.selectors import pool
    from candour.learning.selectors import search as search_selectors
    from candour.learning.selectors import traps as trap_selectors
    from candour.learning.views.search import COUNT_LIMIT, RESULTS_PER_PAGE

    steps: dict[str, float] = {}
    started = time.perf_counter()
    request = RequestFactory().get("/learning/search", params)
    # The request's user, as the session middleware loads it.
    user = User.objects.select_related("organisation").get(pk=user_id)
    national = pool.is_national(user)
    form = SearchForm(
        request.GET,
        authorities=pool.authority_choices(user=user),
        traps=trap_selectors.trap_choices(user=user),
    )
    if not form.is_valid():
        raise SystemExit(f"The search form refused a benchmark query: {form.errors.as_json()}")
    query = form.query()
    t = time.perf_counter()
    steps["form"] = t - started
    # A broad search finds where its most recent COUNT_LIMIT matches start, as the view does.
    found = search_selectors.ranked(
        user=user, query=query, filters=form.filters(), limit=COUNT_LIMIT
    )
    steps["edge"] = time.perf_counter() - t
    t = time.perf_counter()
    # Counts the matches, up to the limit, as the view does.
    pagination = paginate(
        request, found.reports, per_page=RESULTS_PER_PAGE, count_limit=COUNT_LIMIT
    )
    steps["count"] = time.perf_counter() - t
    t = time.perf_counter()
    page = list(pagination.page)
    steps["page"] = time.perf_counter() - t
    t = time.perf_counter()
    snippets = search_selectors.snippets(page=page, query=query)
    steps["snippets"] = time.perf_counter() - t
    t = time.perf_counter()
    labels = (
        pool.authority_labels(organisation_ids={r.organisation_id for r in page})
        if national
        else {}
    )
    presenters.results(page, snippets=snippets, authorities=labels)
    steps["labels"] = time.perf_counter() - t
    total = time.perf_counter() - started
    return total, steps, pagination.page.paginator.count


def measure_search(setup: Setup, per_kind: int, seed: int, limit_s: float) -> list[View]:
    from candour.accounts.models import User
    from candour.learning.forms.search import SearchForm
    from candour.learning.selectors import pool
    from candour.learning.selectors import traps as trap_selectors

    progress("Drawing query words from the corpus's vocabulary...")
    vocab = vocabulary(seed, len(setup.authority_ids))
    rng = random.Random(f"queries-{seed}")
    maker = QueryMaker(vocab, rng)
    this_year = date.today().year
    years = list(range(this_year - 3, this_year + 1))
    views: list[View] = []
    for label, user_id in (
        ("national", setup.national_analyst_id),
        ("authority", setup.analyst_id),
    ):
        user = User.objects.select_related("organisation").get(pk=user_id)
        authority_values = [c.value for c in pool.authority_choices(user=user)]
        trap_values = [value for value, _ in trap_selectors.trap_choices(user=user)]
        form = SearchForm(None, authorities=[], traps=[("x", "x")])
        has_trap = "trap" in form.fields and bool(trap_values)
        kinds = query_kinds(label == "national", has_trap)
        plan = [k for k in kinds for _ in range(per_kind)]
        rng.shuffle(plan)
        for _ in range(WARM_UP_VIEWS):
            with contextlib.suppress(ViewTimeoutError), time_limit(limit_s):
                page_view(user_id, {"kind": rng.choice(["incident", "near_miss"])})
        progress(f"Search: {len(plan)} page views as the {label} analyst...")
        timeouts = 0
        for n, kind in enumerate(plan, start=1):
            params = make_params(kind, maker, years, authority_values, trap_values)
            started = time.perf_counter()
            try:
                with time_limit(limit_s):
                    total, steps, matches = page_view(user_id, params)
            except ViewTimeoutError:
                timeouts += 1
                total, steps, matches = time.perf_counter() - started, {}, -1
            views.append(View(label, kind, total * 1000, steps, matches))
            if n % 20 == 0:
                progress(f"  {n} of {len(plan)} ({timeouts} stopped at {limit_s:g} s)")
    return views


# --------------------------------------------------------------------------------------------
# Suggestions


def measure_suggestions(setup: Setup, count: int, seed: int) -> dict[str, Any]:
    """Release ``count + 1`` new reports (through the ORM and services.index, as a release
    does), then time suggest_traps for each: the first call is cold (it reads the space)."""
    from django.db import transaction

    from candour.learning.method import clusters, persist
    from candour.learning.models.traps import Space
    from candour.learning.services import index, suggestions
    from candour.reporting.models import Report, Status

    generator = synthetic.Generator(seed=seed * 31 + 1, authority=0)
    rng = random.Random(f"new-{seed}")
    today = date.today()
    reports = []
    with transaction.atomic():
        for i in range(count + 1):
            made = generator.report()
            reports.append(
                Report.objects.create(
                    reference=reference_for(10**8 + i, seed),
                    organisation_id=setup.authority_ids[0],
                    status=Status.RELEASED,
                    received_on=today,
                    kind=made.kind,
                    service_area=made.service_area,
                    occurred_month=today.month,
                    occurred_year=today.year,
                    harm=made.harm,
                    reporter_role="social_worker",
                    consent_to_publish=True,  # marks the benchmark's new reports (--reuse)
                    confidentiality="anonymous",
                    receipt_hash=f"{rng.getrandbits(255):064x}",
                    released=made.released,
                    released_on=today,
                )
            )
        for report in reports:
            index.index_report(report)
    timings = []
    suggested = 0
    for report in reports:
        started = time.perf_counter()
        made_now = suggestions.suggest_traps(report=report)
        timings.append((time.perf_counter() - started) * 1000)
        suggested += bool(made_now)
    warm = timings[1:]
    # The method alone (transform and cosine with the stored centres), for comparison.
    space = Space.objects.filter(run__organisation_id=setup.authority_ids[0]).get()
    fitted, centroids = persist.loads(bytes(space.data))
    from candour.learning.models.search import IndexedReport

    method_ms = []
    for indexed in IndexedReport.objects.filter(report__in=reports[1:]):
        started = time.perf_counter()
        vector = fitted.transform([indexed.body], [indexed.codes.split()]).vectors[0]
        clusters.suggest(vector, centroids)
        method_ms.append((time.perf_counter() - started) * 1000)
    return {
        "cold_ms": timings[0],
        "median_ms": statistics.median(warm),
        "p95_ms": percentile(warm, 0.95),
        "max_ms": max(warm),
        "reports": len(warm),
        "reports_with_suggestions": suggested,
        "method_median_ms": statistics.median(method_ms),
        "centroids": len(centroids),
    }


# --------------------------------------------------------------------------------------------
# The run


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--authorities", type=int, default=10)
    parser.add_argument("--database-url", help="a PostgreSQL database to create (and drop)")
    parser.add_argument(
        "--replace-database", action="store_true", help="drop --database-url if it exists"
    )
    parser.add_argument("--reuse", help="a SQLite file or database URL seeded with --keep")
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--queries", type=int, default=20, help="page views per kind of query")
    parser.add_argument("--new-reports", type=int, default=50)
    parser.add_argument(
        "--view-timeout", type=float, default=10.0, help="seconds before a page view is stopped"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--discovery-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reports < args.authorities * 20 or args.authorities < 1:
        parser.error("--reports must be at least 20 per authority")
    if args.reuse and args.database_url:
        parser.error("give --reuse or --database-url, not both")
    return args


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.discovery_child is not None:
        print(json.dumps(run_discovery_child(args.discovery_child)))
        return 0
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="candour-learning-bench-"))
    postgres = (
        PostgresDatabase(args.database_url, args.replace_database) if args.database_url else None
    )
    keep_dir = args.keep and postgres is None and not args.reuse
    try:
        if postgres is not None:
            postgres.create()
        summary = run(args, workdir)
    finally:
        with contextlib.suppress(Exception):
            close_db()
        if postgres is not None and not args.keep:
            postgres.drop()
        if keep_dir:
            progress(f"Kept {workdir / 'learning.sqlite3'} (reuse it with --reuse).")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(summary))
    return 0 if summary["all_pass"] else 1


def database_url(args: argparse.Namespace, workdir: Path) -> str:
    if args.reuse:
        reuse = str(args.reuse)
        if "://" in reuse:
            return reuse
        return f"sqlite:///{Path(reuse).resolve()}"
    return args.database_url or f"sqlite:///{workdir / 'learning.sqlite3'}"


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    url = database_url(args, workdir)
    database = "postgresql" if url.startswith("postgres") else "sqlite"
    env = production_env(url, free_port(), 1)
    seeding: Seeding | None = None
    if args.reuse:
        setup_django(env)
        setup = find_setup()
        progress("Reusing the database: clearing earlier discovery runs and new reports...")
        reset_learning(setup)
    else:
        progress(f"Migrating a fresh {database} database (production settings)...")
        with (workdir / "migrate.log").open("wb") as log:
            migrate(env, log)
        setup_django(env)
        setup = create_organisations(args.authorities)
        progress(
            f"Loading {args.reports:,} released reports over {args.authorities} authorities..."
        )
        seeding = seed_reports(setup, args.reports, args.seed)
        progress(f"Loaded in {seeding.seconds:.0f} s.")
    counts = count_reports(setup)
    close_db()

    progress(
        f"Discovery for one authority ({counts['authority']:,} reports), in a child process..."
    )
    discovery = discovery_in_child(setup.authority_ids[0])
    progress(f"Discovery took {discovery['seconds']:.1f} s, peak {discovery['vm_hwm_mb']:.0f} MB.")
    confirmed = confirm_traps(setup, CONFIRMED_TRAPS)

    views = measure_search(setup, args.queries, args.seed, args.view_timeout)
    progress(f"Suggestions for {args.new_reports} new reports (after a cold first call)...")
    suggestion = measure_suggestions(setup, args.new_reports, args.seed)
    close_db()
    summary = summarise(
        database=database,
        counts=counts,
        seeding=seeding,
        discovery=discovery,
        confirmed=confirmed,
        views=views,
        suggestion=suggestion,
        args=args,
        seconds=time.perf_counter() - started,
    )
    print_table(summary)
    return summary


def count_reports(setup: Setup) -> dict[str, int]:
    from candour.learning.models.search import IndexedReport

    return {
        "authorities": len(setup.authority_ids),
        "all": IndexedReport.objects.filter(organisation_id__in=setup.authority_ids).count(),
        "authority": IndexedReport.objects.filter(organisation_id=setup.authority_ids[0]).count(),
    }


def _stats(values: Iterable[float]) -> dict[str, float]:
    values = list(values)
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1),
    }


def summarise(
    *,
    database: str,
    counts: dict[str, int],
    seeding: Seeding | None,
    discovery: dict[str, Any],
    confirmed: int,
    views: list[View],
    suggestion: dict[str, Any],
    args: argparse.Namespace,
    seconds: float,
) -> dict[str, Any]:
    search: dict[str, Any] = _stats(v.ms for v in views)
    search["timeouts"] = sum(1 for v in views if v.matches < 0)
    search["view_timeout_s"] = args.view_timeout
    search["pass"] = search["p95_ms"] <= TARGET_SEARCH_P95_MS
    search["by_user"] = {}
    for user in ("national", "authority"):
        mine = [v for v in views if v.user == user]
        by_kind = {}
        for kind in dict.fromkeys(v.kind for v in mine):
            these = [v for v in mine if v.kind == kind]
            finished = [v.matches for v in these if v.matches >= 0]
            by_kind[kind] = {
                **_stats(v.ms for v in these),
                "timeouts": len(these) - len(finished),
                "median_matches": int(statistics.median(finished)) if finished else -1,
            }
        complete = [v for v in mine if v.steps]
        steps = {
            step: round(statistics.mean(v.steps[step] for v in complete) * 1000, 1)
            for step in (complete[0].steps if complete else {})
        }
        search["by_user"][user] = {
            **_stats(v.ms for v in mine),
            "timeouts": sum(1 for v in mine if v.matches < 0),
            "pass": percentile([v.ms for v in mine], 0.95) <= TARGET_SEARCH_P95_MS,
            "mean_step_ms": steps,
            "by_kind": by_kind,
        }
    discovery_pass = (
        discovery["seconds"] <= TARGET_DISCOVERY_S and discovery["vm_hwm_mb"] <= TARGET_DISCOVERY_MB
    )
    suggestion_pass = suggestion["p95_ms"] <= TARGET_SUGGEST_MS
    return {
        "database": database,
        "reports": counts["all"],
        "authorities": counts["authorities"],
        "seed": args.seed,
        "reused": bool(args.reuse),
        "seeding": None
        if seeding is None
        else {
            "seconds": round(seeding.seconds, 1),
            "reports_per_s": round(seeding.reports / seeding.seconds),
            "phases_s": {k: round(v, 1) for k, v in seeding.phases.items()},
        },
        "search": search,
        "discovery": {
            "reports": discovery["reports"],
            "themes": discovery["themes"],
            "seconds": round(discovery["seconds"], 1),
            "cpu_seconds": round(discovery["cpu_seconds"], 1),
            "load_average_after": discovery["load_average_after"],
            "peak_rss_mb": round(discovery["vm_hwm_mb"]),
            "phases_s": {k: round(v, 1) for k, v in discovery["phases"].items()},
            "pass": discovery_pass,
        },
        "suggestion": {
            **{k: round(v, 1) if isinstance(v, float) else v for k, v in suggestion.items()},
            "confirmed_traps": confirmed,
            "pass": suggestion_pass,
        },
        "targets": {
            "search_p95_ms": TARGET_SEARCH_P95_MS,
            "discovery_s": TARGET_DISCOVERY_S,
            "discovery_peak_mb": TARGET_DISCOVERY_MB,
            "suggestion_p95_ms": TARGET_SUGGEST_MS,
        },
        "all_pass": bool(search["pass"] and discovery_pass and suggestion_pass),
        "seconds": round(seconds, 1),
    }


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_table(s: dict[str, Any]) -> None:
    print(
        f"learning at scale: {s['database']}, {s['reports']:,} released reports, "
        f"{s['authorities']} authorities, seed {s['seed']}"
    )
    if s["seeding"]:
        seeding = s["seeding"]
        phases = ", ".join(f"{k} {v:.0f} s" for k, v in seeding["phases_s"].items())
        print(
            f"seeding: {seeding['seconds']:.0f} s ({seeding['reports_per_s']:,} reports/s; "
            f"{phases})"
        )
    print()
    print(
        f"{'search page views':<34}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'stopped':>9}{'matches':>9}"
    )
    for user, figures in s["search"]["by_user"].items():
        for kind, row in figures["by_kind"].items():
            print(
                f"  {user + ': ' + kind:<32}{row['n']:>5}{row['p50_ms']:>9.1f}"
                f"{row['p95_ms']:>9.1f}{row['max_ms']:>9.1f}{row['timeouts']:>9}"
                f"{row['median_matches']:>9,}"
            )
        steps = ", ".join(f"{k} {v:.1f}" for k, v in figures["mean_step_ms"].items())
        print(
            f"  {user + ': all':<32}{figures['n']:>5}{figures['p50_ms']:>9.1f}"
            f"{figures['p95_ms']:>9.1f}{figures['max_ms']:>9.1f}{figures['timeouts']:>9}"
            f"   {_verdict(figures['pass'])}"
        )
        print(f"    mean ms by step: {steps}")
    print()
    search, disc, sugg = s["search"], s["discovery"], s["suggestion"]
    rows = [
        ("search p95, all page views", f"{search['p95_ms']:.1f} ms", "<= 150 ms", search["pass"]),
        (
            f"discovery, {disc['reports']:,} reports",
            f"{disc['seconds']:.1f} s",
            "<= 120 s",
            disc["seconds"] <= TARGET_DISCOVERY_S,
        ),
        (
            "discovery peak memory",
            f"{disc['peak_rss_mb']:,} MB",
            "<= 2,048 MB",
            disc["peak_rss_mb"] <= TARGET_DISCOVERY_MB,
        ),
        (
            f"suggest traps, p95 of {sugg['reports']}",
            f"{sugg['p95_ms']:.1f} ms",
            "<= 50 ms",
            sugg["pass"],
        ),
    ]
    print(f"{'target':<34}{'measured':>14}{'target':>14}  result")
    for name, measured, target, ok in rows:
        print(f"{name:<34}{measured:>14}{target:>14}  {_verdict(ok)}")
    phases = ", ".join(f"{k} {v:.1f}" for k, v in disc["phases_s"].items())
    print(
        f"discovery: {disc['themes']} themes; CPU {disc['cpu_seconds']:.0f} s, load average "
        f"after it {disc['load_average_after']}; seconds by step: {phases}"
    )
    print(
        f"suggestions: cold first call {sugg['cold_ms']:.1f} ms; warm median "
        f"{sugg['median_ms']:.1f} ms, max {sugg['max_ms']:.1f} ms; method alone (transform "
        f"and cosine with {sugg['centroids']} centres) median {sugg['method_median_ms']:.1f} ms; "
        f"{sugg['reports_with_suggestions']} of {sugg['reports'] + 1} reports got a suggestion "
        f"({sugg['confirmed_traps']} confirmed traps)"
    )
    if search["timeouts"]:
        print(
            f"{search['timeouts']} page views were stopped after {search['view_timeout_s']:g} s"
            " (--view-timeout): they count at the time they were stopped, so a p95 they reach"
            " is a lower bound."
        )
    print(f"run: {s['seconds']:.0f} s")


if __name__ == "__main__":
    raise SystemExit(main())
