"""UK national health identifiers: NHS number, CHI number (Scotland) and H&C number (N. Ireland).

A flag is keyed on one of these, so a mistyped number must be refused at the door rather than
silently matching nobody, or somebody else. All three are ten digits ending in the same
modulus-11 check digit; they differ in the ranges issued and, for CHI, a date-of-birth prefix.
Passing here means well formed, not that the number belongs to anyone: it still has to be traced
on PDS or the national equivalent (reference sheet §4.4).

Error messages never repeat the whole number, because they end up in logs and on screens that
the number's owner has no say over; they show at most the last three digits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

from nhs_number import calculate_checksum

__all__ = [
    "FHIR_SYSTEM_URIS",
    "ISSUED_RANGES",
    "TEST_RANGE",
    "Identifier",
    "IdentifierSystem",
    "InvalidIdentifier",
    "check_digit",
    "normalise",
    "parse",
]


class IdentifierSystem(StrEnum):
    """Which national register issued a number; the value is a short code fit for storage."""

    NHS = "nhs"
    CHI = "chi"
    HC = "hc"

    @property
    def uri(self) -> str:
        """FHIR `Identifier.system`, so records can be exchanged without a lookup table."""
        return FHIR_SYSTEM_URIS[self]

    @property
    def label(self) -> str:
        """How people name the number, for messages."""
        return _LABELS[self]


# FHIR identifier system URIs.
# - NHS: stated in the reference sheet (cp-is.md §4.3, CP-IS FHIR R4 API,
#   `patient:identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs}`).
# - CHI and H&C: the sheet gives none (§6 marks both [U]). CHOSEN, not confirmed: the values an
#   NHS England draft FHIR implementation guide uses in its "Find a patient by CHI / H&C Number"
#   sections, which still carry "TODO" notes. Other published guides use
#   `urn:oid:2.16.840.1.113883.2.1.3.2.4.16.53` for CHI and `https://fhir.nhs.uk/Id/hsc-number`
#   for H&C, so confirm with NHS Scotland / BSO Northern Ireland before exchanging records.
FHIR_SYSTEM_URIS: Final[Mapping[IdentifierSystem, str]] = MappingProxyType(
    {
        IdentifierSystem.NHS: "https://fhir.nhs.uk/Id/nhs-number",
        IdentifierSystem.CHI: "https://fhir.nhs.uk/Id/chi-number",
        IdentifierSystem.HC: "https://fhir.nhs.uk/Id/hc-number",
    }
)

_LABELS: Final[Mapping[IdentifierSystem, str]] = MappingProxyType(
    {
        IdentifierSystem.NHS: "NHS number",
        IdentifierSystem.CHI: "CHI number",
        IdentifierSystem.HC: "H&C number",
    }
)
# "an NHS", "an H&C" (said en-aitch-ess, aitch-and-see), "a CHI" (said chee or kai).
_WITH_ARTICLE: Final[Mapping[IdentifierSystem, str]] = MappingProxyType(
    {
        IdentifierSystem.NHS: "an NHS number",
        IdentifierSystem.CHI: "a CHI number",
        IdentifierSystem.HC: "an H&C number",
    }
)

Range: TypeAlias = tuple[int, int]

# Inclusive ranges of whole ten-digit numbers that each system issues. The reference sheet states
# none (§4.4 gives only the check digit), so these follow `nhs_number` 2.2.0's `constants.py`,
# which collates the published allocations; a test keeps the two in step. The ranges do not
# overlap, so the range alone says which system a number belongs to. Not issued by anyone:
# 0000000000-0099999999, 3113000000-3199999999, 5000000000-5999999999, 8000000000-8999999999
# (8000000000-8599999999 is the Republic of Ireland's IHI) and the test range below.
ISSUED_RANGES: Final[Mapping[IdentifierSystem, tuple[Range, ...]]] = MappingProxyType(
    {
        # DDMMYY prefix, 01/01/YY to 31/12/YY; a real date implies this range.
        IdentifierSystem.CHI: ((100_000_000, 3_112_999_999),),
        IdentifierSystem.HC: ((3_200_000_000, 3_999_999_999),),
        IdentifierSystem.NHS: ((4_000_000_000, 4_999_999_999), (6_000_000_000, 7_999_999_999)),
    }
)

# Never issued to a patient: PDS test patients and published examples (943 476 5919) live here,
# so it is accepted, as NHS numbers, only when a caller asks (demonstrations, integration tests).
TEST_RANGE: Final[Range] = (9_000_000_000, 9_999_999_999)

ErrorCode: TypeAlias = Literal[
    "not_ten_digits", "bad_check_digit", "bad_date_of_birth", "wrong_range"
]

# Whitespace (including non-breaking spaces) and the hyphens and dashes word processors swap in.
_SEPARATORS: Final = re.compile(r"[\s\-\u2010-\u2013\u2212]")
# ASCII only: `\d` would also accept digits from other scripts.
_TEN_DIGITS: Final = re.compile(r"[0-9]{10}")
_NINE_DIGITS: Final = re.compile(r"[0-9]{9}")


class InvalidIdentifier(ValueError):  # noqa: N818  (bad input from a person, not a program error)
    """A number that cannot be a national identifier; `code` is for programs, the text for people.

    Neither carries the number itself, so the exception is safe to log.
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message


