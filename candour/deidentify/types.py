"""Plain data types of the de-identification library (no Django, no spaCy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class EntityType(StrEnum):
    PERSON = "PERSON"
    NHS_NUMBER = "NHS_NUMBER"
    NI_NUMBER = "NI_NUMBER"
    POSTCODE = "POSTCODE"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    URL = "URL"
    DATE = "DATE"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    ADDRESS = "ADDRESS"
    CASE_REFERENCE = "CASE_REFERENCE"
    SCHOOL = "SCHOOL"  # schools, nurseries, colleges, academies
    HEALTH_SETTING = "HEALTH_SETTING"  # GP surgeries, health centres, hospitals, clinics
    ORGANISATION = "ORGANISATION"
    LOCATION = "LOCATION"


# Labels used in replacements ("[Person 1]", "[School 2]"); roles of known people override.
LABELS: dict[EntityType, str] = {
    EntityType.PERSON: "Person",
    EntityType.NHS_NUMBER: "NHS number",
    EntityType.NI_NUMBER: "NI number",
    EntityType.POSTCODE: "Postcode",
    EntityType.PHONE: "Phone",
    EntityType.EMAIL: "Email",
    EntityType.URL: "Web address",
    EntityType.DATE: "Date",
    EntityType.DATE_OF_BIRTH: "Date of birth",
    EntityType.ADDRESS: "Address",
    EntityType.CASE_REFERENCE: "Case reference",
    EntityType.SCHOOL: "School",
    EntityType.HEALTH_SETTING: "Health setting",
    EntityType.ORGANISATION: "Organisation",
    EntityType.LOCATION: "Place",
}


class DatePolicy(StrEnum):
    MONTH_YEAR = "month_year"  # "3rd March 2024" -> "March 2024"; no year -> "[Date 1]"
    REMOVE = "remove"  # every date -> "[Date 1]"


@dataclass(frozen=True)
class KnownEntity:
    """A person or place the reporter listed, replaced exactly before anything else runs.

    ``role`` is free text from a short list ("child", "mother", "social worker", "school",
    "address"); it names the replacement: "[Child 1]", "[Mother 1]".
    """

    text: str
    role: str = ""


@dataclass(frozen=True)
class Entity:
    type: EntityType
    start: int  # offsets in the ORIGINAL text
    end: int
    score: float
    replacement: str  # "" when not replaced (a suspected residual name left for review)
    source: str = ""  # "known", "pattern", "ner", "gazetteer", "propagation", "residual"
    suspect: bool = False  # True: a second pass thinks this capitalised word may be a name


@dataclass(frozen=True)
class Result:
    text: str  # the redacted text ("" when missing)
    entities: list[Entity] = field(default_factory=list)
    # True: the time budget ran out before this text was de-identified (ADR 0014). Nothing
    # of it was replaced, so ``text`` is empty: a person must de-identify it by hand.
    missing: bool = False

    @property
    def replaced(self) -> list[Entity]:
        return [e for e in self.entities if e.replacement]

    @property
    def suspects(self) -> list[Entity]:
        return [e for e in self.entities if e.suspect]
