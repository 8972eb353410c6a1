"""Seeded synthetic corpus of UK children's social care case notes, with gold spans.

``generate(n, seed)`` writes ``n`` case-note paragraphs (about 400-900 characters) about
near misses and incidents: home visits, strategy meetings, missed school referrals, hospital
attendances, transfers between teams, out-of-hours calls. Every identifier is recorded as a
``GoldSpan`` with exact character offsets; ``keep`` lists ordinary words that look like names
("faith in the plan", "the school hall") and must survive de-identification; ``plain`` lists
other words that are not identifiers (role words such as "GP", "MASH", "DOB", ages, times).

Conventions of the gold spans:

* PERSON spans hold the name only: a title ("Mrs", "Dr", "PC") and a possessive "'s" stay
  outside the span.
* DATE_OF_BIRTH spans hold the date only; the label ("DOB", "date of birth:", "born on") is
  plain text. "the 5th" is written with "5th" as the DATE span.
* An address line ("Flat 3, 14 Mill Lane") is an ADDRESS span; the postcode after it is a
  separate POSTCODE span.
* Case references follow ``CASE_REFERENCE_PATTERNS`` (for "Mosaic ID 1234567" the span is
  the number; the label is plain text).

Everything is drawn from one ``random.Random`` per document, seeded from ``(seed, index)``,
so a document does not depend on how many others are generated. Names come from the person
data of Faker's locale providers (read as lists; Faker's own random generator is not used)
plus short romanised Arabic and Somali lists, and names that are ordinary words (Faith, Hope,
Grace, Blessing, Precious, Rose, Hall) appear both as names and as ordinary words.

``load_presidio_synth(path)`` reads presidio-research's ``synth_dataset_v2.json`` format.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from candour.deidentify.types import EntityType, KnownEntity

# Case-reference formats used by the generator, one regex per format; each matches exactly the
# gold span (for Mosaic IDs the number after the label).
CASE_REFERENCE_PATTERNS: list[str] = [
    r"\bNB-20\d{2}-\d{5}\b",
    r"\bCR/20\d{2}/\d{4}\b",
    r"(?:(?<=Mosaic ID )|(?<=Mosaic ID: )|(?<=Mosaic number ))\d{7}\b",
]

# First names that are also ordinary words, and the surname "Hall".
WORD_FIRST_NAMES: tuple[str, ...] = (
    "Faith",
    "Hope",
    "Grace",
    "Blessing",
    "Precious",
    "Rose",
    "Joy",
    "Patience",
    "Favour",
)
WORD_SURNAMES: tuple[str, ...] = ("Hall",)
# The words that must appear both as names and as ordinary (kept) words in the corpus.
NAME_WORDS: tuple[str, ...] = ("Faith", "Hope", "Grace", "Blessing", "Precious", "Rose", "Hall")

MIN_CHARS = 400
MAX_CHARS = 900


@dataclass(frozen=True)
class GoldSpan:
    type: EntityType
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Document:
    text: str
    spans: list[GoldSpan]
    known: list[KnownEntity] = field(default_factory=list)
    # Ordinary words that look like names and must be kept ("faith in the plan").
    keep: list[tuple[int, int]] = field(default_factory=list)
    # Other non-identifiers that should be kept: role words, labels, ages, times.
    plain: list[tuple[int, int]] = field(default_factory=list)
    # Ranges left out of scoring altogether (labelled types outside EntityType in external sets).
    ignore: list[tuple[int, int]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Names


@dataclass(frozen=True)
class _Pool:
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    female_surnames: tuple[str, ...] = ()  # parallel to surnames where the form differs


# Share of people drawn from each group (about 40% outside the British/Irish pools).
_GROUP_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("en_GB", 0.55),
    ("en_IE", 0.05),
    ("pl_PL", 0.06),
    ("ro_RO", 0.05),
    ("lt_LT", 0.03),
    ("en_IN", 0.05),
    ("en_PK", 0.05),
    ("yo_NG", 0.03),
    ("ig_NG", 0.02),
    ("en_NG", 0.02),
    ("tw_GH", 0.03),
    ("ar", 0.03),
    ("so", 0.03),
)
_WORD_NAME_GROUPS = frozenset({"yo_NG", "ig_NG", "en_NG", "tw_GH"})


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Faker's ar_AA names are in Arabic script; these are common romanised forms.
_ARABIC = _Pool(
    male=_words(
        """
        Ahmed Mohammed Omar Yusuf Ibrahim Khalid Hassan Hussein Ali Tariq Karim Samir
        Bilal Zaid Hamza Mustafa Abdullah Idris Sami Nabil Walid Faisal Rami Jamal Anas
        """
    ),
    female=_words(
        """
        Fatima Aisha Layla Maryam Noor Amira Yasmin Zainab Huda Rania Salma Hana Leila
        Samira Khadija Iman Dalia Reem Nadia Lina Rahaf Shahd Malak
        """
    ),
    surnames=_words(
        """
        Al-Hashimi Haddad Mansour Khalil Nasser Saleh Abboud Farouk Hamdan El-Sayed Aziz
        Darwish Habib Jaber Osman Yassin Hijazi Barakat Mahmoud Al-Masri Shami Kassem
        Al-Amin Suleiman Qasim
        """
    ),
)
_SOMALI = _Pool(
    male=_words(
        """
        Abdirahman Mahad Abdullahi Liban Guled Hamza Mukhtar Abdi Bashir Hassan Ayanle
        Sakariye Khalid Mohamed Yonis
        """
    ),
    female=_words(
        """
        Hodan Ayaan Sahra Ilhan Fadumo Hibo Ifrah Nimco Sagal Deeqa Hamdi Ubah Ladan
        Naima Asha
        """
    ),
    surnames=_words(
        """
        Abdi Farah Warsame Hirsi Mohamud Jama Yusuf Ali Omar Hussein Osman Egal Aden
        Duale Ismail Nur Guled Haji
        """
    ),
)


def _is_latin(name: str) -> bool:
    for ch in name:
        if ch.isalpha() and not ch.isascii() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def _clean(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for raw in names:
        name = raw.strip()
        if name and name[0].isupper() and _is_latin(name) and " " not in name and name != "Doe":
            seen.setdefault(name, None)
    return tuple(seen)


def _polish_female(surname: str) -> str:
    for male, female in (("dzki", "dzka"), ("cki", "cka"), ("ski", "ska")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname


def _lithuanian_female(surname: str) -> str:
    for male, female in (("auskas", "auskienė"), ("as", "ienė"), ("is", "ienė"), ("us", "ienė")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname


@cache
def _pools() -> dict[str, _Pool]:
    pools: dict[str, _Pool] = {"ar": _ARABIC, "so": _SOMALI}
    for locale, _ in _GROUP_WEIGHTS:
        if locale in pools:
            continue
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        first_all = _clean(getattr(provider, "first_names", ()))
        male = _clean(getattr(provider, "first_names_male", ())) or first_all
        female = _clean(getattr(provider, "first_names_female", ())) or first_all
        if locale == "lt_LT":
            female = tuple(n for n in first_all if n.endswith(("a", "ė")))
            male = tuple(n for n in first_all if n not in female)
        if locale == "pl_PL":
            surnames = _clean(provider.male_last_names) + _clean(provider.unisex_last_names)[:600]
            pools[locale] = _Pool(male, female, surnames, tuple(map(_polish_female, surnames)))
            continue
        surnames = _clean(getattr(provider, "last_names", ()))
        if locale == "lt_LT":
            pools[locale] = _Pool(male, female, surnames, tuple(map(_lithuanian_female, surnames)))
            continue
        pools[locale] = _Pool(male, female, surnames)
    return pools


def _fold(text: str) -> str:
    """Drop diacritics, as many UK case systems do ("Łukasz" is kept as "Lukasz")."""
    text = text.replace("Ł", "L").replace("ł", "l")
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


@dataclass(frozen=True)
class _Person:
    first: str
    last: str
    sex: str  # "f" or "m"
    title: str  # "Mrs", "Mr", "Dr", "PC", ... ("" for children)
    group: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def _pick_group(rng: random.Random) -> str:
    groups = [g for g, _ in _GROUP_WEIGHTS]
    weights = [w for _, w in _GROUP_WEIGHTS]
    return rng.choices(groups, weights)[0]


def _first_name(rng: random.Random, group: str, sex: str) -> str:
    if group in _WORD_NAME_GROUPS and rng.random() < 0.35:
        female_words = ("Blessing", "Precious", "Favour", "Grace", "Faith", "Hope", "Patience")
        return rng.choice(female_words if sex == "f" else ("Blessing", "Precious", "Favour"))
    if group == "en_GB" and sex == "f" and rng.random() < 0.12:
        return rng.choice(("Grace", "Rose", "Faith", "Hope", "Joy"))
    pool = _pools()[group]
    return rng.choice(pool.female if sex == "f" else pool.male)


def _surname(rng: random.Random, group: str, sex: str) -> str:
    if group == "en_GB" and rng.random() < 0.04:
        return rng.choice(WORD_SURNAMES)
    pool = _pools()[group]
    i = rng.randrange(len(pool.surnames))
    if sex == "f" and pool.female_surnames:
        return pool.female_surnames[i]
    return pool.surnames[i]


def _make_person(
    rng: random.Random,
    sex: str,
    title: str,
    group: str | None = None,
    surname: str | None = None,
) -> _Person:
    group = group or _pick_group(rng)
    first = _first_name(rng, group, sex)
    last = surname or _surname(rng, group, sex)
    if surname is None and rng.random() < 0.05:
        last = f"{last}-{_surname(rng, 'en_GB', sex)}"
    if group in {"pl_PL", "lt_LT", "ro_RO"} and rng.random() < 0.4:
        first, last = _fold(first), _fold(last)
    return _Person(first, last, sex, title, group)


# --------------------------------------------------------------------------------------------
# Places and numbers

_PLACES = (
    "Hillside", "Oakfield", "Meadowbank", "Riverside", "Greenfield", "Westfield", "Ashgrove",
    "Beechwood", "Kingsmead", "Fernwood", "Brookside", "Elmhurst", "Highfield", "Millbrook",
    "Parkside", "Woodlands", "Hollybank", "Thornhill", "Broadwater", "Cherry Tree", "Moorside",
    "Lakeside", "Fairfield", "Springwell", "Redhill", "Stonebridge", "Eastfield", "Northgate",
    "Southfields", "Ravenscroft", "Heathfield", "Longmeadow", "Willowbrook", "Castleview",
    "Bankside", "Foxhill", "Parkview", "Orchard Vale", "Lime Tree", "Chapel End",
)  # fmt: skip
_TOWNS = (
    "Northbrook", "Eastmoor", "Riverdale", "Kingsford", "Ashby Vale", "Westhaven", "Calder",
    "Marshfield", "Oldcastle", "Wyvern", "Brackley", "Thornbury",
)  # fmt: skip
_SAINTS = (
    "Mary", "Joseph", "John", "Peter", "Paul", "Anne", "Teresa", "Patrick", "Bede", "Chad",
    "Aidan", "Michael", "Thomas", "Margaret", "Bernadette", "Francis", "Augustine", "Hilda",
    "Cuthbert", "Wilfrid", "Luke", "Mark", "Matthew", "Andrew", "George", "James", "Catherine",
    "Edmund", "Oswald", "Nicholas",
)  # fmt: skip
_NURSERY_WORDS = (
    "Acorns", "Stars", "Explorers", "Footsteps", "Rainbows", "Sunbeams", "Owls", "Ladybirds",
    "Buttercups", "Treetops", "Caterpillars", "Seedlings", "Pebbles",
)  # fmt: skip
_STREET_WORDS = (
    "Elm", "Mill", "Station", "Church", "Victoria", "Park", "Queen's", "King's", "Manor",
    "Chestnut", "Oak", "Beech", "Willow", "Ash", "Cedar", "Birch", "Holly", "Hawthorn",
    "Meadow", "Orchard", "Springfield", "Windsor", "Albert", "Alexandra", "Clarence",
    "Cromwell", "Nelson", "Wellington", "Grange", "Rectory", "Vicarage", "Brook", "Bridge",
    "Canal", "Forge", "Kiln", "Foundry", "Granby", "Mulberry", "Laburnum", "Sycamore",
    "Primrose", "Lavender", "Heather", "Thistle", "Bramble", "Ivy", "Juniper", "Poplar",
    "Rowan", "Hazel", "Larch", "Tennyson", "Coronation", "Jubilee", "Moss", "Brunswick",
    "Cavendish", "Regent", "Derwent", "Trent", "Severn", "Pennine", "Fountain", "Market",
)  # fmt: skip
STREET_SUFFIXES: tuple[str, ...] = (
    "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Grove",
    "Gardens", "Place", "Court", "Terrace", "Walk", "Rise", "Mews", "Hill", "Row", "Square",
    "View",
)  # fmt: skip
_BUILDINGS = (
    "Chaucer", "Milton", "Shelley", "Keats", "Brunel", "Telford", "Stephenson", "Nightingale",
    "Darwin", "Newton", "Faraday", "Wordsworth", "Austen", "Bronte", "Hardy", "Elgar",
    "Turner", "Constable", "Cavell", "Pankhurst",
)  # fmt: skip
_POSTCODE_AREAS = (
    "B", "BS", "M", "LS", "NE", "L", "S", "BD", "HD", "HX", "WF", "DN", "HU", "YO", "LE", "NG",
    "DE", "CV", "WV", "WS", "DY", "ST", "SK", "WA", "CH", "PR", "BB", "BL", "WN", "LA", "CA",
    "DH", "SR", "TS", "DL", "HG", "NR", "IP", "CB", "CO", "CM", "SS", "RM", "IG", "EN", "AL",
    "SG", "LU", "MK", "OX", "RG", "SL", "HP", "GU", "PO", "SO", "BH", "SP", "SN", "GL", "BA",
    "TA", "EX", "PL", "TQ", "TR", "CF", "SA", "NP", "LL", "SY", "HR", "WR", "TF", "OL", "E",
    "N", "SE", "SW", "NW", "W", "CR", "BR", "KT", "SM", "TW", "UB", "HA", "DA", "ME", "CT",
    "TN", "BN", "RH", "G", "EH", "AB", "DD", "KY", "BT",
)  # fmt: skip
_POSTCODE_LONDON_SUBDISTRICTS = (
    "W1A", "W1B", "W1D", "W1F", "W1G", "W1H", "W1K", "W1T", "W1U", "W1W", "E1W", "N1C", "N1P",
    "EC1A", "EC1M", "EC1N", "EC1R", "EC1V", "EC2A", "EC3A", "EC4A", "SW1A", "SW1E", "SW1H",
    "SW1P", "SW1V", "SW1W", "SW1X", "WC1A", "WC1B", "WC1E", "WC1H", "WC1N", "WC1X", "WC2A",
    "WC2B", "WC2E", "WC2H", "WC2N", "SE1P",
)  # fmt: skip
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# National Insurance prefixes: first letter not D F I Q U V; second not D F I O Q U V;
# BG GB KN NK NT TN ZZ are not issued.
_NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NI_BAD = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LAS = ("northbrook", "eastmoor", "riverdale", "kingsford", "westhaven")


def nhs_check_digit(nine: str) -> int | None:
    """Modulus-11 check digit of the first nine digits; None when the remainder gives 10."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(text: str) -> bool:
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def _nhs_number(rng: random.Random) -> str:
    while True:
        first = rng.choice(("4", "4", "6", "7", "9"))
        nine = first + "".join(str(rng.randrange(10)) for _ in range(8))
        check = nhs_check_digit(nine)
        if check is not None:
            digits = nine + str(check)
            break
    style = rng.random()
    if style < 0.55:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    if style < 0.85:
        return digits
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def _ni_number(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(_NI_FIRST) + rng.choice(_NI_SECOND)
        if prefix not in _NI_BAD:
            break
    digits = "".join(str(rng.randrange(10)) for _ in range(6))
    suffix = rng.choice("ABCD")
    style = rng.random()
    if style < 0.45:
        return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    if style < 0.85:
        return f"{prefix}{digits}{suffix}"
    return f"{prefix} {digits} {suffix}"


def _postcode(rng: random.Random) -> str:
    if rng.random() < 0.05:
        outward = rng.choice(_POSTCODE_LONDON_SUBDISTRICTS)
    else:
        area = rng.choice(_POSTCODE_AREAS)
        top = 40 if len(area) == 1 else 29
        outward = f"{area}{rng.randint(1, top)}"
    inward = f"{rng.randrange(10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    return f"{outward}{inward}" if rng.random() < 0.2 else f"{outward} {inward}"


def _street(rng: random.Random) -> str:
    word = rng.choice(_STREET_WORDS)
    suffix = rng.choice(STREET_SUFFIXES)
    if word in {"Station", "Church", "Market"} and rng.random() < 0.5:
        suffix = rng.choice(("Road", "Street", "Lane"))
    return f"{word} {suffix}"


def _address_line(rng: random.Random) -> str:
    style = rng.random()
    number = rng.randint(1, 214)
    if style < 0.45:
        return f"{number} {_street(rng)}"
    if style < 0.65:
        return f"Flat {rng.randint(1, 24)}, {number} {_street(rng)}"
    if style < 0.8:
        flat = f"{rng.randint(1, 12)}{rng.choice('ABCD')}"
        return f"Flat {flat} {rng.choice(_BUILDINGS)} House, {_street(rng)}"
    if style < 0.9:
        return f"{number}{rng.choice('ab')} {_street(rng)}"
    return f"{rng.randint(1, 60)} {rng.choice(_BUILDINGS)} Court, {_street(rng)}"


def _mobile(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:  # Ofcom drama range: not a valid number to libphonenumber
        tail = f"{rng.randrange(1000):03d}"
        return rng.choice((f"07700 900{tail}", f"07700900{tail}", f"07700 900 {tail}"))
    body = f"7{rng.choice('123456789')}{rng.randrange(100):02d}"
    rest = f"{rng.randrange(1_000_000):06d}"
    if kind < 0.55:
        return f"0{body} {rest}"
    if kind < 0.7:
        return f"0{body}{rest}"
    if kind < 0.8:
        return f"0{body} {rest[:3]} {rest[3:]}"
    if kind < 0.93:
        return f"+44 {body} {rest}"
    return f"0{body} {rest[:5]}"  # a digit short: mistyped, still an identifier


def _landline(rng: random.Random) -> str:
    tail3 = f"{rng.randrange(1000):03d}"
    tail4 = f"{rng.randrange(10_000):04d}"
    kind = rng.random()
    if kind < 0.2:
        return f"01632 960{tail3}"  # drama range, invalid to libphonenumber
    if kind < 0.35:
        return f"020 7946 0{tail3}"
    if kind < 0.5:
        code = rng.choice(("0161", "0113", "0114", "0115", "0116", "0117", "0121", "0191"))
        return f"{code} 496 0{tail3}"
    if kind < 0.6:
        code = rng.choice(("161", "113", "121", "117"))
        return f"+44 (0){code} 496 0{tail3}"
    if kind < 0.75:
        return f"020 {rng.choice('3789')}{rng.randrange(1000):03d} {tail4}"
    if kind < 0.9:
        code = rng.choice(("0113", "0161", "0114", "0121", "0191", "0117"))
        return f"{code} {rng.randint(2, 9)}{rng.randrange(100):02d} {tail4}"
    code = rng.choice(("01904", "01423", "01274", "01484", "01924", "01302", "01482"))
    return f"{code} {rng.randint(2, 9)}{rng.randrange(100_000):05d}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _fold(text).lower())


def _ordinal(day: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    if 11 <= day % 100 <= 13:
        suffix = "th"
    return f"{day}{suffix}"


def _format_date(rng: random.Random, day: dt.date) -> tuple[str, str]:
    """(plain prefix, date text) in one of the forms people write."""
    d, m, y = day.day, day.month, day.year
    month = _MONTHS[m - 1]
    weekday = _WEEKDAYS[day.weekday()]
    forms: list[tuple[str, str]] = [
        ("", f"{d} {month} {y}"),
        ("", f"{_ordinal(d)} {month}"),
        ("", f"{_ordinal(d)} {month} {y}"),
        ("", f"{d:02d}/{m:02d}/{y}"),
        ("", f"{d}/{m}/{y}"),
        ("", f"{d:02d}/{m:02d}/{y % 100:02d}"),
        ("", f"{d:02d}.{m:02d}.{y % 100:02d}"),
        ("", f"{weekday} {d} {month} {y}"),
        ("", f"{weekday} {_ordinal(d)} {month}"),
        ("", f"{d} {month[:3]} {y}"),
        ("", f"{month} {_ordinal(d)}"),
        ("the ", _ordinal(d)),
        ("", f"{d:02d}-{m:02d}-{y}"),
    ]
    weights = [14, 10, 8, 14, 4, 6, 6, 8, 4, 5, 3, 4, 2]
    return rng.choices(forms, weights)[0]


def _format_dob(rng: random.Random, day: dt.date) -> str:
    d, m, y = day.day, day.month, day.year
    month = _MONTHS[m - 1]
    forms = [
        f"{d:02d}/{m:02d}/{y}",
        f"{d} {month} {y}",
        f"{_ordinal(d)} {month} {y}",
        f"{d:02d}.{m:02d}.{y}",
        f"{d:02d}-{m:02d}-{y}",
        f"{d}/{m}/{y}",
    ]
    return rng.choices(forms, [10, 7, 4, 2, 2, 2])[0]


# --------------------------------------------------------------------------------------------
# Text builder

_Seg = tuple[str, EntityType | None]


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[GoldSpan] = []
        self.keep: list[tuple[int, int]] = []

    def lit(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def span(self, kind: EntityType, value: str) -> None:
        self.spans.append(GoldSpan(kind, self.length, self.length + len(value), value))
        self.lit(value)

    def kept(self, value: str) -> None:
        self.keep.append((self.length, self.length + len(value)))
        self.lit(value)

    def mark(self) -> tuple[int, int, int, int]:
        return (len(self.parts), self.length, len(self.spans), len(self.keep))

    def reset(self, mark: tuple[int, int, int, int]) -> None:
        del self.parts[mark[0] :]
        self.length = mark[1]
        del self.spans[mark[2] :]
        del self.keep[mark[3] :]

    def text(self) -> str:
        return "".join(self.parts)


_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)(?:\.([A-Za-z]+))?\}|\[([a-z]+)\]")

# Roles of people, their sex ("" = random) and their titles.
_ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "child": ("", ("",)),
    "sibling": ("", ("",)),
    "mother": ("f", ("Mrs", "Ms", "Miss")),
    "father": ("m", ("Mr",)),
    "partner": ("m", ("Mr",)),
    "carer": ("", ("Mrs", "Mr", "Ms")),
    "sw": ("", ("Ms", "Mr", "Mrs")),
    "sw2": ("", ("Ms", "Mr", "Mrs")),
    "tm": ("", ("Ms", "Mr", "Mrs")),
    "dsl": ("", ("Mrs", "Mr", "Ms", "Miss")),
    "hv": ("f", ("Ms", "Mrs")),
    "gp": ("", ("Dr",)),
    "doctor": ("", ("Dr",)),
    "police": ("", ("PC", "DC", "PC", "DS")),
    "iro": ("", ("Ms", "Mr", "Mrs")),
    "edt": ("", ("Ms", "Mr")),
}
_CHILDREN = frozenset({"child", "sibling"})
_FAMILY = frozenset({"mother", "father", "partner", "carer"})
_ALWAYS_TITLED = frozenset({"gp", "doctor", "police"})
# Roles listed as known entities when they appear, with the role word a reporter would use.
_KNOWN_ROLES: dict[str, str] = {
    "child": "child",
    "sibling": "sibling",
    "mother": "mother",
    "father": "father",
    "carer": "carer",
    "sw": "social worker",
    "sw2": "social worker",
}
_PRONOUNS: dict[str, tuple[str, str]] = {
    "he": ("he", "she"),
    "him": ("him", "her"),
    "his": ("his", "her"),
    "He": ("He", "She"),
    "His": ("His", "Her"),
    "rel": ("brother", "sister"),
    "son": ("son", "daughter"),
}


class _Case:
    """The people, places and numbers of one paragraph, made when first used."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.today = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
        self.child_age = rng.randint(0, 17)
        self.sibling_age = rng.randint(0, 17)
        la = rng.choice(_LAS)
        self.la_domain = f"{la}.gov.uk"
        self.la_name = la
        self.ref_style = rng.randrange(3)
        self.group = _pick_group(rng)
        self.people: dict[str, _Person] = {}
        self.family_surname: str | None = None
        self.mentions: dict[str, int] = {}
        self.values: dict[str, list[_Seg]] = {}
        self.known: dict[str, KnownEntity] = {}

    # state that a rejected sentence must not change
    def snapshot(self) -> tuple[dict[str, int], dict[str, list[_Seg]], dict[str, KnownEntity]]:
        return dict(self.mentions), dict(self.values), dict(self.known)

    def restore(
        self, snap: tuple[dict[str, int], dict[str, list[_Seg]], dict[str, KnownEntity]]
    ) -> None:
        self.mentions, self.values, self.known = dict(snap[0]), dict(snap[1]), dict(snap[2])

    # ---- people

    def person(self, role: str) -> _Person:
        if role in self.people:
            return self.people[role]
        rng = self.rng
        sex, titles = _ROLES[role]
        sex = sex or rng.choice("fm")
        title = rng.choice(titles)
        if title in {"Mrs", "Miss", "Ms"}:
            sex = "f"
        if title == "Mr":
            sex = "m"
        if role == "mother":
            person = _make_person(rng, "f", title, self.group)
        elif role == "father":
            group = self.group if rng.random() < 0.8 else None
            person = _make_person(rng, "m", title, group)
        elif role in _CHILDREN:
            mother = self.person("mother")
            father = self.person("father")
            if self.family_surname is None:
                roll = rng.random()
                if roll < 0.55:
                    surname = mother.last
                elif roll < 0.88 or "-" in mother.last or "-" in father.last:
                    surname = father.last
                else:
                    surname = f"{father.last}-{mother.last}"
                if self.group == "lt_LT" and roll < 0.55:
                    surname = self.person("father").last
                if self.group == "pl_PL":
                    surname = father.last
                self.family_surname = surname
            surname = self.family_surname
            if self.group == "pl_PL":
                surname = _polish_female(surname) if sex == "f" else surname
            person = _make_person(rng, sex, "", rng.choice((self.group, mother.group)), surname)
        else:
            person = _make_person(rng, sex, title)
        self.people[role] = person
        return person

    def person_segs(self, role: str, attr: str | None) -> list[_Seg]:
        rng = self.rng
        person = self.person(role)
        if attr in _PRONOUNS:
            male, female = _PRONOUNS[attr]
            return [(female if person.sex == "f" else male, None)]
        if attr == "caps":
            return [(person.full.upper(), EntityType.PERSON)]
        count = self.mentions.get(role, 0)
        self.mentions[role] = count + 1
        if role in _KNOWN_ROLES:
            self.known.setdefault(role, KnownEntity(person.full, _KNOWN_ROLES[role]))
        possessive = attr in {"poss", "fullposs", "firstposs"}
        form = {"fullposs": "full", "firstposs": "first", "poss": None}.get(attr or "", attr)
        if form is None:
            form = self._auto_form(role, count)
        if form == "title" and role in _CHILDREN:
            form = "first"
        segs: list[_Seg]
        if form == "first" and role in _ALWAYS_TITLED:
            form = "title"
        if form == "full":
            with_title = role in _ALWAYS_TITLED or (
                role not in _CHILDREN and count == 0 and rng.random() < 0.15
            )
            segs = [(f"{person.title} ", None)] if with_title else []
            segs.append((person.full, EntityType.PERSON))
        elif form == "first":
            segs = [(person.first, EntityType.PERSON)]
        elif form == "title":
            segs = [(f"{person.title} ", None), (person.last, EntityType.PERSON)]
        else:
            raise ValueError(f"unknown person form {form!r}")
        if possessive:
            segs.append(("\u2019s" if rng.random() < 0.1 else "'s", None))
        return segs

    def _auto_form(self, role: str, count: int) -> str:
        roll = self.rng.random()
        if count == 0:
            return "full"
        if role in _CHILDREN:
            return "first" if roll < 0.85 else "full"
        if role in _ALWAYS_TITLED:
            return "title" if roll < 0.8 else "full"
        if role in _FAMILY:
            return "title" if roll < 0.45 else ("first" if roll < 0.8 else "full")
        return "first" if roll < 0.4 else ("title" if roll < 0.7 else "full")

    # ---- other values

    def cached(self, key: str, make: Callable[[], list[_Seg]]) -> list[_Seg]:
        if key not in self.values:
            self.values[key] = make()
        return self.values[key]

    def date(self) -> list[_Seg]:
        day = self.today - dt.timedelta(days=self.rng.randrange(120))
        prefix, text = _format_date(self.rng, day)
        return [(prefix, None), (text, EntityType.DATE)] if prefix else [(text, EntityType.DATE)]

    def month(self) -> list[_Seg]:
        day = self.today - dt.timedelta(days=self.rng.randrange(400))
        text = f"{_MONTHS[day.month - 1]} {day.year}"
        if self.rng.random() < 0.15:
            text = f"{_MONTHS[day.month - 1][:3]} {day.year}"
        return [(text, EntityType.DATE)]

    def dob(self, age: int) -> dt.date:
        return self.today - dt.timedelta(days=365 * age + self.rng.randrange(1, 364))

    def dob_labelled(self, day: dt.date) -> list[_Seg]:
        label = self.rng.choice(
            ("DOB ", "DOB: ", "date of birth: ", "born on ", "D.O.B. ", "d.o.b. ", "DoB ")
        )
        return [(label, None), (_format_dob(self.rng, day), EntityType.DATE_OF_BIRTH)]

    def reference(self) -> list[_Seg]:
        rng = self.rng
        year = self.today.year - rng.randrange(3)
        if self.ref_style == 0:
            return [(f"NB-{year}-{rng.randrange(1, 100_000):05d}", EntityType.CASE_REFERENCE)]
        if self.ref_style == 1:
            return [(f"CR/{year}/{rng.randrange(1, 10_000):04d}", EntityType.CASE_REFERENCE)]
        label = rng.choice(("Mosaic ID ", "Mosaic ID: ", "Mosaic number "))
        return [
            (label, None),
            (f"{rng.randrange(1_000_000, 10_000_000)}", EntityType.CASE_REFERENCE),
        ]

    def school(self, kind: str) -> list[_Seg]:
        rng = self.rng
        place = rng.choice(_PLACES)
        saint = rng.choice(_SAINTS)
        saint_s = f"St {saint}'s"
        if kind == "nursery":
            name = rng.choice(
                (
                    f"Little {rng.choice(_NURSERY_WORDS)} Nursery",
                    f"{place} Nursery School",
                    f"{place} Day Nursery",
                    f"{rng.choice(_NURSERY_WORDS)} Pre-School",
                )
            )
        else:
            name = rng.choice(
                (
                    f"{place} Primary School",
                    f"{place} Primary",
                    f"{place} Infant School",
                    f"{place} Junior School",
                    f"{place} Academy",
                    f"{place} High School",
                    f"{place} Community College",
                    f"{saint_s} Catholic Primary",
                    f"{saint_s} C of E Primary School",
                    f"{saint_s} CE Academy",
                    f"{saint_s} RC High School",
                    f"{place} Sixth Form College",
                    f"The {place} School",
                )
            )
        self.values.setdefault(f"{kind}_domain", [(f"{_slug(place)}.sch.uk", None)])
        if kind in {"school", "nursery"}:
            self.known.setdefault(kind, KnownEntity(name, "school"))
        return [(name, EntityType.SCHOOL)]

    def health(self, kind: str) -> list[_Seg]:
        rng = self.rng
        place = rng.choice(_PLACES)
        town = rng.choice(_TOWNS)
        saint = rng.choice(_SAINTS)
        saint_s = f"St {saint}'s"
        if kind == "surgery":
            name = rng.choice(
                (
                    f"{place} Surgery",
                    f"{place} Medical Practice",
                    f"{place} Medical Centre",
                    f"{place} Health Centre",
                    f"{place} Family Practice",
                    f"The {place} Practice",
                    f"{_street(rng).split()[0]} Road Surgery",
                )
            )
        else:
            name = rng.choice(
                (
                    f"Royal {town} Infirmary",
                    f"{town} General Hospital",
                    f"{saint_s} Hospital",
                    f"{saint_s} University Hospital",
                    f"{town} Royal Hospital",
                    f"{town} Children's Hospital",
                    f"{town} District General Hospital",
                    f"University Hospital {town}",
                    f"{town} Urgent Treatment Centre",
                    f"{town} Community Hospital",
                )
            )
        return [(name, EntityType.HEALTH_SETTING)]

    def address(self, key: str, with_postcode: bool = True) -> list[_Seg]:
        def make() -> list[_Seg]:
            line = _address_line(self.rng)
            postcode = _postcode(self.rng)
            return [(line, EntityType.ADDRESS), (postcode, EntityType.POSTCODE)]

        line, postcode = self.cached(key, make)
        if key == "home":
            self.known.setdefault("address", KnownEntity(line[0], "address"))
        if not with_postcode or self.rng.random() < 0.15:
            return [line]
        return [line, (self.rng.choice((", ", ", ", " ")), None), postcode]

    def school_domain(self) -> str:
        place = _slug(self.rng.choice(_PLACES))
        return self.cached("school_domain", lambda: [(f"{place}.sch.uk", None)])[0][0]

    def email(self, role: str) -> list[_Seg]:
        rng = self.rng
        if role in {"la", "school"}:
            if role == "la":
                box = rng.choice(("mash", "childrens.services", "edt", "front.door", "cin"))
                return [(f"{box}@{self.la_domain}", EntityType.EMAIL)]
            box = rng.choice(("office", "safeguarding", "dsl", "admin", "head"))
            return [(f"{box}@{self.school_domain()}", EntityType.EMAIL)]
        person = self.person(role)
        first, last = _slug(person.first), _slug(person.last)
        if role in {"sw", "sw2", "tm", "iro", "edt"}:
            return [(f"{first}.{last}@{self.la_domain}", EntityType.EMAIL)]
        if role in {"hv", "gp", "doctor"}:
            return [(f"{first}.{last}{rng.randint(1, 9)}@nhs.net", EntityType.EMAIL)]
        if role == "dsl":
            return [(f"{first[0]}{last}@{self.school_domain()}", EntityType.EMAIL)]
        domain = rng.choice(
            ("gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "icloud.com", "live.co.uk")
        )
        local = rng.choice(
            (
                f"{first}.{last}",
                f"{first}{last}{rng.randint(70, 99)}",
                f"{first}_{rng.randint(1, 999)}",
                f"{first[0]}{last}{rng.randint(1, 30)}",
            )
        )
        return [(f"{local}@{domain}", EntityType.EMAIL)]

    def url(self, kind: str) -> list[_Seg]:
        rng = self.rng
        if kind == "la":
            page = rng.choice(
                (
                    "childrens-services/threshold-guidance",
                    "social-care/referrals",
                    "children-and-families/early-help",
                    "safeguarding/report-a-concern",
                )
            )
            text = rng.choice(
                (
                    f"https://www.{self.la_domain}/{page}",
                    f"https://{self.la_name}scp.proceduresonline.com/chapters/p_strategy.html",
                    f"www.{self.la_domain}/{page}",
                    f"https://www.example.org.uk/{self.la_name}/{page}",
                )
            )
        elif kind == "school":
            domain = self.school_domain()
            text = rng.choice(
                (
                    f"www.{domain}",
                    f"https://www.{domain}/safeguarding",
                    f"http://{domain}/policies/child-protection.pdf",
                )
            )
        else:
            person = self.person(kind)
            first, last = _slug(person.first), _slug(person.last)
            text = rng.choice(
                (
                    f"https://www.facebook.com/{first}.{last}.{rng.randint(1, 99)}",
                    f"facebook.com/{first}{last}",
                    f"https://www.instagram.com/{first}_{last}{rng.randint(1, 99)}",
                    f"https://www.tiktok.com/@{first}{rng.randint(100, 999)}",
                )
            )
        return [(text, EntityType.URL)]

    # ---- placeholder dispatch

    def render(self, template: str, out: _Builder) -> None:
        pos = 0
        for match in _PLACEHOLDER.finditer(template):
            if match.start() > pos:
                out.lit(template[pos : match.start()])
            pos = match.end()
            if match.group(3):
                out.kept(match.group(3))
                continue
            for text, kind in self.resolve(match.group(1), match.group(2)):
                if kind is None:
                    out.lit(text)
                else:
                    out.span(kind, text)
        out.lit(template[pos:])

    def resolve(self, name: str, attr: str | None) -> list[_Seg]:
        rng = self.rng
        if name in _ROLES:
            return self.person_segs(name, attr)
        simple: dict[str, Callable[[], list[_Seg]]] = {
            "date": self.date,
            "month": self.month,
            "ref": lambda: self.cached("ref", self.reference),
            "ref2": self.reference,
            "school": lambda: self.cached("school", lambda: self.school("school")),
            "school2": lambda: self.cached("school2", lambda: self.school("school2")),
            "nursery": lambda: self.cached("nursery", lambda: self.school("nursery")),
            "surgery": lambda: self.cached("surgery", lambda: self.health("surgery")),
            "hospital": lambda: self.cached("hospital", lambda: self.health("hospital")),
            "hospital2": lambda: self.cached("hospital2", lambda: self.health("hospital")),
            "address": lambda: self.address("home"),
            "street": lambda: self.address("home", with_postcode=False),
            "address2": lambda: self.address("other"),
            "address3": lambda: self.address("carer"),
            "postcode": lambda: [(_postcode(rng), EntityType.POSTCODE)],
            "nhs": lambda: self.cached("nhs", lambda: [(_nhs_number(rng), EntityType.NHS_NUMBER)]),
            "nhs2": lambda: [(_nhs_number(rng), EntityType.NHS_NUMBER)],
            "ni": lambda: self.cached("ni", lambda: [(_ni_number(rng), EntityType.NI_NUMBER)]),
            "ni2": lambda: [(_ni_number(rng), EntityType.NI_NUMBER)],
            "phone": lambda: self.cached("phone", lambda: [(_mobile(rng), EntityType.PHONE)]),
            "phone_carer": lambda: self.cached(
                "phone_carer", lambda: [(_mobile(rng), EntityType.PHONE)]
            ),
            "phone_sw": lambda: self.cached(
                "phone_sw",
                lambda: [
                    (_landline(rng) if rng.random() < 0.6 else _mobile(rng), EntityType.PHONE)
                ],
            ),
            "phone_school": lambda: self.cached(
                "phone_school", lambda: [(_landline(rng), EntityType.PHONE)]
            ),
            "dob": lambda: self.cached(
                "dob",
                lambda: [(_format_dob(rng, self.dob(self.child_age)), EntityType.DATE_OF_BIRTH)],
            ),
            "dob2": lambda: [
                (_format_dob(rng, self.dob(self.child_age)), EntityType.DATE_OF_BIRTH)
            ],
            "dobl": lambda: self.dob_labelled(self.dob(self.child_age)),
            "mdobl": lambda: self.dob_labelled(self.dob(self.child_age + rng.randint(17, 30))),
            "age": lambda: [(self._age_phrase(self.child_age), None)],
            "sibling_age": lambda: [(self._age_phrase(self.sibling_age), None)],
            "ageyo": lambda: [(f"{max(self.child_age, 1)}-year-old", None)],
            "time": lambda: [(self._time(), None)],
            "visit_kind": lambda: [(rng.choice(("weekly", "planned", "statutory")), None)],
            "fdob": lambda: [
                (
                    _format_dob(rng, self.dob(self.child_age + rng.randint(19, 35))),
                    EntityType.DATE_OF_BIRTH,
                )
            ],
            "email_la": lambda: self.email("la"),
            "email_school": lambda: self.email("school"),
            "url_la": lambda: self.url("la"),
            "url_school": lambda: self.url("school"),
        }
        if name in simple:
            return simple[name]()
        if name.startswith("email_"):
            role = name.removeprefix("email_")
            return self.cached(name, lambda: self.email(role))
        if name.startswith("url_"):
            role = name.removeprefix("url_")
            return self.cached(name, lambda: self.url(role))
        raise ValueError(f"unknown placeholder {name!r}")

    def _age_phrase(self, age: int) -> str:
        if age == 0:
            return f"aged {self.rng.randint(2, 11)} months"
        return self.rng.choice((f"aged {age}", f"age {age}", f"aged {age}"))

    def _time(self) -> str:
        rng = self.rng
        hour = rng.randint(0, 23)
        minute = rng.choice((0, 0, 15, 30, 45, 10, 50))
        if rng.random() < 0.5:
            return f"{hour:02d}:{minute:02d}"
        suffix = "am" if hour < 12 else "pm"
        h12 = hour % 12 or 12
        return f"{h12}{suffix}" if minute == 0 else f"{h12}.{minute:02d}{suffix}"


# --------------------------------------------------------------------------------------------
# Sentence patterns. Placeholders: {role} (auto form), {role.full|first|title|poss|fullposs|
# firstposs|caps|he|him|his|He|His|rel|son}, {date}, {month}, {dobl} ... (see _Case.resolve);
# [word] marks an ordinary word that looks like a name and must be kept.

_HEADERS: tuple[str, ...] = (
    "{child.caps} (DOB {dob}) {ref}\n",
    "{child.caps} | {ref} | NHS {nhs}\n",
    "RE: {child.caps}, {ref}\n",
    "Subject: {child.caps} - DOB {dob}\n",
    "CHILD: {child.caps}   {ref}\n",
)

_OPENERS: dict[str, tuple[str, ...]] = {
    "home_visit": (
        "On {date}, {sw.full}, the allocated social worker, completed an unannounced home visit "
        "to {child.fullposs} home at {address}.",
        "{sw.full} visited {child.full} ({age}) at {address} on {date} at {time}.",
        "A planned home visit to {address} on {date} did not go ahead because {mother.full} was "
        "not in; {child.full}, {age}, was seen at the window.",
    ),
    "strategy": (
        "A strategy meeting was held on {date} about {child.full}, a {ageyo}, following concerns "
        "raised by {school}.",
        "Strategy discussion for {child.full} ({dobl}) took place at {time} on {date} with "
        "police, health and the MASH.",
    ),
    "school_referral": (
        "{school} made a referral to the MASH on {date} after {child.full}, {age}, disclosed that "
        "{child.he} had been hit at home.",
        "{dsl.full}, the Designated Safeguarding Lead at {school}, emailed a referral about "
        "{child.full} to {email_la} on {date}, but it was not picked up until {date}.",
        "A referral from {school} about {child.full} ({dobl}) was logged against the wrong child "
        "on the case system.",
    ),
    "hospital": (
        "{child.full}, {age}, was brought to A&E at {hospital} at {time} on {date} with a head "
        "injury.",
        "On {date}, {child.full}, a {ageyo}, attended the children's emergency department at "
        "{hospital}; the triage nurse did not check whether {child.he} was known to children's "
        "social care.",
    ),
    "transfer": (
        "The case of {child.full} ({ref}) transferred from the Assessment Team to the Children "
        "in Need team on {date}.",
        "When {sw.full} left the Assessment Team on {date}, the case of {child.full} ({ref}) was "
        "not reallocated for three weeks.",
    ),
    "out_of_hours": (
        "At {time} on {date}, EDT received a call from {mother.full} on {phone} saying that "
        "{child.full}, {age}, had not come home.",
        "An out-of-hours call from a neighbour of {child.full} at {address} reported shouting; "
        "the EDT worker, {edt.full}, could not find the family on the system.",
    ),
    "nursery": (
        "{child.full} ({ageyo}) was not collected from {nursery} on {date}; staff rang "
        "{mother.poss} mobile on {phone} without reply.",
    ),
    "police": (
        "Police attended {address} at {time} on {date} after a 999 call; {police.full} spoke "
        "with {mother.full} and {child.full}.",
    ),
}

_BODY: tuple[str, ...] = (
    "{child} told {sw} that {child.he} was frightened of {father.full}.",
    "{child.poss} attendance at {school} fell to 64% during {month}.",
    "The school tried {mother.poss} mobile ({phone}) three times but the number on file was out "
    "of date.",
    "{mother} gave a new number, {phone}, which was not added to the record.",
    "Records show {child} (NHS number {nhs}) was registered at {surgery} under a previous surname.",
    "The health visitor, {hv.full}, confirmed {child.poss} NHS number as {nhs} on {date}.",
    "{mother.poss} National Insurance number ({ni}) was given to the housing officer to check "
    "benefits.",
    "{father.full} gave his NI number as {ni2} but it belonged to another adult.",
    "Case reference {ref2} was opened in error for {sibling.full}, {child.poss} {sibling.rel}.",
    "{dsl.full} at {school} sent the chronology to {email_sw} on {date} but it went to an old "
    "inbox.",
    "{sw} emailed {dsl.title} at {email_dsl} asking for attendance figures.",
    "{gp} at {surgery} had not been told that {child} was subject to a Child Protection Plan.",
    "{child} was discharged from {hospital} on {date} without a discharge summary being sent to "
    "{surgery}.",
    "The family moved from {address2} in {month} and the records were not updated.",
    "{child} is currently staying with {carer.full}, a kinship carer, at {address3}.",
    "{carer} can be reached on {phone_carer} or at {email_carer}.",
    "{tm.full}, team manager, reviewed the case on {date} and recorded that the visit was overdue.",
    "The initial child protection conference on {date} was chaired by {iro.full}; {father} did "
    "not attend.",
    "{sibling.full}, {child.poss} {sibling.rel}, {sibling_age}, attends {school2}.",
    "Contact details for {sw} were given as {phone_sw} and {email_sw}.",
    "{mother} said {father} had moved back in on {date}, although he is not named on the "
    "tenancy at {street}.",
    "The safeguarding policy on the school website ({url_school}) names {dsl.full} as the lead.",
    "The worker did not follow the procedure at {url_la}.",
    "{mother.poss} Facebook page ({url_mother}) showed {child} at a party on {date}.",
    "{police} from the Child Abuse Investigation Team confirmed that {father} had been bailed to "
    "an address in {postcode}.",
    "{child} missed appointments at {surgery} on {date} and {date}.",
    "A paediatric assessment by {doctor.full} at {hospital} on {date} found bruising consistent "
    "with the account.",
    "The case system holds {child.poss} date of birth as {dob}, but the school record shows "
    "{dob2}.",
    "{mother.full} ({mdobl}) is the main carer; her NI number is {ni}.",
    "The family's previous social worker, {sw2.full}, had left the authority in {month}.",
    "{edt.full} (EDT) phoned {carer} at {time} but the call went to voicemail.",
    "The ambulance crew took {child} to {hospital2}, not the nearer {hospital}.",
    "A home visit was made on {date}; {child} was seen alone in {child.his} bedroom.",
    "{mother} told the worker she was moving to {address2} on {date}.",
    "Nursery staff at {nursery} noticed {child.poss} weight loss in {month}.",
    "The MASH checks returned a different NHS number ({nhs2}) for {child}, so the GP records "
    "were not found.",
    "{partner.full}, {mother.poss} new partner, was not checked before he moved into {street}.",
    "{school} rang the front door on {phone_school} to ask why nobody had called back.",
    "{child.He} told {dsl} that {partner} shouted at {child.him} on {date}.",
    "{sw} wrote to {mother.title} at {address} on {date} but the letter was returned.",
    "A Section 47 enquiry was started on {date}, but {child.poss} {visit_kind} visit was missed.",
    "The MASH record gave {child.poss} address as {address2} and the school held {street}.",
    "{hv} last saw {child} on {date} and recorded no concerns.",
    "{father} was born on {fdob} and has previous convictions for violence.",
    "The referral form listed {child.poss} NHS number as {nhs} and {mother.poss} mobile as "
    "{phone}.",
    "{iro} asked {sw} to book a review for {date} at {surgery}.",
    "{mother} can be contacted by email at {email_mother}.",
)

# Sentences where a word that is also a name is used as an ordinary word.
_KEEP_SENTENCES: tuple[str, ...] = (
    "{mother} said she had lost [faith] in the plan after the third change of worker.",
    "The family's [faith] community offered to help with school runs.",
    "There is [hope] that the new plan will hold.",
    "{mother} expressed [hope] that {child} could return home soon.",
    "The housing officer agreed a [grace] period for the rent arrears.",
    "{father} said it was only by the [grace] of God that nobody was hurt.",
    "{father} described the new baby as a [blessing].",
    "It was a [blessing] that the neighbour called the police.",
    "The family had a [precious] few days together before the placement ended.",
    "{child} was found hiding behind a [rose] bush in the back garden.",
    "Concerns [rose] when the school noticed bruising on {child.poss} arm.",
    "The meeting took place in the school [hall] because no room was free.",
    "{child} was seen waiting alone in the [hall] of the block of flats.",
    "Staff said {child} showed real [joy] when {child.he} saw {child.his} grandmother.",
    "The foster carer showed great [patience] during contact.",
    "{mother} asked a neighbour for a [favour] so that the children were collected.",
    "Attendance [rose] to 90% once transport was arranged.",
    "Time spent with {child.his} father is [precious] to {child}.",
)

_CLOSERS: tuple[str, ...] = (
    "The learning from this near miss is that MASH checks must be completed within 24 hours.",
    "The IRO has asked for the case to be discussed at the next supervision.",
    "Ofsted were not informed, as the setting did not think the threshold was met.",
    "This was escalated to the LADO the same afternoon.",
    "No one checked whether the {ageyo} had a trusted adult to talk to.",
    "The GP practice was not invited to the strategy meeting.",
    "Supervision notes do not record the decision.",
    "EDT did not pass the information to the day team until the following week.",
    "The CAMHS referral was closed because the family did not reply to one letter.",
    "The social worker has since completed training on the Early Help threshold.",
)

# Non-identifiers worth keeping (precision): role words, labels, ages, times, relative dates.
_PLAIN_PATTERNS = re.compile(
    r"\b(?:GP|MASH|IRO|EDT|Ofsted|LADO|CAMHS|A&E|NHS|NI|EHCP|CIN|DSL|Section 47|"
    r"Child Protection Plan|Early Help|Children in Need|Assessment Team|"
    r"Designated Safeguarding Lead|National Insurance|Child Abuse Investigation Team|"
    r"social worker|health visitor|team manager|kinship carer|foster carer|police|"
    r"Mosaic ID:?|Mosaic number|front door|DOB:?|DoB|D\.O\.B\.|d\.o\.b\.|date of birth:?|"
    r"aged \d+(?: months)?|age \d+|\d+-year-old|\d{1,2}(?:[.:]\d{2})?(?:am|pm)|\d{2}:\d{2}|"
    r"within 24 hours|three weeks|the same afternoon|the following week|three times|999)"
)


def _build_document(rng: random.Random) -> Document:
    case = _Case(rng)
    out = _Builder()
    target = rng.randint(MIN_CHARS + 20, MAX_CHARS - 40)
    if rng.random() < 0.25:
        case.render(rng.choice(_HEADERS), out)
    scenario = rng.choice(sorted(_OPENERS))
    if scenario == "nursery":
        case.child_age = rng.randint(1, 4)
    case.render(rng.choice(_OPENERS[scenario]), out)
    used: set[str] = set()
    keep_budget = 1 if rng.random() < 0.55 else 0
    if rng.random() < 0.15:
        keep_budget += 1
    failures = 0
    while out.length < target and failures < 8:
        if keep_budget and rng.random() < 0.4:
            template = rng.choice(_KEEP_SENTENCES)
        elif rng.random() < 0.08:
            template = rng.choice(_CLOSERS)
        else:
            template = rng.choice(_BODY)
        if template in used:
            failures += 1
            continue
        mark, snap = out.mark(), case.snapshot()
        out.lit(" ")
        case.render(template, out)
        if out.length > MAX_CHARS:
            out.reset(mark)
            case.restore(snap)
            failures += 1
            continue
        used.add(template)
        if template in _KEEP_SENTENCES:
            keep_budget -= 1
    while keep_budget:  # place the kept-word sentence even in a long paragraph, if it fits
        mark, snap = out.mark(), case.snapshot()
        out.lit(" ")
        case.render(rng.choice(_KEEP_SENTENCES), out)
        keep_budget -= 1
        if out.length > MAX_CHARS:
            out.reset(mark)
            case.restore(snap)
    text = out.text()
    plain = _plain_ranges(text, out.spans)
    known = [case.known[k] for k in sorted(case.known)]
    doc = Document(text=text, spans=list(out.spans), known=known, keep=list(out.keep), plain=plain)
    check_document(doc)
    return doc


def _plain_ranges(text: str, spans: Sequence[GoldSpan]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for match in _PLAIN_PATTERNS.finditer(text):
        start, end = match.span()
        if any(s.start < end and start < s.end for s in spans):
            continue
        out.append((start, end))
    return out


def check_document(doc: Document) -> None:
    """Raise ValueError unless every span matches its value and no ranges collide."""
    spans = sorted(doc.spans, key=lambda s: s.start)
    for span in spans:
        if doc.text[span.start : span.end] != span.value:
            raise ValueError(f"span {span} does not match {doc.text[span.start : span.end]!r}")
        if span.value != span.value.strip() or not span.value:
            raise ValueError(f"span {span} has surrounding space or is empty")
    for a, b in itertools.pairwise(spans):
        if b.start < a.end:
            raise ValueError(f"overlapping spans {a} and {b}")
    for start, end in doc.keep:
        if any(s.start < end and start < s.end for s in spans):
            raise ValueError(f"kept range {doc.text[start:end]!r} overlaps a gold span")


def generate(n: int, seed: int) -> list[Document]:
    """``n`` synthetic case-note paragraphs; the same ``seed`` always gives the same corpus."""
    # Synthetic test data, not security: a seeded pseudo-random generator is what is wanted.
    rngs = (random.Random(f"candour-synth:{seed}:{i}") for i in range(n))  # noqa: S311
    return [_build_document(rng) for rng in rngs]


# --------------------------------------------------------------------------------------------
# External labelled set

PRESIDIO_SYNTH_TYPES: dict[str, EntityType] = {
    "PERSON": EntityType.PERSON,
    "DATE_TIME": EntityType.DATE,
    "PHONE_NUMBER": EntityType.PHONE,
    "EMAIL_ADDRESS": EntityType.EMAIL,
    "STREET_ADDRESS": EntityType.ADDRESS,
}


def load_presidio_synth(path: str | Path) -> list[Document]:
    """Read presidio-research's ``synth_dataset_v2.json``.

    Only the types in ``PRESIDIO_SYNTH_TYPES`` become gold spans; the ranges of other labelled
    types (ORGANIZATION, GPE, CREDIT_CARD...) go to ``ignore``: neither scored as misses nor
    counted against precision when redacted.
    """
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    docs: list[Document] = []
    for item in items:
        text: str = item["full_text"]
        spans: list[GoldSpan] = []
        ignore: list[tuple[int, int]] = []
        for raw in item.get("spans") or []:
            kind = PRESIDIO_SYNTH_TYPES.get(raw["entity_type"])
            start, end = int(raw["start_position"]), int(raw["end_position"])
            if kind is None:
                ignore.append((start, end))
                continue
            # trim surrounding whitespace so that offsets and value agree exactly
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                spans.append(GoldSpan(kind, start, end, text[start:end]))
        spans.sort(key=lambda s: (s.start, s.end))
        docs.append(Document(text=text, spans=spans, ignore=sorted(ignore)))
    return docs
