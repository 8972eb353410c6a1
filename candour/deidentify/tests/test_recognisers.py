"""Each UK identifier is found and replaced, and the words around it are kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nhs_number import is_valid

from candour.deidentify.types import EntityType


def _types(engine, text):
    return {e.type for e in engine.deidentify(text).replaced}


def _fully_replaced(engine, text: str, value: str) -> bool:
    start = text.index(value)
    end = start + len(value)
    covered = set()
    for entity in engine.deidentify(text).replaced:
        covered.update(range(entity.start, entity.end))
    return all(i in covered for i in range(start, end) if not text[i].isspace())


@pytest.mark.parametrize("value", ["943 476 5919", "9434765919", "943-476-5919"])
def test_nhs_numbers(engine, value):
    text = f"Her NHS number is {value} according to the GP."
    assert _fully_replaced(engine, text, value)
    assert EntityType.NHS_NUMBER in _types(engine, text)


def test_nhs_number_with_a_wrong_check_digit_is_still_replaced_but_less_sure(engine):
    valid = engine.deidentify("ref 943 476 5919").replaced[0]
    invalid = engine.deidentify("ref 943 476 5918").replaced[0]
    assert not is_valid("9434765918")
    assert invalid.type is EntityType.NHS_NUMBER
    assert valid.score > invalid.score


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=400_000_000, max_value=999_999_999))
def test_every_valid_nhs_number_is_replaced(engine, stem):
    digits = str(stem)
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
    check = 11 - total % 11
    if check == 10:
        return
    number = digits + str(0 if check == 11 else check)
    assert is_valid(number)
    text = f"NHS no. {number[:3]} {number[3:6]} {number[6:]} seen today"
    assert number[:3] not in engine.deidentify(text).text


@pytest.mark.parametrize("value", ["AB 12 34 56 C", "ab123456c", "QQ 12 34 56 C"])
def test_national_insurance_numbers(engine, value):
    assert _fully_replaced(engine, f"Father's NI number {value} was on the form.", value)


@pytest.mark.parametrize("value", ["NB1 2AB", "SW1A 1AA", "m1 1ae", "EC1A1BB", "B33 8TH"])
def test_postcodes(engine, value):
    assert _fully_replaced(engine, f"They moved to {value} last week.", value)


@pytest.mark.parametrize(
    "value",
    [
        "07911 123456",
        "+44 7911 123456",
        "+44 (0)161 496 0000",
        "020 7946 0000",
        "(0161) 496 0000",
        "01632 960001",
        "07700900123",
    ],
)
def test_uk_phone_numbers(engine, value):
    assert _fully_replaced(engine, f"Mum can be reached on {value} after 3pm.", value)


def test_email_addresses_and_urls(engine):
    text = (
        "Email jo.bloggs+cp@northbrook.gov.uk or see https://www.example.org.uk/a/b "
        "and www.hillside.sch.uk."
    )
    result = engine.deidentify(text)
    assert "jo.bloggs" not in result.text
    assert "example.org.uk" not in result.text
    assert "hillside.sch.uk" not in result.text
    assert {EntityType.EMAIL, EntityType.URL} <= {e.type for e in result.replaced}


@pytest.mark.parametrize(
    ("value", "replacement"),
    [
        ("3rd March", "March"),
        ("14/02/2019", "February 2019"),
        ("Tuesday 11 June 2024", "June 2024"),
        ("11.06.24", "June 2024"),
        ("the 11th of June, 2024", "June 2024"),
        ("2019-02-14", "February 2019"),
    ],
)
def test_dates_keep_month_and_year(engine, value, replacement):
    text = f"The visit on {value} was cancelled."
    result = engine.deidentify(text)
    assert result.text == f"The visit on {replacement} was cancelled."


def test_dates_removed_under_the_remove_policy():
    from candour.deidentify.engine import Deidentifier
    from candour.deidentify.types import DatePolicy

    strict = Deidentifier(date_policy=DatePolicy.REMOVE)
    result = strict.deidentify("Seen on 3rd March and again on 14/02/2019, then 3rd March.")
    assert result.text == "Seen on [Date 1] and again on [Date 2], then [Date 1]."


@pytest.mark.parametrize(
    "text",
    [
        "DOB 14/02/2019.",
        "date of birth: 3 March 2015.",
        "She was born on 3rd March 2015.",
        "D.O.B. 01-02-2016.",
    ],
)
def test_dates_of_birth_are_removed_entirely(engine, text):
    result = engine.deidentify(text)
    assert "[Date of birth 1]" in result.text
    assert any(e.type is EntityType.DATE_OF_BIRTH for e in result.replaced)
    assert not any(ch.isdigit() for ch in result.text.replace("[Date of birth 1]", ""))


@pytest.mark.parametrize(
    "value",
    [
        "27 Elm Grove",
        "Flat 3, 14 Mill Lane",
        "Flat 2B Chaucer House, Station Road",
        "12A Victoria Road",
        "Apartment 7, 3 Harbour Court",
    ],
)
def test_street_addresses(engine, value):
    assert _fully_replaced(engine, f"The family lives at {value}, near the park.", value)


def test_street_without_a_number(engine):
    assert "Mill Lane" not in engine.deidentify("He was seen walking along Mill Lane.").text


def test_court_and_titles_are_not_streets(engine):
    result = engine.deidentify("The Family Court listed the hearing.")
    assert "Family Court" in result.text


def test_configured_case_reference(engine):
    text = "Case NB-2024-00123 was transferred."
    assert "NB-2024-00123" not in engine.deidentify(text).text


@pytest.mark.parametrize(
    "value", ["Mosaic ID 1234567", "case ref CR/2023/4567", "LCS ref: AB12345"]
)
def test_named_references(engine, value):
    number = value.split()[-1]
    assert number not in engine.deidentify(f"See {value} for the history.").text


@pytest.mark.parametrize(
    "value",
    [
        "Hillside Primary School",
        "St Mary's Catholic Primary",
        "Little Acorns Nursery",
        "Oakfield Academy",
        "Parkview Surgery",
        "Riverside Medical Practice",
        "Eastfield Health Centre",
        "St James's University Hospital",
        "Royal Northbrook Infirmary",
    ],
)
def test_schools_nurseries_and_health_settings(engine, value):
    text = f"A referral came from {value} on Monday."
    assert _fully_replaced(engine, text, value)
    assert _types(engine, text) & {EntityType.SCHOOL, EntityType.HEALTH_SETTING}


def test_words_around_identifiers_are_kept(engine):
    text = "The GP at Parkview Surgery phoned MASH about the 14-year-old, aged 14, at 3pm."
    result = engine.deidentify(text)
    for kept in ("The GP at", "phoned MASH about the 14-year-old, aged 14, at 3pm."):
        assert kept in result.text
