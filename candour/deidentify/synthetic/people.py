"""People: first names and surnames by group (Faker's locale lists, romanised Arabic and
Somali, names that are ordinary words), the people made from them, and the roles people
have in a case (their sex, titles, pronouns, and which are listed as known entities)."""

from __future__ import annotations

import importlib
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

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


def polish_female(surname: str) -> str:
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
            pools[locale] = _Pool(male, female, surnames, tuple(map(polish_female, surnames)))
            continue
        surnames = _clean(getattr(provider, "last_names", ()))
        if locale == "lt_LT":
            pools[locale] = _Pool(male, female, surnames, tuple(map(_lithuanian_female, surnames)))
            continue
        pools[locale] = _Pool(male, female, surnames)
    return pools


def fold(text: str) -> str:
    """Drop diacritics, as many UK case systems do ("Łukasz" is kept as "Lukasz")."""
    text = text.replace("Ł", "L").replace("ł", "l")
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    sex: str  # "f" or "m"
    title: str  # "Mrs", "Mr", "Dr", "PC", ... ("" for children)
    group: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def pick_group(rng: random.Random) -> str:
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


def make_person(
    rng: random.Random,
    sex: str,
    title: str,
    group: str | None = None,
    surname: str | None = None,
) -> Person:
    group = group or pick_group(rng)
    first = _first_name(rng, group, sex)
    last = surname or _surname(rng, group, sex)
    if surname is None and rng.random() < 0.05:
        last = f"{last}-{_surname(rng, 'en_GB', sex)}"
    if group in {"pl_PL", "lt_LT", "ro_RO"} and rng.random() < 0.4:
        first, last = fold(first), fold(last)
    return Person(first, last, sex, title, group)


# Roles of people, their sex ("" = random) and their titles.
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
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
CHILDREN = frozenset({"child", "sibling"})
FAMILY = frozenset({"mother", "father", "partner", "carer"})
ALWAYS_TITLED = frozenset({"gp", "doctor", "police"})
# Roles listed as known entities when they appear, with the role word a reporter would use.
KNOWN_ROLES: dict[str, str] = {
    "child": "child",
    "sibling": "sibling",
    "mother": "mother",
    "father": "father",
    "carer": "carer",
    "sw": "social worker",
    "sw2": "social worker",
}
PRONOUNS: dict[str, tuple[str, str]] = {
    "he": ("he", "she"),
    "him": ("him", "her"),
    "his": ("his", "her"),
    "He": ("He", "She"),
    "His": ("His", "Her"),
    "rel": ("brother", "sister"),
    "son": ("son", "daughter"),
}
