"""JSON shapes of the flags API: upload results and the access-notification inbox.

Upload messages show at most the last three digits of an identifier; a notification carries
the child's identifier in full, as the authority that holds the flag needs it to find the
child in its own case records.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class UploadLineOut(Schema):
    line: int = Field(description="Line number in the file (the header is line 1)")
    result: str = Field(description="loaded, plan_ended, plan_deleted, or why it was refused")
    field: str = Field(description="The column at fault, if any")
    message: str


class UploadOut(Schema):
    sequence: int
    result: str = Field(description="all_loaded, partly_loaded, nothing_loaded or malformed")
    message: str = Field(description="Why a malformed file could not be read")
    lines_total: int
    lines_applied: int
    lines_refused: int
    lines: list[UploadLineOut]
    resent: bool = Field(
        description="True if this sequence number was used before: the earlier upload's "
        "result, and nothing applied again"
    )


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
