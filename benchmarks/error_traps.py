"""How well candour's similar reports and error traps agree with ASRS's analysts.

    .venv/bin/python benchmarks/error_traps.py [--csv ../shared/data/asrs_dev.csv]

Runs the library functions behind ``manage.py similar_reports`` and ``manage.py
error_traps`` (``neighbours.similar_reports``, ``clusters.discover``) over the ``narrative``
column of 1,096 NASA ASRS reports, and, in the same run, the baseline the issue names:
``TfidfVectorizer(stop_words="english", min_df=2)`` cosine neighbours, and k-means on those
TF-IDF vectors with the method's own number of clusters. The analysts' labels are used only
to score, never to fit.

Scores (labels carried by more than half of the reports coded in that field are left out,
so that agreeing on "Conflict Airborne Conflict" or "Situational Awareness" earns nothing):

- (a) ``anomaly`` and (b) ``human_factors``: for each report coded in the field whose label
  set is not empty after that, the mean Jaccard overlap between its labels and those of its
  ten most similar reports among those coded in the field (an uncoded report cannot agree
  or disagree; ``human_factors`` is coded on 253 reports only); averaged over reports.
- (c) ``anomaly`` within clusters: the mean Jaccard overlap over all pairs of reports in the
  same cluster (reports with an empty label set left out).

Each figure is also given as a ratio to the baseline; target >= 1.1 on all three. The last
line of output is JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402

from candour.learning.method import clusters, corpus, neighbours  # noqa: E402

DEFAULT_CSV = REPO_ROOT.parent / "shared" / "data" / "asrs_dev.csv"
TARGET = 1.1
TOP = 10
FIELDS = ("anomaly", "human_factors")


def label_sets(path: Path, field: str) -> list[frozenset[str]]:
    """Each report's labels in ``field``, without those most coded reports carry."""
    with path.open(encoding="utf-8", newline="") as handle:
        sets = [corpus.split_codes(row[field]) for row in csv.DictReader(handle)]
    coded = [s for s in sets if s]
    counts = Counter(label for s in coded for label in s)
    dominant = {label for label, count in counts.items() if count > len(coded) / 2}
    return [s - dominant if s else s for s in sets]


def coded_mask(path: Path, field: str) -> np.ndarray:
    with path.open(encoding="utf-8", newline="") as handle:
        return np.array([bool(corpus.split_codes(row[field])) for row in csv.DictReader(handle)])


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def neighbour_agreement(
    ranking: Sequence[Sequence[int]], labels: Sequence[frozenset[str]], coded: np.ndarray
) -> float:
    """Mean Jaccard between a report's labels and its ten best-ranked coded neighbours'."""
    values = []
    for query, ranked in enumerate(ranking):
        if not coded[query] or not labels[query]:
            continue
        best = [j for j in ranked if coded[j]][:TOP]
        values.append(float(np.mean([jaccard(labels[query], labels[j]) for j in best])))
    return float(np.mean(values))


def cluster_agreement(assignment: np.ndarray, labels: Sequence[frozenset[str]]) -> float:
    """Mean Jaccard over all pairs of labelled reports in the same cluster."""
    total, pairs = 0.0, 0
    for cluster_id in np.unique(assignment):
        members = [i for i in np.flatnonzero(assignment == cluster_id).tolist() if labels[i]]
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                total += jaccard(labels[a], labels[b])
                pairs += 1
    return total / pairs if pairs else 0.0


def baseline(texts: Sequence[str], k: int) -> tuple[list[list[int]], np.ndarray]:
    """The issue's TF-IDF baseline: cosine ranking, and k-means with the method's k."""
    tfidf = normalize(TfidfVectorizer(stop_words="english", min_df=2).fit_transform(texts))
    similarity = (tfidf @ tfidf.T).toarray()
    np.fill_diagonal(similarity, -np.inf)
    n = len(texts)
    ranking = [
        [int(j) for j in np.lexsort((np.arange(n), -similarity[i]))[: n - 1]] for i in range(n)
    ]
    assignment = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(tfidf)
    return ranking, assignment


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    args = parser.parse_args(argv)
    reports = corpus.read_csv(args.csv, id_column="acn", text_column="narrative", progress=None)
    texts = reports.texts
    n = len(texts)
    labels = {field: label_sets(args.csv, field) for field in FIELDS}
    coded = {field: coded_mask(args.csv, field) for field in FIELDS}

    started = time.perf_counter()
    similar = neighbours.similar_reports(texts, top=n - 1)
    similar_s = time.perf_counter() - started
    started = time.perf_counter()
    discovery = clusters.discover(texts)
    discover_s = time.perf_counter() - started
    k = discovery.clustering.centroids.shape[0]
    method_ranking = [[nb.index for nb in row] for row in similar]

    started = time.perf_counter()
    base_ranking, base_assignment = baseline(texts, k)
    baseline_s = time.perf_counter() - started

    figures: dict[str, dict[str, float | bool]] = {}
    for name, method_value, base_value in [
        (
            "neighbours_anomaly",
            neighbour_agreement(method_ranking, labels["anomaly"], coded["anomaly"]),
            neighbour_agreement(base_ranking, labels["anomaly"], coded["anomaly"]),
        ),
        (
            "neighbours_human_factors",
            neighbour_agreement(method_ranking, labels["human_factors"], coded["human_factors"]),
            neighbour_agreement(base_ranking, labels["human_factors"], coded["human_factors"]),
        ),
        (
            "clusters_anomaly",
            cluster_agreement(discovery.clustering.labels, labels["anomaly"]),
            cluster_agreement(base_assignment, labels["anomaly"]),
        ),
    ]:
        ratio = method_value / base_value if base_value else 0.0
        figures[name] = {
            "method": round(method_value, 4),
            "baseline": round(base_value, 4),
            "ratio": round(ratio, 3),
            "pass": ratio >= TARGET,
        }

    print(f"ASRS reports: {n:,}; clusters (k = round(sqrt(n / 2))): {k}")
    print(f"{'metric':<28}{'method':>9}{'baseline':>10}{'ratio':>8}{'target':>8}  result")
    for name, row in figures.items():
        print(
            f"{name:<28}{row['method']:>9.4f}{row['baseline']:>10.4f}{row['ratio']:>8.3f}"
            f"{TARGET:>8.2f}  {'PASS' if row['pass'] else 'FAIL'}"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"seconds: similar reports {similar_s:.1f}, discovery {discover_s:.1f}, "
        f"baseline {baseline_s:.1f}; peak RSS {peak_mb:.0f} MB"
    )
    summary = {
        "reports": n,
        "k": k,
        **figures,
        "all_pass": all(bool(row["pass"]) for row in figures.values()),
        "seconds": {
            "similar_reports": round(similar_s, 2),
            "discover": round(discover_s, 2),
            "baseline": round(baseline_s, 2),
        },
        "peak_rss_mb": round(peak_mb),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
