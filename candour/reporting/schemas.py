"""JSON shapes of the reporting API: the same report the public form takes, for case systems.

Choices are the models' TextChoices values, so a wrong value is a 422 naming the field.
Free-text answers are limited to ``CANDOUR_REPORT_FIELD_MAX_CHARS`` characters (documented
as ``maxLength``); ``services.check_submission`` enforces the limit with a message naming
the question, so nothing over it is ever saved. Every text is checked at the boundary
(`candour.core.text`: no control characters or unpaired surrogates), so a 422 names the field
rather than de-identification or hashing failing on it later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from django.conf import settings
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError

from candour.core import text
from candour.core.text import Line, Text
from candour.reporting.vocabulary import Confidentiality, Harm, Kind, ReporterRole, ServiceArea

# Literal types built from the TextChoices values, so OpenAPI lists them as enums (and a
# new choice in models is a new allowed value here). To the type checker they are str.
if TYPE_CHECKING:
    KindValue: TypeAlias = str
    ServiceAreaValue: TypeAlias = str
    HarmValue: TypeAlias = str
    ReporterRoleValue: TypeAlias = str
    ConfidentialityValue: TypeAlias = str
else:
    KindValue = Literal[tuple(Kind.values)]
    ServiceAreaValue = Literal[tuple(ServiceArea.values)]
    HarmValue = Literal[tuple(Harm.values)]
    ReporterRoleValue = Literal[tuple(ReporterRole.values)]
    ConfidentialityValue = Literal[tuple(Confidentiality.values)]

FIELD_MAX_CHARS: int = settings.CANDOUR_REPORT_FIELD_MAX_CHARS
IDEMPOTENCY_KEY_MAX_CHARS = 100
KNOWN_MAX_ITEMS = 100

# Over-long answers are refused by check_submission (which names the question); the schema
# documents the limit without a second, differently worded check.
Answer = Annotated[Text, Field(json_schema_extra={"maxLength": FIELD_MAX_CHARS})]


def _whole_number(value: object) -> object:
    # JSON Schema's integer is any number without a fraction (RFC 8259 has no int type):
    # 11.0 is 11. Anything else is left for the strict int check to refuse.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


def _visible_ascii(value: str) -> str:
    if not value.isascii() or not value.isprintable():
        raise PydanticCustomError(
            "idempotency_key", "Idempotency-Key must be printable ASCII characters only"
        )
    return value


# RFC 9110 field values are Latin-1 on the wire; a key is compared byte for byte, so it is
# kept to printable ASCII (a UUID, a ULID, a case system's own reference).
IdempotencyKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=IDEMPOTENCY_KEY_MAX_CHARS),
    AfterValidator(_visible_ascii),
    Field(json_schema_extra={"pattern": "^[ -~]+$"}),
]


class _Strict(Schema):
    """JSON types as declared (no "yes" for true) and no unknown fields (a typo is a 422)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class NarrativeIn(_Strict):
    """The free-text answers, in the order the form asks them. Only what_happened is required."""

    what_happened: Answer = Field(
        description="What happened (required: more than white space)",
        json_schema_extra={
            "minLength": 1,
            "maxLength": FIELD_MAX_CHARS,
            "pattern": text.non_blank_pattern(),
            "not": {"pattern": text.refused_pattern()},
        },
    )
    lead_up: Answer = Field("", description="What led up to it")
    how_noticed: Answer = Field("", description="How it was noticed or caught")
    what_was_done: Answer = Field("", description="What was done")
    outcome: Answer = Field("", description="What the outcome was")
    why: Answer = Field("", description="Why you think it happened")
    prevention: Answer = Field("", description="What might stop it happening again")


class ContactIn(_Strict):
    """How the programme can reach a confidential reporter (ignored for anonymous reports)."""

    name: Line = Field("", max_length=200)
    email: Line = Field("", max_length=254)
    phone: Line = Field("", max_length=40)


class KnownIn(_Strict):
    """A person or place named in the answers, replaced first when the answers are
    de-identified (e.g. text "Kayden Walsh", role "child")."""

    text: Annotated[Line, StringConstraints(min_length=1, max_length=200)]
    role: Line = Field("", max_length=100)


class ReportIn(_Strict):
    programme: Annotated[
        str, StringConstraints(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
    ] = Field(
        description="The reporting programme's slug (as in its link /report/<slug>)",
        examples=["northbrook"],
    )
    kind: KindValue
    service_area: ServiceAreaValue
    occurred_month: WholeNumber = Field(ge=1, le=12)
    occurred_year: WholeNumber = Field(ge=1900, le=9999)
    narrative: NarrativeIn
    harm: HarmValue
    harm_physical: bool = False
    harm_psychological: bool = False
    reporter_role: ReporterRoleValue
    consent_to_publish: bool = False
    confidentiality: ConfidentialityValue = Field(
        description="confidential: the programme may contact you (give an email or phone); "
        "anonymous: no contact details are kept"
    )
    contact: ContactIn | None = None
    known: list[KnownIn] = Field(default_factory=list, max_length=KNOWN_MAX_ITEMS)


class ReceiptOut(Schema):
    reference: str = Field(description="The report's reference, e.g. R-ABCD-EFGH")
    receipt: str = Field(
        description="16 digits, shown only now (and to a retry with the same Idempotency-Key "
        "for a day): they open the reporter's inbox",
        pattern=r"^[0-9]{16}$",
    )
