from collections import Counter

import numpy as np
import pytest

from candour.learning.method import clusters
from candour.learning.method.synthetic import THEMES, corpus


@pytest.fixture(scope="module")
def found():
    texts, themes = corpus()
    dates = [f"2026-{1 + (i // 3) % 3:02d}-15" for i in range(len(texts))]
    codes = [{theme.upper()} for theme in themes]
    return clusters.discover(texts, k=3, codes=codes, dates=dates), themes


def test_clusters_recover_the_planted_themes(found):
    discovery, themes = found
    assert len(discovery.clusters) == 3
    for cluster in discovery.clusters:
        counts = Counter(themes[m] for m in cluster.members)
        assert counts.most_common(1)[0][1] == cluster.size == 12


def test_clusters_are_described(found):
    discovery, themes = found
    for cluster in discovery.clusters:
        theme = themes[cluster.members[0]]
        theme_words = {word for sentence in THEMES[theme] for word in sentence.split()}
        assert len(cluster.representatives) == 3
        assert cluster.representatives == cluster.members[:3]
        assert cluster.terms
        assert set(cluster.terms[0].split()) <= theme_words
        assert cluster.codes == {theme.upper(): 12}
        assert cluster.months == {"2026-01": 4, "2026-02": 4, "2026-03": 4}


def test_discovery_is_repeatable():
    texts, _ = corpus()
    first = clusters.discover(texts, k=3)
    second = clusters.discover(texts, k=3)
    assert [c.members for c in first.clusters] == [c.members for c in second.clusters]


def test_default_k_grows_with_the_square_root():
    assert clusters.default_k(1) == 1
    assert clusters.default_k(1_096) == 23
    assert clusters.default_k(100_000) == 224


def test_match_to_previous_keeps_ids_and_numbers_new_clusters():
    previous = {"7": np.array([1.0, 0, 0]), "3": np.array([0, 1.0, 0])}
    new = np.array([[0, 0.1, 1.0], [0.1, 1.0, 0], [1.0, 0.05, 0]], dtype=np.float32)
    assert clusters.match_to_previous(previous, new) == {0: "8", 1: "3", 2: "7"}


def test_a_weak_match_is_not_the_same_trap():
    previous = {"a": np.array([1.0, 0])}
    new = np.array([[0.3, 1.0]], dtype=np.float32)
    assert clusters.match_to_previous(previous, new, new_ids=iter(["b"])) == {0: "b"}


def test_ids_survive_a_refit(found):
    discovery, _ = found
    texts, _ = corpus()
    groups = {f"trap-{c.index}": c.members for c in discovery.clusters}
    again = clusters.discover(list(reversed(texts)), k=3)
    n = len(texts)
    reversed_groups = {key: [n - 1 - m for m in members] for key, members in groups.items()}
    previous = clusters.centroids_of(again.embedded.vectors, reversed_groups)
    mapping = clusters.match_to_previous(previous, again.clustering.centroids)
    for cluster in again.clusters:
        original = {n - 1 - m for m in cluster.members}
        assert set(groups[mapping[cluster.index]]) == original


def test_suggest_returns_the_trap_a_new_report_resembles(found):
    discovery, themes = found
    traps = {
        f"trap-{themes[c.members[0]]}": discovery.clustering.centroids[c.index]
        for c in discovery.clusters
    }
    new = discovery.fitted.transform(
        ["At bedtime the carer gave the wrong dose and the medicine chart was not signed."],
        codes=[{"MEDICATION"}],
    )
    suggestions = clusters.suggest(new.vectors[0], traps, top=3)
    assert suggestions[0][0] == "trap-medication"
    assert [score for _, score in suggestions] == sorted(
        (score for _, score in suggestions), reverse=True
    )


def test_suggest_offers_nothing_below_the_threshold(found):
    discovery, _ = found
    traps = {"only": discovery.clustering.centroids[0]}
    unrelated = discovery.fitted.transform(["zebra quantum banana"])
    assert clusters.suggest(unrelated.vectors[0], traps, threshold=0.5) == []
    assert clusters.suggest(unrelated.vectors[0], {}) == []