@dataclass(frozen=True, slots=True, repr=False)
class Identifier:
    """A well-formed national identifier; build it with `parse` so that it has been checked.

    `repr` masks the number so that logging an identifier does not disclose it; use `value`.
    """

    system: IdentifierSystem
    value: str

    @property
    def masked(self) -> str:
        """The most of the number that may be shown outside the record, e.g. "ending 919"."""
        return _ending(self.value)

    @property
    def formatted(self) -> str:
        """Grouped 3-3-4, as printed on NHS letters and cards, for reading aloud over the phone."""
        return f"{self.value[:3]} {self.value[3:6]} {self.value[6:]}"

    def __repr__(self) -> str:
        return f"Identifier({self.system.value}, {self.masked})"


def normalise(value: str) -> str:
    """Drop spaces and hyphens: people write 943 476 5919 or 943-476-5919 for 9434765919."""
    return _SEPARATORS.sub("", value)


def check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit shared by NHS, CHI and H&C numbers, or None if there is none.

    Weights 10 down to 2 on the nine digits; 11 minus the remainder mod 11, with 11 read as 0.
    A result of 10 means no number starts with these nine digits (reference sheet §4.4).
    """
    if not _NINE_DIGITS.fullmatch(first_nine):
        raise ValueError("check_digit needs exactly nine digits")
    weighted = zip(first_nine, range(10, 1, -1), strict=True)
    remainder = sum(int(digit) * weight for digit, weight in weighted)
    check = (11 - remainder % 11) % 11
    return None if check == 10 else check


def parse(
    value: str, system: IdentifierSystem | None = None, *, allow_test_range: bool = False
) -> Identifier:
    """Check `value` and say which system it belongs to, raising `InvalidIdentifier` if it cannot.

    With `system` given the number must belong to it; without, the range decides (the ranges do
    not overlap). Checks run from the likeliest slip to the least: length, then check digit (a
    mistyped digit), then the CHI date, then the range, so the message names the real problem.
    """
    digits = normalise(value)
    if not _TEN_DIGITS.fullmatch(digits):
        raise InvalidIdentifier("not_ten_digits", _shape_message(digits, system))

    claimed = system or _system_by_range(digits, allow_test_range=allow_test_range)
    if not _check_digit_ok(digits, claimed):
        what = _WITH_ARTICLE[claimed] if claimed else "an NHS, CHI or H&C number"
        raise InvalidIdentifier(
            "bad_check_digit",
            f"The number {_ending(digits)} is not {what}: its check digit does not "
            "match, so a digit has probably been mistyped.",
        )
    if claimed is IdentifierSystem.CHI and not _is_ddmmyy(digits[:6]):
        raise InvalidIdentifier(
            "bad_date_of_birth",
            f"The number {_ending(digits)} is not a CHI number: its first six digits "
            "must be the date of birth as DDMMYY.",
        )
    if claimed is None or not _in_range(digits, claimed, allow_test_range=allow_test_range):
        raise InvalidIdentifier("wrong_range", _range_message(digits, claimed, allow_test_range))
    return Identifier(claimed, digits)


def _check_digit_ok(digits: str, system: IdentifierSystem | None) -> bool:
    """NHS numbers go through `nhs_number` (a maintained library); CHI and H&C share our copy.

    `nhs_number.calculate_checksum` is used rather than `is_valid`, because `is_valid` also
    applies the CHI date rule to anything in the CHI range, which would report a misplaced but
    correctly checked number as a typo.
    """
    if system is IdentifierSystem.NHS:
        return calculate_checksum(digits[:9]) == int(digits[9])
    return check_digit(digits[:9]) == int(digits[9])


def _is_ddmmyy(six: str) -> bool:
    """Whether six digits are a real date; the century is unknown, so the year is read as 20YY.

    20YY and 19YY are leap years alike except 2000 and 1900; 29 February 2000 was real, so
    290200 is rightly accepted.
    """
    try:
        date(2000 + int(six[4:]), int(six[2:4]), int(six[:2]))
    except ValueError:
        return False
    return True


def _ranges(system: IdentifierSystem, *, allow_test_range: bool) -> tuple[Range, ...]:
    ranges = ISSUED_RANGES[system]
    if allow_test_range and system is IdentifierSystem.NHS:
        return (*ranges, TEST_RANGE)
    return ranges


def _in_range(digits: str, system: IdentifierSystem, *, allow_test_range: bool) -> bool:
    number = int(digits)
    ranges = _ranges(system, allow_test_range=allow_test_range)
    return any(low <= number <= high for low, high in ranges)


def _system_by_range(digits: str, *, allow_test_range: bool) -> IdentifierSystem | None:
    for system in IdentifierSystem:
        if _in_range(digits, system, allow_test_range=allow_test_range):
            return system
    return None


def _ending(digits: str) -> str:
    return f"ending {digits[-3:]}"


def _shape_message(digits: str, system: IdentifierSystem | None) -> str:
    what = _WITH_ARTICLE[system] if system else "an NHS, CHI or H&C number"
    what = what[0].upper() + what[1:]
    if not digits.isascii() or not digits.isdigit():
        return f"{what} is made of digits only; this has other characters in it."
    return f"{what} has 10 digits; this has {len(digits)}."


def _range_message(digits: str, system: IdentifierSystem | None, allow_test_range: bool) -> str:
    ending = _ending(digits)
    number = int(digits)
    if TEST_RANGE[0] <= number <= TEST_RANGE[1]:
        return f"The number {ending} is a test number, never issued to a patient."
    looks_like = _system_by_range(digits, allow_test_range=allow_test_range)
    if system is None or looks_like is None:
        return f"The number {ending} is not in a range issued for NHS, CHI or H&C numbers."
    return (
        f"The number {ending} is not in the range issued for {system.label}s; "
        f"it looks like {_WITH_ARTICLE[looks_like]}."
    )
