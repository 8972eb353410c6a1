"""A fitted ``Representation`` as plain arrays, so a new report can be placed in the space
of the last discovery run without refitting, and without pickle.

Pickle would run code from whatever bytes it is given; an ``.npz`` of numeric and string
arrays read with ``allow_pickle=False`` cannot. What is kept is exactly what ``transform``
needs: the vocabulary, the IDF, the SVD basis, the SIF weights and the code list, with the
settings as JSON. Centroids (one unit row per trap id) travel in the same file.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from candour.learning.method.representation import (
    TOKEN_PATTERN,
    Codes,
    Representation,
    Settings,
    Sif,
)

FORMAT = "candour-space-1"


def dumps(fitted: Representation, centroids: Mapping[str, np.ndarray]) -> bytes:
    """The space and the given centroids, as compressed ``.npz`` bytes."""
    arrays: dict[str, np.ndarray] = {
        "format": np.array(FORMAT),
        "settings": np.array(json.dumps(asdict(fitted.settings))),
        "terms": np.asarray(fitted.feature_names, dtype=str),
        "idf": np.asarray(fitted.tfidf.idf_, dtype=np.float64),
        "unigram_columns": np.asarray(fitted.unigram_columns, dtype=np.int64),
    }
    if fitted.svd is not None:
        arrays["svd_components"] = fitted.svd.components_.astype(np.float32)
    if fitted.sif_weights is not None:
        arrays["sif_matrix"] = fitted.sif_weights.matrix
        arrays["sif_has_vector"] = fitted.sif_weights.has_vector
        if fitted.sif_weights.component is not None:
            arrays["sif_component"] = fitted.sif_weights.component
    if fitted.codes is not None:
        arrays["code_names"] = np.asarray(fitted.codes.names, dtype=str)
        arrays["code_idf"] = np.asarray(fitted.codes.idf, dtype=np.float64)
    ids = list(centroids)
    arrays["centroid_ids"] = np.asarray(ids, dtype=str)
    arrays["centroids"] = (
        np.vstack([centroids[i] for i in ids]).astype(np.float32)
        if ids
        else np.zeros((0, fitted.dim), dtype=np.float32)
    )
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub is narrow
    return buffer.getvalue()


def loads(data: bytes) -> tuple[Representation, dict[str, np.ndarray]]:
    """The space and centroids ``dumps`` wrote. Raises ``ValueError`` for anything else."""
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        if "format" not in arrays or str(arrays["format"]) != FORMAT:
            raise ValueError("Not a saved candour space.")
        settings = _settings(str(arrays["settings"]))
        terms = arrays["terms"]
        counter = CountVectorizer(
            token_pattern=TOKEN_PATTERN,
            stop_words="english",
            ngram_range=settings.ngram_range,
            vocabulary={str(term): i for i, term in enumerate(terms)},
            dtype=np.float32,
        )
        tfidf = TfidfTransformer(sublinear_tf=True)
        tfidf.idf_ = arrays["idf"]
        svd: TruncatedSVD | None = None
        if "svd_components" in arrays:
            components = arrays["svd_components"]
            svd = TruncatedSVD(components.shape[0])
            svd.components_ = components
            svd.n_features_in_ = components.shape[1]
        sif: Sif | None = None
        if "sif_matrix" in arrays:
            sif = Sif(
                matrix=arrays["sif_matrix"],
                has_vector=arrays["sif_has_vector"],
                component=arrays.get("sif_component"),
            )
        codes = (
            Codes(names=[str(c) for c in arrays["code_names"]], idf=arrays["code_idf"])
            if "code_names" in arrays
            else None
        )
        fitted = Representation(
            settings=settings,
            counter=counter,
            tfidf=tfidf,
            svd=svd,
            feature_names=terms,
            unigram_columns=arrays["unigram_columns"],
            sif_weights=sif,
            codes=codes,
        )
        centroids = {
            str(i): row for i, row in zip(arrays["centroid_ids"], arrays["centroids"], strict=True)
        }
    return fitted, centroids


def _settings(text: str) -> Settings:
    values: dict[str, Any] = json.loads(text)
    values["ngram_range"] = tuple(values["ngram_range"])
    return Settings(**values)
