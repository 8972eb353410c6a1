"""NHS, CHI and H&C numbers are accepted when well formed and refused, without echoing the
number, when mistyped, misdated or outside the ranges their system issues."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from nhs_number import (
    REGION_ENGLAND_WALES_IOM,
    REGION_NORTHERN_IRELAND,
    REGION_SCOTLAND,
    REGION_SYNTHETIC,
    calculate_checksum,
    is_valid,
)

from candour.flags.identifiers import (
    FHIR_SYSTEM_URIS,
    ISSUED_RANGES,
    TEST_RANGE,
    Identifier,
    IdentifierSystem,
    InvalidIdentifier,
    check_digit,
    normalise,
    parse,
)

NHS, CHI, HC = IdentifierSystem.NHS, IdentifierSystem.CHI, IdentifierSystem.HC


def complete(first_nine: str) -> str:
    """A valid ten-digit number from nine digits that have a check digit."""
    digit = check_digit(first_nine)
    assert digit is not None
    return first_nine + str(digit)


def refusal(value: str, system: IdentifierSystem | None = None, **kwargs: bool) -> str:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(value, system, **kwargs)
    return caught.value.code


def no_long_digit_run(text: str) -> bool:
    """At most three digits in a row, i.e. no more of a number than "ending 919"."""
    return re.search(r"[0-9]{4}", text) is None


# The independent oracle: nhs_number's own regions (is_valid includes the CHI date rule).
def expected_system(number: str) -> IdentifierSystem | None:
    regions = [(CHI, REGION_SCOTLAND), (HC, REGION_NORTHERN_IRELAND)]
    regions.append((NHS, REGION_ENGLAND_WALES_IOM))
    return next((s for s, region in regions if region.contains_number(number)), None)


nine_digits = st.integers(min_value=0, max_value=999_999_999).map(lambda n: f"{n:09d}")
chi_prefixes = st.builds(
    lambda born, rest: born.strftime("%d%m%y") + f"{rest:03d}",
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
hc_prefixes = st.integers(min_value=320_000_000, max_value=399_999_999).map(str)
nhs_prefixes = st.one_of(
    st.integers(min_value=400_000_000, max_value=499_999_999),
    st.integers(min_value=600_000_000, max_value=799_999_999),
).map(str)
any_prefix = st.one_of(nine_digits, chi_prefixes, hc_prefixes, nhs_prefixes)


# Known numbers ---------------------------------------------------------------------------------


def test_the_published_nhs_example_has_check_digit_nine():
    assert check_digit("943476591") == 9
    assert is_valid("9434765919")


def test_the_published_example_is_a_test_number_unless_test_numbers_are_allowed():
    assert refusal("943 476 5919") == "wrong_range"
    assert parse("943 476 5919", allow_test_range=True) == Identifier(NHS, "9434765919")
    assert parse("9434765919", NHS, allow_test_range=True).system is NHS


@pytest.mark.parametrize(
    ("number", "system"),
    [
        ("4010232137", NHS),
        ("4505577104", NHS),
        ("6123456784", NHS),
        ("4000000004", NHS),  # first of the lower NHS block
        ("7999999997", NHS),  # last of the upper NHS block
        ("0101000006", CHI),  # 01/01/00, the first CHI date
        ("3112999991", CHI),  # 31/12/99, the last
        ("2902001231", CHI),  # 29/02/00: 2000 was a leap year
        ("3200000007", HC),
        ("3512345670", HC),
        ("3999999993", HC),
    ],
)
def test_known_valid_numbers(number, system):
    assert check_digit(number[:9]) == int(number[9])
    assert is_valid(number)
    assert parse(number) == Identifier(system, number)
    assert parse(number, system) == Identifier(system, number)


@pytest.mark.parametrize(
    "written",
    [
        "401 023 2137",
        "401-023-2137",
        "  4010232137\n",
        "401 0232 137",
        "401\u00a0023\u00a02137",  # non-breaking spaces, as pasted from a letter
        "401\u2013023\u20132137",  # en dashes, as a word processor "corrects" hyphens
    ],
)
def test_spaces_and_hyphens_are_ignored(written):
    assert normalise(written) == "4010232137"
    assert parse(written).value == "4010232137"


def test_identifier_shows_grouped_and_masked_never_in_full_by_accident():
    identifier = parse("4010232137")
    assert identifier.formatted == "401 023 2137"
    assert identifier.masked == "ending 137"
    assert "4010232137" not in repr(identifier)
    assert "4010232137" not in f"{identifier}"


def test_fhir_system_uris():
    assert NHS.uri == "https://fhir.nhs.uk/Id/nhs-number"  # cp-is.md §4.3
    assert set(FHIR_SYSTEM_URIS) == set(IdentifierSystem)
    assert len(set(FHIR_SYSTEM_URIS.values())) == 3
    assert [s.value for s in IdentifierSystem] == ["nhs", "chi", "hc"]


def test_ranges_agree_with_nhs_number_package():
    def spans(region):
        return tuple((r.start, r.end) for r in region.ranges)

    assert ISSUED_RANGES[CHI] == spans(REGION_SCOTLAND)
    assert ISSUED_RANGES[HC] == spans(REGION_NORTHERN_IRELAND)
    assert ISSUED_RANGES[NHS] == spans(REGION_ENGLAND_WALES_IOM)
    assert spans(REGION_SYNTHETIC) == (TEST_RANGE,)


# Refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["", "401", "401 023 213", "40102321370", "401023213O", "ABC0232137", "4010232137x", "+44"],
)
def test_not_ten_digits(value):
    assert refusal(value) == "not_ten_digits"


def test_digits_from_other_scripts_are_not_digits():
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "4010232137")
    assert refusal(arabic_indic) == "not_ten_digits"


@pytest.mark.parametrize(
    ("number", "system"),
    [
        ("4010232138", None),
        ("4010232138", NHS),
        ("9434765918", None),
        ("0101000007", CHI),
        ("3200000008", HC),
        ("1203841230", None),  # 120384123 has no check digit at all (remainder makes 10)
        ("1203841239", CHI),
    ],
)
def test_bad_check_digit(number, system):
    assert refusal(number, system) == "bad_check_digit"


@pytest.mark.parametrize(
    "first_nine",
    ["310299123", "000000123", "300200000", "290201000", "321299000", "011399000"],
)
def test_chi_with_an_impossible_date(first_nine):
    number = complete(first_nine)
    assert refusal(number, CHI) == "bad_date_of_birth"


def test_an_impossible_date_inside_the_chi_range_is_reported_as_a_date_problem():
    assert refusal(complete("310299123")) == "bad_date_of_birth"
    assert refusal(complete("000000123")) == "wrong_range"  # below every issued range


@pytest.mark.parametrize(
    ("first_nine", "system"),
    [
        ("500000000", None),  # reserved, never issued
        ("812000000", None),  # Republic of Ireland IHI
        ("311300000", None),  # gap between CHI and H&C
        ("000000123", None),
        ("401023213", HC),
        ("401023213", CHI),  # CHI's date check comes first: 40/10 is not a date
        ("320000000", NHS),
        ("010100000", NHS),
        ("943476591", NHS),
    ],
)
def test_wrong_range(first_nine, system):
    number = complete(first_nine)
    expected = "bad_date_of_birth" if system is CHI else "wrong_range"
    assert refusal(number, system) == expected


def test_test_numbers_are_only_ever_nhs_numbers():
    assert refusal("9434765919", HC, allow_test_range=True) == "wrong_range"


def test_wrong_range_says_what_the_number_looks_like():
    with pytest.raises(InvalidIdentifier) as caught:
        parse("3200000007", NHS)
    assert caught.value.message == (
        "The number ending 007 is not in the range issued for NHS numbers; "
        "it looks like an H&C number."
    )


@pytest.mark.parametrize(
    ("value", "system"),
    [
        ("4010232137", HC),
        ("4010232138", None),
        ("4010232138", NHS),
        ("3102991238", CHI),
        ("5000000005", None),
        ("9434765919", None),
        ("40102321370", None),
        ("401023213O", NHS),
    ],
)
def test_messages_show_at_most_the_last_three_digits(value, system):
    with pytest.raises(InvalidIdentifier) as caught:
        parse(value, system)
    for text in (str(caught.value), repr(caught.value), caught.value.message):
        assert no_long_digit_run(text), text
    if caught.value.code != "not_ten_digits":
        assert f"ending {value[-3:]}" in caught.value.message


@pytest.mark.parametrize("bad", ["12345678", "1234567890", "12345678a", "١٢٣٤٥٦٧٨٩"])
def test_check_digit_needs_nine_ascii_digits(bad):
    with pytest.raises(ValueError, match="nine digits"):
        check_digit(bad)


# Properties ------------------------------------------------------------------------------------


@given(nine_digits)
def test_check_digit_agrees_with_nhs_number(prefix):
    digit = check_digit(prefix)
    completions = [d for d in range(10) if is_valid(prefix + str(d))]
    if digit is None:
        assert calculate_checksum(prefix) == 10
        assert completions == []
    else:
        assert calculate_checksum(prefix) == digit
        # is_valid adds the CHI date rule; outside it, the completion is the only valid one.
        assert completions in ([digit], [])
        if expected_system(prefix + str(digit)) is not CHI:
            assert completions == [digit]


@given(any_prefix)
def test_every_completed_number_parses_when_in_an_issued_range(prefix):
    digit = check_digit(prefix)
    assume(digit is not None)
    number = f"{prefix}{digit}"
    system = expected_system(number)
    if system is None:
        assert refusal(number) == "wrong_range"
    elif system is CHI and not is_valid(number):
        assert refusal(number) == "bad_date_of_birth"
    else:
        assert parse(number) == Identifier(system, number)
        assert parse(number, system) == Identifier(system, number)
        assert parse(f"{number[:3]} {number[3:6]} {number[6:]}", system).value == number


@given(any_prefix, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_every_single_digit_error_is_caught(prefix, position, shift):
    digit = check_digit(prefix)
    assume(digit is not None)
    number = f"{prefix}{digit}"
    wrong = str((int(number[position]) + shift) % 10)
    typo = number[:position] + wrong + number[position + 1 :]
    assert not is_valid(typo)
    for system in (None, *IdentifierSystem):
        assert refusal(typo, system) == "bad_check_digit"


@given(any_prefix, st.integers(min_value=0, max_value=8))
def test_every_adjacent_transposition_is_caught(prefix, position):
    digit = check_digit(prefix)
    assume(digit is not None)
    number = f"{prefix}{digit}"
    first, second = number[position], number[position + 1]
    assume(first != second)
    swapped = number[:position] + second + first + number[position + 2 :]
    assert not is_valid(swapped)
    for system in (None, *IdentifierSystem):
        assert refusal(swapped, system) == "bad_check_digit"


@given(
    st.text(alphabet="0123456789 -abcO\u00a0", max_size=16), st.sampled_from([None, NHS, CHI, HC])
)
def test_no_input_is_echoed_back_in_a_message(value, system):
    refused = None
    try:
        parse(value, system)
    except InvalidIdentifier as error:
        refused = error
    if refused is not None:
        assert no_long_digit_run(refused.message)
        assert refused.code in {
            "not_ten_digits",
            "bad_check_digit",
            "bad_date_of_birth",
            "wrong_range",
        }
