import numpy as np
import pytest

from candour.learning.method import representation
from candour.learning.method.synthetic import corpus


def test_vectors_are_unit_rows_of_the_stated_size():
    texts, _ = corpus()
    fitted, embedded = representation.fit(texts)
    assert embedded.vectors.shape == (len(texts), fitted.dim)
    assert embedded.vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embedded.vectors, axis=1), 1.0, atol=1e-5)
    assert embedded.tfidf.shape == (len(texts), len(fitted.feature_names))
    assert fitted.sif_weights is not None
    assert fitted.sif_weights.matrix.shape[1] == 300  # en_core_web_md's vectors


def test_fitting_twice_gives_the_same_vectors():
    texts, _ = corpus()
    _, first = representation.fit(texts)
    _, second = representation.fit(texts)
    np.testing.assert_array_equal(first.vectors, second.vectors)


def test_a_new_report_lands_where_its_twin_did():
    texts, _ = corpus()
    fitted, embedded = representation.fit(texts)
    again = fitted.transform([texts[4]])
    np.testing.assert_allclose(again.vectors[0], embedded.vectors[4], atol=1e-5)


def test_numbers_and_stop_words_are_not_terms():
    texts, _ = corpus()
    fitted, _ = representation.fit(texts)
    names = set(fitted.feature_names)
    assert "medication" in names
    assert "the" not in names
    assert not any(char.isdigit() for name in names for char in name)


def test_codes_pull_reports_together():
    texts = ["the visit was missed", "the dose was wrong", "the referral was lost"] * 4
    codes = [{"A"}, {"B"}, {"A"}] * 4
    settings = representation.Settings(vector_weight=0)
    _, plain = representation.fit(texts, settings=settings)
    _, coded = representation.fit(texts, codes=codes, settings=settings)
    assert coded.vectors[0] @ coded.vectors[2] > plain.vectors[0] @ plain.vectors[2]


def test_without_word_vectors_the_text_block_stands_alone():
    texts, _ = corpus()
    fitted, embedded = representation.fit(texts, settings=representation.Settings(vector_weight=0))
    assert fitted.sif_weights is None
    assert embedded.vectors.shape[1] == fitted.dim


def test_a_corpus_without_words_is_refused():
    with pytest.raises(ValueError, match="No report has a word"):
        representation.fit(["123", "456 789", "the and of"])
