import numpy as np

from candour.learning.method import neighbours, representation
from candour.learning.method.synthetic import corpus


def test_neighbours_exclude_self_and_come_best_first():
    texts, _ = corpus()
    found = neighbours.similar_reports(texts, top=5)
    assert len(found) == len(texts)
    for index, row in enumerate(found):
        assert len(row) == 5
        assert index not in [nb.index for nb in row]
        scores = [nb.score for nb in row]
        assert scores == sorted(scores, reverse=True)


def test_neighbours_share_the_planted_theme():
    texts, themes = corpus()
    found = neighbours.similar_reports(texts, top=5)
    agree = np.mean([themes[nb.index] == themes[i] for i, row in enumerate(found) for nb in row])
    assert agree >= 0.95


def test_blocks_do_not_change_the_answer():
    texts, _ = corpus()
    _, embedded = representation.fit(texts)
    whole = neighbours.top_k(embedded.vectors, 4, block_rows=1000)
    blocked = neighbours.top_k(embedded.vectors, 4, block_rows=7)
    assert [[nb.index for nb in row] for row in whole] == [
        [nb.index for nb in row] for row in blocked
    ]


def test_asking_for_more_than_there_are_gives_all_others():
    vectors = np.eye(3, dtype=np.float32)
    found = neighbours.top_k(vectors, 10)
    assert [sorted(nb.index for nb in row) for row in found] == [[1, 2], [0, 2], [0, 1]]
    assert neighbours.top_k(vectors[:1], 10) == [[]]


def test_ties_go_to_the_earlier_report():
    vectors = np.array([[1, 0], [1, 0], [1, 0], [0, 1]], dtype=np.float32)
    assert [nb.index for nb in neighbours.top_k(vectors, 2)[2]] == [0, 1]


def test_reason_names_shared_terms_and_codes():
    texts = [
        "the medication dose was wrong at bedtime",
        "wrong medication dose given at bedtime by the carer",
        "the home visit was missed",
        "the referral was never sent",
    ]
    fitted, embedded = representation.fit(texts)
    codes = [{"Medicines", "Night"}, {"Medicines"}, {"Visits"}, set()]
    why = neighbours.reason(embedded.tfidf, fitted.feature_names, 0, 1, codes=codes)
    assert {"medication", "dose", "bedtime"} <= set(why.terms)
    assert "home" not in why.terms
    assert why.codes == ["Medicines"]
