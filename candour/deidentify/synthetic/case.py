"""One paragraph's case: its people, places and numbers, made when first used and the same
from one mention to the next, and the placeholders of ``templates`` filled in from them."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable

from candour.deidentify.synthetic import dates, identifiers, people, places
from candour.deidentify.synthetic.gold import Builder, Seg
from candour.deidentify.synthetic.people import (
    ALWAYS_TITLED,
    CHILDREN,
    FAMILY,
    KNOWN_ROLES,
    PRONOUNS,
    ROLES,
    Person,
)
from candour.deidentify.types import EntityType, KnownEntity

_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)(?:\.([A-Za-z]+))?\}|\[([a-z]+)\]")


class Case:
    """The people, places and numbers of one paragraph, made when first used."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.today = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
        self.child_age = rng.randint(0, 17)
        self.sibling_age = rng.randint(0, 17)
        la = rng.choice(places.LOCAL_AUTHORITIES)
        self.la_domain = f"{la}.gov.uk"
        self.la_name = la
        self.ref_style = rng.randrange(3)
        self.group = people.pick_group(rng)
        self.people: dict[str, Person] = {}
        self.family_surname: str | None = None
        self.mentions: dict[str, int] = {}
        self.values: dict[str, list[Seg]] = {}
        self.known: dict[str, KnownEntity] = {}

    # state that a rejected sentence must not change
    def snapshot(self) -> tuple[dict[str, int], dict[str, list[Seg]], dict[str, KnownEntity]]:
        return dict(self.mentions), dict(self.values), dict(self.known)

    def restore(
        self, snap: tuple[dict[str, int], dict[str, list[Seg]], dict[str, KnownEntity]]
    ) -> None:
        self.mentions, self.values, self.known = dict(snap[0]), dict(snap[1]), dict(snap[2])

    # ---- people

    def person(self, role: str) -> Person:
        if role in self.people:
            return self.people[role]
        rng = self.rng
        sex, titles = ROLES[role]
        sex = sex or rng.choice("fm")
        title = rng.choice(titles)
        if title in {"Mrs", "Miss", "Ms"}:
            sex = "f"
        if title == "Mr":
            sex = "m"
        if role == "mother":
            person = people.make_person(rng, "f", title, self.group)
        elif role == "father":
            group = self.group if rng.random() < 0.8 else None
            person = people.make_person(rng, "m", title, group)
        elif role in CHILDREN:
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
                surname = people.polish_female(surname) if sex == "f" else surname
            person = people.make_person(
                rng, sex, "", rng.choice((self.group, mother.group)), surname
            )
        else:
            person = people.make_person(rng, sex, title)
        self.people[role] = person
        return person

    def person_segs(self, role: str, attr: str | None) -> list[Seg]:
        rng = self.rng
        person = self.person(role)
        if attr in PRONOUNS:
            male, female = PRONOUNS[attr]
            return [(female if person.sex == "f" else male, None)]
        if attr == "caps":
            return [(person.full.upper(), EntityType.PERSON)]
        count = self.mentions.get(role, 0)
        self.mentions[role] = count + 1
        if role in KNOWN_ROLES:
            self.known.setdefault(role, KnownEntity(person.full, KNOWN_ROLES[role]))
        possessive = attr in {"poss", "fullposs", "firstposs"}
        form = {"fullposs": "full", "firstposs": "first", "poss": None}.get(attr or "", attr)
        if form is None:
            form = self._auto_form(role, count)
        if form == "title" and role in CHILDREN:
            form = "first"
        segs: list[Seg]
        if form == "first" and role in ALWAYS_TITLED:
            form = "title"
        if form == "full":
            with_title = role in ALWAYS_TITLED or (
                role not in CHILDREN and count == 0 and rng.random() < 0.15
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
        if role in CHILDREN:
            return "first" if roll < 0.85 else "full"
        if role in ALWAYS_TITLED:
            return "title" if roll < 0.8 else "full"
        if role in FAMILY:
            return "title" if roll < 0.45 else ("first" if roll < 0.8 else "full")
        return "first" if roll < 0.4 else ("title" if roll < 0.7 else "full")

    # ---- other values

    def cached(self, key: str, make: Callable[[], list[Seg]]) -> list[Seg]:
        if key not in self.values:
            self.values[key] = make()
        return self.values[key]

    def date(self) -> list[Seg]:
        day = self.today - dt.timedelta(days=self.rng.randrange(120))
        prefix, text = dates.format_date(self.rng, day)
        return [(prefix, None), (text, EntityType.DATE)] if prefix else [(text, EntityType.DATE)]

    def month(self) -> list[Seg]:
        day = self.today - dt.timedelta(days=self.rng.randrange(400))
        text = f"{dates.MONTHS[day.month - 1]} {day.year}"
        if self.rng.random() < 0.15:
            text = f"{dates.MONTHS[day.month - 1][:3]} {day.year}"
        return [(text, EntityType.DATE)]

    def dob(self, age: int) -> dt.date:
        return self.today - dt.timedelta(days=365 * age + self.rng.randrange(1, 364))

    def dob_labelled(self, day: dt.date) -> list[Seg]:
        label = self.rng.choice(
            ("DOB ", "DOB: ", "date of birth: ", "born on ", "D.O.B. ", "d.o.b. ", "DoB ")
        )
        return [(label, None), (dates.format_dob(self.rng, day), EntityType.DATE_OF_BIRTH)]

    def reference(self) -> list[Seg]:
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

    def school(self, kind: str) -> list[Seg]:
        name, place = places.school_name(self.rng, kind)
        self.values.setdefault(f"{kind}_domain", [(f"{places.slug(place)}.sch.uk", None)])
        if kind in {"school", "nursery"}:
            self.known.setdefault(kind, KnownEntity(name, "school"))
        return [(name, EntityType.SCHOOL)]

    def health(self, kind: str) -> list[Seg]:
        return [(places.health_setting_name(self.rng, kind), EntityType.HEALTH_SETTING)]

    def address(self, key: str, with_postcode: bool = True) -> list[Seg]:
        def make() -> list[Seg]:
            line = places.address_line(self.rng)
            postcode = places.postcode(self.rng)
            return [(line, EntityType.ADDRESS), (postcode, EntityType.POSTCODE)]

        line, postcode = self.cached(key, make)
        if key == "home":
            self.known.setdefault("address", KnownEntity(line[0], "address"))
        if not with_postcode or self.rng.random() < 0.15:
            return [line]
        return [line, (self.rng.choice((", ", ", ", " ")), None), postcode]

    def school_domain(self) -> str:
        place = places.slug(self.rng.choice(places.PLACES))
        return self.cached("school_domain", lambda: [(f"{place}.sch.uk", None)])[0][0]

    def email(self, role: str) -> list[Seg]:
        rng = self.rng
        if role in {"la", "school"}:
            if role == "la":
                box = rng.choice(("mash", "childrens.services", "edt", "front.door", "cin"))
                return [(f"{box}@{self.la_domain}", EntityType.EMAIL)]
            box = rng.choice(("office", "safeguarding", "dsl", "admin", "head"))
            return [(f"{box}@{self.school_domain()}", EntityType.EMAIL)]
        person = self.person(role)
        first, last = places.slug(person.first), places.slug(person.last)
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

    def url(self, kind: str) -> list[Seg]:
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
            first, last = places.slug(person.first), places.slug(person.last)
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

    def render(self, template: str, out: Builder) -> None:
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

    def resolve(self, name: str, attr: str | None) -> list[Seg]:
        rng = self.rng
        if name in ROLES:
            return self.person_segs(name, attr)
        simple: dict[str, Callable[[], list[Seg]]] = {
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
            "postcode": lambda: [(places.postcode(rng), EntityType.POSTCODE)],
            "nhs": lambda: self.cached(
                "nhs", lambda: [(identifiers.nhs_number(rng), EntityType.NHS_NUMBER)]
            ),
            "nhs2": lambda: [(identifiers.nhs_number(rng), EntityType.NHS_NUMBER)],
            "ni": lambda: self.cached(
                "ni", lambda: [(identifiers.ni_number(rng), EntityType.NI_NUMBER)]
            ),
            "ni2": lambda: [(identifiers.ni_number(rng), EntityType.NI_NUMBER)],
            "phone": lambda: self.cached(
                "phone", lambda: [(identifiers.mobile(rng), EntityType.PHONE)]
            ),
            "phone_carer": lambda: self.cached(
                "phone_carer", lambda: [(identifiers.mobile(rng), EntityType.PHONE)]
            ),
            "phone_sw": lambda: self.cached(
                "phone_sw",
                lambda: [
                    (
                        identifiers.landline(rng)
                        if rng.random() < 0.6
                        else identifiers.mobile(rng),
                        EntityType.PHONE,
                    )
                ],
            ),
            "phone_school": lambda: self.cached(
                "phone_school", lambda: [(identifiers.landline(rng), EntityType.PHONE)]
            ),
            "dob": lambda: self.cached(
                "dob",
                lambda: [
                    (dates.format_dob(rng, self.dob(self.child_age)), EntityType.DATE_OF_BIRTH)
                ],
            ),
            "dob2": lambda: [
                (dates.format_dob(rng, self.dob(self.child_age)), EntityType.DATE_OF_BIRTH)
            ],
            "dobl": lambda: self.dob_labelled(self.dob(self.child_age)),
            "mdobl": lambda: self.dob_labelled(self.dob(self.child_age + rng.randint(17, 30))),
            "age": lambda: [(self._age_phrase(self.child_age), None)],
            "sibling_age": lambda: [(self._age_phrase(self.sibling_age), None)],
            "ageyo": lambda: [(f"{max(self.child_age, 1)}-year-old", None)],
            "time": lambda: [(dates.time_of_day(rng), None)],
            "visit_kind": lambda: [(rng.choice(("weekly", "planned", "statutory")), None)],
            "fdob": lambda: [
                (
                    dates.format_dob(rng, self.dob(self.child_age + rng.randint(19, 35))),
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
