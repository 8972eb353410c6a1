"""The reports most similar to each report, and why.

Similarity is the cosine of two reports' vectors (``representation``). The full n-by-n
matrix of 100,000 reports would take 40 GB, so it is computed ``block_rows`` reports at a
time and only each row's best ``k`` are kept: memory stays at ``block_rows`` by n floats.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from candour.learning.method import representation
from candour.learning.method.corpus import Progress

BLOCK_ROWS = 512


@dataclass(frozen=True)
class Neighbour:
    """Another report (by position in the corpus) and its cosine similarity."""

    index: int
    score: float


@dataclass(frozen=True)
class Reason:
    """Why two reports are similar: the terms that weigh most in both, and shared codes."""

    terms: list[str]
    codes: list[str]


def top_k(
    vectors: np.ndarray,
    k: int = 10,
    *,
    block_rows: int = BLOCK_ROWS,
    progress: Progress | None = None,
) -> list[list[Neighbour]]:
    """Each report's ``k`` most similar other reports, best first (ties: earlier first).

    ``vectors`` must have unit rows. A report is never its own neighbour.
    """
    n = vectors.shape[0]
    k = max(0, min(k, n - 1))
    result: list[list[Neighbour]] = []
    if k == 0:
        return [[] for _ in range(n)]
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    for start in range(0, n, block_rows):
        stop = min(n, start + block_rows)
        scores = matrix[start:stop] @ matrix.T
        rows = np.arange(stop - start)
        scores[rows, rows + start] = -np.inf
        result.extend(_best(scores, k))
        if progress and (stop == n or (start // block_rows) % 20 == 19):
            progress(f"Compared {stop:,} of {n:,} reports.")
    return result


def _best(scores: np.ndarray, k: int) -> list[list[Neighbour]]:
    if k < scores.shape[1]:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(scores.shape[1]), (scores.shape[0], 1))
    out: list[list[Neighbour]] = []
    for row, candidates in enumerate(part):
        values = scores[row, candidates]
        # Best score first; among equal scores the earlier report, so runs are repeatable.
        order = np.lexsort((candidates, -values))
        out.append(
            [Neighbour(int(candidates[i]), float(values[i])) for i in order if values[i] > -np.inf]
        )
    return out


def reason(
    tfidf: sp.csr_matrix,
    feature_names: np.ndarray,
    a: int,
    b: int,
    *,
    codes: Sequence[Iterable[str]] | None = None,
    n_terms: int = 5,
) -> Reason:
    """Why reports ``a`` and ``b`` are similar: the terms with the largest product of their
    two TF-IDF weights (characteristic of both, not merely common), and the codes both carry.
    """
    row_a, row_b = tfidf.getrow(a), tfidf.getrow(b)
    shared = row_a.multiply(row_b).tocoo()
    order = np.lexsort((shared.col, -shared.data))[:n_terms]
    terms = [str(feature_names[shared.col[i]]) for i in order if shared.data[i] > 0]
    shared_codes: list[str] = []
    if codes is not None:
        shared_codes = sorted(set(codes[a]) & set(codes[b]))
    return Reason(terms=terms, codes=shared_codes)


def similar_reports(
    texts: Sequence[str],
    *,
    top: int = 10,
    codes: Sequence[Iterable[str]] | None = None,
    settings: representation.Settings | None = None,
    word_vectors: representation.WordVectors | None = None,
    progress: Progress | None = None,
) -> list[list[Neighbour]]:
    """Fit the representation on ``texts`` (and codes) and return each report's ``top``
    most similar reports: what ``manage.py similar_reports`` prints."""
    _, embedded = representation.fit(
        texts, codes=codes, settings=settings, word_vectors=word_vectors, progress=progress
    )
    return top_k(embedded.vectors, top, progress=progress)


def top_k_for(
    vectors: np.ndarray, rows: Sequence[int], k: int = 10, *, block_rows: int = BLOCK_ROWS
) -> list[list[Neighbour]]:
    """``top_k`` for some reports only (positions ``rows``), against the whole corpus: so a
    large corpus need not compare every report with every other."""
    n = vectors.shape[0]
    k = max(0, min(k, n - 1))
    wanted = np.asarray(rows, dtype=np.int64)
    if k == 0 or not len(wanted):
        return [[] for _ in wanted]
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    result: list[list[Neighbour]] = []
    for start in range(0, len(wanted), block_rows):
        block = wanted[start : start + block_rows]
        scores = matrix[block] @ matrix.T
        scores[np.arange(len(block)), block] = -np.inf
        result.extend(_best(scores, k))
    return result
