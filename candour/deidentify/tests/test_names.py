"""Names: NER, gazetteer, propagation, titles, possessives, capitals, names that are words."""

from __future__ import annotations

import pytest

from candour.deidentify.types import KnownEntity


def test_full_and_partial_mentions_share_one_label(redact):
    text = (
        "Kayden Walsh was upset. Later Kayden said KAYDEN WALSH's bag was lost; Kayden's coat too."
    )
    assert redact(text) == (
        "[Person 1] was upset. Later [Person 1] said [Person 1]'s bag was lost; "
        "[Person 1]'s coat too."
    )


def test_different_people_get_different_labels(redact):
    out = redact("Amara Okafor spoke to Tomasz Kowalski, then Amara left.")
    assert out == "[Person 1] spoke to [Person 2], then [Person 1] left."


def test_titles_and_surnames(redact):
    out = redact("Mrs Nowak and Dr Adeyemi met Ms O'Brien. Nowak agreed.")
    for name in ("Nowak", "Adeyemi", "O'Brien"):
        assert name not in out
    assert out.startswith("Mrs [Person")


def test_hyphenated_names(redact):
    out = redact("Lily Smith-Jones attended; Smith-Jones was quiet.")
    for name in ("Smith", "Jones", "Lily"):
        assert name not in out


def test_names_from_many_communities(redact):
    text = (
        "Present: Oluwaseun Adebayo, Siobhan Ni Dhomhnaill, Andrzej Wisniewski, "
        "Ionut Popescu, Daawood Sadan, Priya Chaudhary and Kwame Mensah."
    )
    out = redact(text)
    for name in (
        "Oluwaseun",
        "Adebayo",
        "Siobhan",
        "Andrzej",
        "Wisniewski",
        "Ionut",
        "Popescu",
        "Daawood",
        "Sadan",
        "Priya",
        "Chaudhary",
        "Kwame",
        "Mensah",
    ):
        assert name not in out, name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Grace said she was frightened.", "Grace"),
        ("I spoke to Hope on the phone.", "Hope"),
        ("Faith Mensah arrived late.", "Faith"),
        ("The nurse told Blessing to wait.", "Blessing"),
        ("Precious attended with her aunt, and Precious was calm.", "Precious"),
        ("Mr Hall was not at home.", "Hall"),
        ("We phoned Rose Hall about the visit.", "Rose"),
        ("Hope's mother called the office.", "Hope"),
    ],
)
def test_names_that_are_words_are_caught_as_names(redact, text, name):
    assert name not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "There is hope that the plan will work.",
        "She has faith in the plan.",
        "The council gave a grace period.",
        "We met in the school hall.",
        "A rose bush grew by the door.",
        "It was a precious few days.",
        "The move was a blessing.",
    ],
)
def test_ordinary_words_are_kept(redact, text):
    assert redact(text) == text


def test_known_people_and_places_first_with_roles(engine):
    text = "Kayden went home to 27 Elm Grove; kayden's mum Jade Walsh and Mr Walsh were there."
    result = engine.deidentify(
        text,
        known=[
            KnownEntity("Kayden Walsh", "child"),
            KnownEntity("Jade Walsh", "mother"),
            KnownEntity("27 Elm Grove, Northbrook", "address"),
        ],
    )
    assert result.text == (
        "[Child 1] went home to [Address 1]; [Child 1]'s mum [Mother 1] "
        "and Mr [Person 1] were there."
    )
    assert all(e.source == "known" for e in result.replaced)


def test_known_name_inside_an_email_is_replaced_as_an_email(engine):
    result = engine.deidentify(
        "Write to kayden.walsh@example.com", known=[KnownEntity("Kayden Walsh", "child")]
    )
    assert result.text == "Write to [Email 1]"


def test_result_offsets_point_into_the_original(engine):
    text = "On 3rd March Amara Okafor (NHS 943 476 5919) visited."
    result = engine.deidentify(text)
    values = {text[e.start : e.end] for e in result.replaced}
    assert {"3rd March", "Amara Okafor", "943 476 5919"} <= values
    for entity in result.entities:
        assert 0 <= entity.start < entity.end <= len(text)
        assert entity.score > 0


def test_leftover_capitalised_non_words_are_replaced_and_flagged(engine):
    text = "The report was written by a worker called Zyxandra about Qwelbrin and Zyxandra."
    result = engine.deidentify(text)
    assert result.text == (
        "The report was written by a worker called [Person 1] about [Person 2] and [Person 1]."
    )
    flagged = [e for e in result.entities if e.suspect]
    assert {text[e.start : e.end] for e in flagged} == {"Zyxandra"}  # NER knew "Qwelbrin"
    assert len(flagged) == 2
    assert all(e.source == "residual" and e.replacement == "[Person 1]" for e in flagged)


def test_suspects_can_be_left_for_review_by_configuration():
    from candour.deidentify.engine import Deidentifier

    cautious = Deidentifier(replace_suspects=False)
    text = "The report was written by a worker called Zyxandra about Qwelbrin."
    result = cautious.deidentify(text)
    assert result.text == text  # left for the intake officer to decide
    assert {text[e.start : e.end] for e in result.suspects} == {"Zyxandra", "Qwelbrin"}
    assert all(e.replacement == "" and e.source == "residual" for e in result.suspects)


def test_empty_and_whitespace_text(engine):
    assert engine.deidentify("   ").text == "   "
    assert engine.deidentify("   ").entities == []


def test_overlong_text_is_refused(engine):
    with pytest.raises(ValueError, match="maximum"):
        engine.deidentify("a" * (engine.max_chars + 1))
