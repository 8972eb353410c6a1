"""JSON shapes of the flags API: upload results and the access-notification inbox.

Upload messages show at most the last three digits of an identifier; a notification carries
the child's identifier in full, as the authority that holds the flag needs it to find the
child in its own case records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from uuid import UUID

from ninja import Field, Schema

# Every integer a caller sends is bounded, so none reaches the database as a value it cannot
# hold (SQLite and PostgreSQL refuse 2**63 in OFFSET with a server error). A 32-bit signed
# integer is what every database's integer column takes.
DATABASE_INT_MAX: Final = 2_147_483_647
# Far beyond any authority's notifications, and offset + limit stays a 32-bit integer.
NOTIFICATION_OFFSET_MAX: Final = 1_000_000


class UploadLineOut(Schema):
    line: int = Field(description="Line number in the file (the header is line 1)")
    result: str = Field(description="loaded, plan_ended, plan_deleted, or why it was refused")
    field: str = Field(description="The column at fault, if any")
    message: str


class UploadOut(Schema):
    sequence: int
    status: str = Field(
        description="received or applying (the worker is applying it: ask again), applied "
        "(the result below is final) or malformed (nothing was applied; the sequence number "
        "is still free)"
    )
    result: str = Field(
        description="all_loaded, partly_loaded or nothing_loaded once applied; malformed; "
        "empty until then"
    )
    message: str = Field(description="Why a malformed file could not be read")
    lines_total: int = Field(description="Data lines in the file")
    lines_applied: int
    lines_refused: int
    counts: dict[str, int] = Field(
        description='Lines by result once applied, e.g. {"loaded": 2, '
        '"identifier_checksum_wrong": 1}'
    )
    lines_url: str = Field(description="Where to read the line results, a page at a time")
    resent: bool = Field(
        description="True if this sequence number was used before: the earlier upload's "
        "result, and nothing applied again"
    )


LINES_PAGE_MAX: Final = 1000
LINES_OFFSET_MAX: Final = DATABASE_INT_MAX - LINES_PAGE_MAX


class UploadLinesOut(Schema):
    total: int = Field(description="Lines that match, on every page")
    offset: int
    limit: int
    lines: list[UploadLineOut] = Field(description="In file order (the header is line 1)")


class SubjectOut(Schema):
    identifier_system: str = Field(description="nhs, chi or hc")
    identifier: str


class AccessOut(Schema):
    at: datetime
    care_setting: str
    person: str = Field(description="Who looked, or the person a system named as responsible")
    role: str
    organisation: str
    organisation_ods_code: str


class NotificationOut(Schema):
    reference: UUID
    created_at: datetime
    acknowledged_at: datetime | None
    escalated_at: datetime | None
    subject: SubjectOut
    access: AccessOut


class AcknowledgedOut(Schema):
    acknowledged: bool = Field(description="False if it had already been acknowledged")
