"""The one text check at the edges (candour.core.text): control characters and unpaired
surrogates are refused with a message naming the character and where, never quoting the
text; the django-ninja string types use it (forms: test_form_text.py)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ninja import Schema
from pydantic import ValidationError

from candour.core import text

PHRASE = re.compile(r"must [A-Za-z0-9 ,-]+ \(character \d+ is U\+[0-9A-F]{4,6}\)")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc \ud800", "must not contain an unpaired UTF-16 surrogate (character 5 is U+D800)"),
        ("\udfff", "must not contain an unpaired UTF-16 surrogate (character 1 is U+DFFF)"),
        ("a\x00b", "must not contain a NUL character (character 2 is U+0000)"),
        ("bell\x07", "must not contain a control character (character 5 is U+0007)"),
        ("\x1b[31mred", "must not contain a control character (character 1 is U+001B)"),
        ("del\x7f", "must not contain a control character (character 4 is U+007F)"),
        ("next\x85line", "must not contain a control character (character 5 is U+0085)"),
        ("csi\x9b", "must not contain a control character (character 4 is U+009B)"),
        ("vertical\x0btab", "must not contain a control character (character 9 is U+000B)"),
    ],
)
def test_control_characters_and_surrogates_are_refused_by_position(value, expected):
    assert text.problem(value) == expected
    assert text.problem(value, multiline=False) == expected


@pytest.mark.parametrize("value", ["one\ttwo", "line one\nline two", "windows\r\nline ends"])
def test_multiline_text_keeps_tabs_and_line_breaks_a_single_line_does_not(value):
    assert text.problem(value) is None
    found = text.problem(value, multiline=False)
    assert found is not None
    assert found.startswith("must be a single line, without tabs or line breaks")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Siân Ní Bhriain",
        "Zoë O’Connor – “quoted”",
        "محمد",
        "李小龍",
        "family \U0001f468\u200d\U0001f469\u200d\U0001f467",  # emoji with joiners
        "non\u00a0breaking and zero\u200bwidth",
    ],
)
def test_every_script_and_typographic_character_is_accepted(value):
    assert text.problem(value) is None
    assert text.problem(value, multiline=False) is None


def _refused(character: str, *, multiline: bool) -> bool:
    if multiline and character in "\t\n\r":
        return False
    return unicodedata.category(character) in ("Cc", "Cs")


@settings(derandomize=True, max_examples=500, deadline=None)
@given(value=st.text(alphabet=st.characters(codec=None), max_size=200), multiline=st.booleans())
@example(value="abc \ud800", multiline=True)
@example(value="\x00", multiline=True)
@example(value="tab\there", multiline=False)
def test_exactly_control_and_surrogate_characters_are_refused_at_the_first(value, multiline):
    found = text.problem(value, multiline=multiline)
    first = next(
        (i for i, character in enumerate(value) if _refused(character, multiline=multiline)),
        None,
    )

    if first is None:
        assert found is None
    else:
        assert found is not None
        assert PHRASE.fullmatch(found)
        assert f"character {first + 1} is U+{ord(value[first]):04X}" in found


@settings(derandomize=True, deadline=None)
@given(prefix=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=8, max_size=50))
def test_the_message_never_quotes_the_text(prefix):
    found = text.problem(prefix + "\x00" + prefix)

    assert found is not None
    assert prefix not in found


# --- django-ninja schemas ------------------------------------------------------------------------


class _Sample(Schema):
    answer: text.Text
    name: text.Line = ""


def test_schema_text_refuses_with_the_field_named():
    with pytest.raises(ValidationError) as raised:
        _Sample.model_validate({"answer": "abc \ud800", "name": "Ada\x00"})

    errors = {error["loc"]: error["msg"] for error in raised.value.errors()}
    assert errors == {
        ("answer",): "answer must not contain an unpaired UTF-16 surrogate (character 5 is U+D800)",
        ("name",): "name must not contain a NUL character (character 4 is U+0000)",
    }


def test_schema_text_keeps_line_breaks_in_text_not_in_a_line():
    assert _Sample.model_validate({"answer": "one\ntwo"}).answer == "one\ntwo"
    with pytest.raises(ValidationError):
        _Sample.model_validate({"answer": "x", "name": "one\ntwo"})


# --- What the OpenAPI schema says: the same rule as a JSON Schema pattern -----------------------

no_surrogates = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(value=no_surrogates, multiline=st.booleans())
@example(value="one line\n", multiline=False)
def test_the_json_schema_pattern_finds_what_the_check_refuses(value, multiline):
    pattern = re.compile(text.refused_pattern(multiline=multiline))

    assert (pattern.search(value) is None) == text.is_acceptable(value, multiline=multiline)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(value=st.text(alphabet=st.sampled_from(" \t\n\r\u00a0\u2003ab"), max_size=12))
def test_the_non_blank_pattern_is_text_that_strip_leaves_something_of(value):
    found = re.search(text.non_blank_pattern(), value)

    assert (found is not None) == (value.strip() != "")
