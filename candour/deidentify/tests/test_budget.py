"""The engine's time budget: a text it cannot finish in time comes back missing, never
half-done, and the texts before it are kept (ADR 0014)."""

from __future__ import annotations

import time

import pytest

from candour.deidentify import budget
from candour.deidentify.engine import Deidentifier, shared_engine
from candour.deidentify.offline import default_model_path
from candour.deidentify.pipeline import URL_MATCH_MAX_CHARS, bounded_url_match, load_pipeline
from candour.deidentify.types import KnownEntity


class FakeClock:
    """The budget's clock, moved on only by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(budget, "_now", fake)
    return fake


def _slow_on(engine: Deidentifier, word: str, clock: FakeClock, monkeypatch) -> None:
    """Make the URL recogniser take 60 (fake) seconds on a text containing ``word``."""
    recognizer = next(r for r in engine.analyzer.registry.recognizers if r.name == "UrlRecognizer")
    analyze = recognizer.analyze

    def slow(text, entities, nlp_artifacts=None):
        if word in text:
            clock.now += 60
        return analyze(text, entities, nlp_artifacts)

    monkeypatch.setattr(recognizer, "analyze", slow)


def test_without_a_budget_nothing_is_missing(engine):
    results = engine.deidentify_many(["Kayden Walsh was seen.", "Call 07911 123456."])
    assert [r.missing for r in results] == [False, False]


def test_texts_after_the_budget_runs_out_are_missing_and_empty(engine, clock, monkeypatch):
    _slow_on(engine, "slow", clock, monkeypatch)
    texts = ["Kayden Walsh was seen.", "A slow one about Kayden.", "Call 07911 123456."]
    results = engine.deidentify_many(
        texts, [[KnownEntity("Kayden Walsh", "child")]] * 3, budget_seconds=8
    )
    assert [r.missing for r in results] == [False, True, True]
    assert results[0].text == "[Child 1] was seen."
    for result in results[1:]:
        assert result.text == ""
        assert result.entities == []


def test_a_budget_already_spent_leaves_every_text_missing(engine):
    results = engine.deidentify_many(["Kayden Walsh was seen."], budget_seconds=0)
    assert results[0].missing
    assert results[0].text == ""


def test_a_budget_is_per_call_and_ends_with_it(engine, clock, monkeypatch):
    _slow_on(engine, "slow", clock, monkeypatch)
    assert engine.deidentify("slow", budget_seconds=8).missing
    assert budget.remaining() is None
    assert not engine.deidentify("slow, with no budget").missing


def test_an_organisations_catastrophic_pattern_is_stopped_by_the_budget():
    # Exponential in any backtracking engine: nobody vets an organisation's pattern.
    engine = shared_engine((r"(?:a|aa)+$",))
    started = time.monotonic()
    result = engine.deidentify("a" * 40 + "!", budget_seconds=0.3)
    assert result.missing
    assert time.monotonic() - started < 10  # not the minutes the pattern alone would take


def test_spacys_url_pattern_is_never_asked_about_a_long_run_without_spaces():
    # The pattern is quadratic in the run's length (0.7 s on 16,000 characters of "a:a:…",
    # 3 s on 32,000): a run longer than any web address is not put to it. How long the
    # engine takes is measured in benchmarks/deidentify.py, not here.
    asked: list[str] = []
    bounded = bounded_url_match(lambda text: asked.append(text))
    bounded("a:" * (URL_MATCH_MAX_CHARS // 2))
    bounded("a:" * 16_000)
    assert [len(text) for text in asked] == [URL_MATCH_MAX_CHARS]

    tokenizer = load_pipeline(default_model_path()).tokenizer
    assert tokenizer.url_match.__qualname__ == bounded.__qualname__
    assert tokenizer.url_match("https://www.example.org/a") is not None
    text = "a:" * 16_000
    assert "".join(token.text_with_ws for token in tokenizer(text)) == text


SHAPES = {
    "a.a.a.": "a." * 6_000,
    "a-a-a-": "a-" * 6_000,
    "A-A-A-": "A-" * 6_000,
    "dots around @": "a." * 3_000 + "@" + "a." * 3_000,
    "capitals": "A" * 12_000,
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_the_whole_engine_takes_linear_time_on_the_shapes_that_blew_up(engine, text):
    started = time.process_time()
    result = engine.deidentify(text, budget_seconds=None)
    assert not result.missing
    # spaCy costs ~0.2 s per KB of text that is all punctuation; the old URL pattern alone
    # took 2 s per KB of 12 KB of "a.a.a…".
    assert time.process_time() - started < 1.0 * len(text) / 1024


def test_a_long_text_is_parsed_in_pieces_that_join_to_it():
    from candour.deidentify.pipeline import PIECE_CHARS, cut_into_pieces

    prose = "Kayden was seen. " * 1_000 + "\n\n" + "a-" * 4_000 + "\n" + "end"
    pieces = cut_into_pieces(prose)
    assert "".join(pieces) == prose
    assert len(pieces) > 1
    assert all(len(piece) <= PIECE_CHARS for piece in pieces)
    # Cut after sentences, then between paragraphs, and only where there is no space at all,
    # anywhere.
    assert [piece[-2:] for piece in pieces] == [". ", ". ", ". ", "\n\n", "a-", "nd"]
    assert cut_into_pieces("short") == ["short"]


def test_a_long_text_in_pieces_is_de_identified_throughout(engine):
    text = "Kayden Okafor rang 07911 123456 about 27 Elm Grove.\n\n" * 200  # 10,600 characters
    result = engine.deidentify(text)
    assert "Okafor" not in result.text
    assert "07911" not in result.text
    assert "Elm Grove" not in result.text
    for entity in result.entities:  # offsets in the original, across the pieces
        assert text[entity.start : entity.end].strip() == text[entity.start : entity.end]
    assert {text[e.start : e.end] for e in result.entities} == {
        "Kayden Okafor",
        "07911 123456",
        "27 Elm Grove",
    }


def test_the_budget_stops_a_long_text_part_way_through_its_parse(engine, clock, monkeypatch):
    """20,000 characters of punctuation, each piece taking spaCy 3 (fake) seconds: with a
    budget of 8 s the engine stops after the third piece, not after the whole text."""
    parsed = []

    class SlowNlp:
        def __init__(self, nlp):
            self.nlp = nlp

        def pipe(self, texts, batch_size):
            for doc in self.nlp.pipe(texts, batch_size=batch_size):
                parsed.append(len(doc.text))
                clock.now += 3
                yield doc

    monkeypatch.setattr(engine, "nlp", SlowNlp(engine.nlp))
    result = engine.deidentify("a-" * 10_000, budget_seconds=8)
    assert result.missing
    assert len(parsed) == 3
    assert sum(parsed) < 20_000


def test_a_person_listed_many_times_costs_no_more_than_once(engine):
    text = "Kayden Walsh and Mrs Walsh were seen at 27 Elm Grove. " * 20
    once = engine.deidentify(text, [KnownEntity("Kayden Walsh", "child")])
    many = engine.deidentify(text, [KnownEntity("Kayden Walsh", "child")] * 100)
    assert many == once
