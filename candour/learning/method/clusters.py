"""Candidate error traps: clusters of similar reports, described, kept stable, suggested.

k-means on the unit vectors of ``representation`` (spherical in effect: centroids are
re-normalised, so "near the centroid" means "high cosine"). Without a given ``k``,
k = sqrt(n / 2), a general rule that grows slowly with the corpus (23 clusters for 1,000
reports, 224 for 100,000) and needs no search over k, whose cost would not fit the time
budget at 100,000 reports. Up to ``FULL_KMEANS_MAX`` reports, full k-means with several
starts; above, mini-batch k-means, whose cost per pass does not grow with n.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.preprocessing import normalize

from candour.learning.method import representation
from candour.learning.method.corpus import Progress

FULL_KMEANS_MAX = 20_000
# Two runs' clusters are "the same trap" when their centroids' cosine reaches this.
MATCH_THRESHOLD = 0.5
# A new report is suggested to a trap whose centroid it resembles at least this much.
SUGGEST_THRESHOLD = 0.3


@dataclass
class Clustering:
    """Cluster index per report and unit centroids (row i is cluster i)."""

    labels: np.ndarray
    centroids: np.ndarray


@dataclass(frozen=True)
class Cluster:
    """One candidate trap: its members (corpus positions, nearest the centroid first), the
    three most representative, characteristic terms, code counts and reports per month."""

    index: int
    size: int
    members: list[int]
    representatives: list[int]
    terms: list[str]
    codes: dict[str, int]
    months: dict[str, int]


@dataclass
class Discovery:
    """What ``discover`` found: the clusters (largest first) with the space they live in."""

    clusters: list[Cluster]
    clustering: Clustering
    fitted: representation.Representation
    embedded: representation.Embedded


def default_k(n: int) -> int:
    """A general number of clusters for ``n`` reports: round(sqrt(n / 2)), within 1..n."""
    return max(1, min(n, round(math.sqrt(n / 2))))


def cluster(vectors: np.ndarray, k: int | None = None, *, seed: int = 0) -> Clustering:
    """Partition unit vectors into ``k`` clusters (default ``default_k``), repeatably."""
    n = vectors.shape[0]
    k = default_k(n) if k is None else max(1, min(k, n))
    model: KMeans | MiniBatchKMeans
    if n <= FULL_KMEANS_MAX:
        model = KMeans(n_clusters=k, n_init=4, random_state=seed)
    else:
        model = MiniBatchKMeans(
            n_clusters=k, n_init=3, batch_size=4096, random_state=seed, max_no_improvement=20
        )
    labels = model.fit_predict(vectors).astype(np.int64)
    centroids = normalize(np.asarray(model.cluster_centers_, dtype=np.float32))
    return Clustering(labels=labels, centroids=centroids)


def describe(
    clustering: Clustering,
    vectors: np.ndarray,
    tfidf: sp.csr_matrix,
    feature_names: np.ndarray,
    *,
    codes: Sequence[Iterable[str]] | None = None,
    dates: Sequence[str] | None = None,
    n_terms: int = 10,
    n_representatives: int = 3,
) -> list[Cluster]:
    """Describe each non-empty cluster, largest first (ties: lower index first).

    Characteristic terms are those whose mean TF-IDF weight in the cluster most exceeds
    their mean over the corpus: frequent in the cluster, not merely frequent everywhere.
    ``dates`` (``YYYY-MM…``) give monthly counts for trends.
    """
    corpus_mean = np.asarray(tfidf.mean(axis=0)).ravel()
    out: list[Cluster] = []
    for index in range(clustering.centroids.shape[0]):
        members = np.flatnonzero(clustering.labels == index)
        if members.size == 0:
            continue
        closeness = vectors[members] @ clustering.centroids[index]
        ordered = members[np.lexsort((members, -closeness))]
        lift = np.asarray(tfidf[members].mean(axis=0)).ravel() - corpus_mean
        top_terms = np.lexsort((np.arange(lift.size), -lift))[:n_terms]
        code_counts: Counter[str] = Counter()
        if codes is not None:
            for member in members.tolist():
                code_counts.update(set(codes[member]))
        month_counts: Counter[str] = Counter()
        if dates is not None:
            month_counts.update(dates[m][:7] for m in members.tolist() if dates[m])
        out.append(
            Cluster(
                index=index,
                size=int(members.size),
                members=[int(m) for m in ordered],
                representatives=[int(m) for m in ordered[:n_representatives]],
                terms=[str(feature_names[t]) for t in top_terms if lift[t] > 0],
                codes=dict(sorted(code_counts.items(), key=lambda item: (-item[1], item[0]))),
                months=dict(sorted(month_counts.items())),
            )
        )
    out.sort(key=lambda c: (-c.size, c.index))
    return out


def discover(
    texts: Sequence[str],
    *,
    k: int | None = None,
    codes: Sequence[Iterable[str]] | None = None,
    dates: Sequence[str] | None = None,
    settings: representation.Settings | None = None,
    word_vectors: representation.WordVectors | None = None,
    progress: Progress | None = None,
) -> Discovery:
    """Fit the representation, cluster and describe: what ``manage.py error_traps`` does."""
    fitted, embedded = representation.fit(
        texts, codes=codes, settings=settings, word_vectors=word_vectors, progress=progress
    )
    seed = fitted.settings.seed
    if progress:
        chosen = default_k(len(texts)) if k is None else k
        progress(f"Clustering {len(texts):,} reports into {chosen} candidate traps.")
    clustering = cluster(embedded.vectors, k, seed=seed)
    clusters = describe(
        clustering,
        embedded.vectors,
        embedded.tfidf,
        fitted.feature_names,
        codes=codes,
        dates=dates,
    )
    return Discovery(clusters=clusters, clustering=clustering, fitted=fitted, embedded=embedded)


def centroids_of(vectors: np.ndarray, groups: Mapping[str, Sequence[int]]) -> dict[str, np.ndarray]:
    """Unit centroids of groups of reports (positions in ``vectors``).

    A refit moves the space (new vocabulary, new SVD basis), so an earlier run's centroids
    cannot be compared with a new run's as they were stored: recompute them from the
    earlier clusters' members with the current vectors, then ``match_to_previous``.
    """
    out: dict[str, np.ndarray] = {}
    for trap_id, members in groups.items():
        if len(members):
            centroid = vectors[np.asarray(members)].mean(axis=0)
            norm = float(np.linalg.norm(centroid))
            if norm > 0:
                out[trap_id] = (centroid / norm).astype(np.float32)
    return out


def match_to_previous(
    previous_centroids: Mapping[str, np.ndarray],
    new_centroids: np.ndarray,
    *,
    threshold: float = MATCH_THRESHOLD,
    new_ids: Iterator[str] | None = None,
) -> dict[int, str]:
    """Give each new cluster (row of ``new_centroids``) an id: the id of the previous
    cluster it is paired with, or a fresh one.

    Pairs maximise total cosine (the Hungarian method, ``linear_sum_assignment``), so two
    new clusters never take the same id; a pair below ``threshold`` is not the same trap,
    and the new cluster gets a fresh id. Fresh ids default to the numbers after the largest
    numeric previous id ("1", "2", …).
    """
    if new_ids is None:
        numeric = [int(i) for i in previous_centroids if i.isdigit()]
        new_ids = (str(i) for i in itertools.count(max(numeric, default=0) + 1))
    mapping: dict[int, str] = {}
    old_ids = list(previous_centroids)
    if old_ids and new_centroids.shape[0]:
        old = normalize(np.vstack([previous_centroids[i] for i in old_ids]))
        similarity = normalize(new_centroids) @ old.T
        rows, cols = linear_sum_assignment(-similarity)
        for row, col in zip(rows, cols, strict=True):
            if similarity[row, col] >= threshold:
                mapping[int(row)] = old_ids[col]
    taken = set(old_ids)
    for row in range(new_centroids.shape[0]):
        if row not in mapping:
            fresh = next(new_ids)
            while fresh in taken:
                fresh = next(new_ids)
            taken.add(fresh)
            mapping[row] = fresh
    return mapping


def suggest(
    vector: np.ndarray,
    centroids: Mapping[str, np.ndarray],
    *,
    threshold: float = SUGGEST_THRESHOLD,
    top: int = 3,
) -> list[tuple[str, float]]:
    """The confirmed traps a new report resembles: (trap id, cosine), best first, at most
    ``top``, none below ``threshold``. ``vector`` comes from ``Representation.transform``."""
    if not centroids:
        return []
    ids = list(centroids)
    matrix = normalize(np.vstack([centroids[i] for i in ids]))
    query = vector.ravel().astype(np.float32)
    norm = float(np.linalg.norm(query))
    if norm == 0:
        return []
    scores = matrix @ (query / norm)
    order = np.lexsort((np.arange(len(ids)), -scores))
    return [(ids[i], float(scores[i])) for i in order[:top] if scores[i] >= threshold]


def combine(themes: Sequence[Cluster]) -> Cluster:
    """Several themes found for one trap (an analyst merged the traps they matched) as one:
    every member once, the largest theme's representatives and terms, codes and months
    added up."""
    largest = max(themes, key=lambda theme: (theme.size, -theme.index))
    members = list(dict.fromkeys(itertools.chain(largest.members, *(t.members for t in themes))))
    codes: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for theme in themes:
        codes.update(theme.codes)
        months.update(theme.months)
    return Cluster(
        index=largest.index,
        size=len(members),
        members=members,
        representatives=list(largest.representatives),
        terms=list(largest.terms),
        codes=dict(codes),
        months=dict(months),
    )
