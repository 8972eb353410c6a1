"""Uploads: reading the file, applying it, resends, permissions, and what messages show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from candour.accounts.models import Organisation, Role, User
from candour.audit.models import AuditEntry
from candour.flags import uploads
from candour.flags.models import FileResult, LineResult, Plan, Subject, Upload, UploadLine
from candour.flags.services import upload as upload_service
from conftest import UK_JUST_PAST_MIDNIGHT

HEADER = ",".join(uploads.HEADER)
CHILD = "4000000004"
SISTER = "4000000012"
MOTHER = "4000000020"
BAD_CHECK = "4000000005"  # CHILD with its last digit changed
HC_NUMBER = "3200000007"  # a valid H&C number, not an NHS number


def line(
    identifier: str = CHILD,
    *,
    system: str = "nhs",
    family: str = "Smith",
    given: str = "Ada",
    born: str = "2015-03-01",
    plan: str = "CPP",
    start: str = "2025-01-10",
    end: str = "",
    action: str = "upsert",
) -> str:
    return ",".join([system, identifier, family, given, born, plan, start, end, action])


def csv_bytes(*lines: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return newline.join([header, *lines]).encode() + newline.encode()


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.FLAG_MANAGER)


@pytest.fixture
def upload(manager: User, organisation: Organisation) -> Callable[..., Upload]:
    counter = iter(range(1, 1000))

    def send(data: bytes, sequence: int | None = None) -> Upload:
        return upload_service.apply_upload(
            user=manager,
            organisation=organisation,
            sequence=sequence if sequence is not None else next(counter),
            data=data,
        )

    return send


def results(upload: Upload) -> list[tuple[int, str, str]]:
    return [(ln.line_number, ln.result, ln.field) for ln in upload.lines.all()]


# --- the file as a whole ---------------------------------------------------------------------


def test_all_loaded_creates_subject_and_plan(upload, organisation) -> None:
    done = upload(csv_bytes(line()))
    assert done.result == FileResult.ALL_LOADED
    assert (done.lines_total, done.lines_applied, done.lines_refused) == (1, 1, 0)
    subject = Subject.objects.get(identifier=CHILD)
    assert subject.responsible_authority == organisation
    assert subject.family_name == "Smith"
    plan = subject.plans.get()
    assert plan.plan_type == "CPP"
    assert plan.snomed_code == "342191000000101"
    assert plan.start_date == date(2025, 1, 10)
    assert plan.end_date is None
    assert results(done) == [(2, LineResult.LOADED, "")]


def test_snomed_code_accepted_as_plan_type(upload) -> None:
    done = upload(csv_bytes(line(plan="764841000000100")))
    assert done.result == FileResult.ALL_LOADED
    assert Plan.objects.get().plan_type == "LAC"


def test_bom_and_crlf_are_read(upload) -> None:
    data = b"\xef\xbb\xbf" + csv_bytes(line(), line(SISTER), newline="\r\n")
    done = upload(data)
    assert done.result == FileResult.ALL_LOADED
    assert done.lines_applied == 2


def test_header_columns_in_another_order(upload) -> None:
    names = list(uploads.HEADER)
    names.reverse()
    values = line().split(",")
    values.reverse()
    done = upload(csv_bytes(",".join(values), header=",".join(names)))
    assert done.result == FileResult.ALL_LOADED


def test_not_utf8_is_malformed_and_changes_nothing(upload) -> None:
    data = csv_bytes(line(SISTER)) + line(family="M\xfcller").encode("latin-1") + b"\n"
    done = upload(data)
    assert done.result == FileResult.MALFORMED
    assert "Line 3" in done.message
    assert "not UTF-8" in done.message
    assert not Subject.objects.exists()
    assert not done.lines.exists()


def test_not_utf8_after_bom_names_the_right_byte() -> None:
    with pytest.raises(uploads.Malformed) as caught:
        uploads.decode(b"\xef\xbb\xbfab\xff")
    assert "byte 6" in caught.value.message
    assert "Line 1" in caught.value.message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HEADER.replace(",action", ""), "missing action"),
        (HEADER + ",notes", "unexpected notes"),
        (HEADER.replace("plan_end", "plan_finish"), "missing plan_end"),
        (HEADER.replace("given_name", "family_name"), "repeated family_name"),
    ],
)
def test_header_problems_are_malformed(upload, header, expected) -> None:
    done = upload(csv_bytes(line(), header=header))
    assert done.result == FileResult.MALFORMED
    assert expected in done.message
    assert "Line 1" in done.message
    assert not Subject.objects.exists()


def test_empty_file_is_malformed(upload) -> None:
    assert upload(b"").result == FileResult.MALFORMED


def test_wrong_column_count_is_malformed(upload) -> None:
    done = upload(csv_bytes(line(), line(SISTER) + ",extra"))
    assert done.result == FileResult.MALFORMED
    assert "Line 3 has 10 columns" in done.message
    assert not Subject.objects.exists()


def test_header_only_is_nothing_loaded(upload) -> None:
    done = upload(csv_bytes())
    assert done.result == FileResult.NOTHING_LOADED
    assert done.lines_total == 0


def test_blank_lines_are_skipped(upload) -> None:
    done = upload(csv_bytes(line(), "", line(SISTER)))
    assert done.result == FileResult.ALL_LOADED
    assert [n for n, _r, _f in results(done)] == [2, 4]


def test_partly_loaded(upload) -> None:
    done = upload(csv_bytes(line(), line(BAD_CHECK)))
    assert done.result == FileResult.PARTLY_LOADED
    assert (done.lines_total, done.lines_applied, done.lines_refused) == (2, 1, 1)


def test_nothing_loaded(upload) -> None:
    done = upload(csv_bytes(line(BAD_CHECK), line(plan="XYZ")))
    assert done.result == FileResult.NOTHING_LOADED
    assert not Subject.objects.exists()


# --- each line result ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "result", "field"),
    [
        (line("12345"), LineResult.INVALID_IDENTIFIER, "identifier"),
        (line(HC_NUMBER), LineResult.INVALID_IDENTIFIER, "identifier"),
        (line(system="xx"), LineResult.INVALID_IDENTIFIER, "identifier_system"),
        (line(BAD_CHECK), LineResult.IDENTIFIER_CHECKSUM_WRONG, "identifier"),
        (line(family=""), LineResult.MISSING_MANDATORY_FIELD, "family_name"),
        (line(given=""), LineResult.MISSING_MANDATORY_FIELD, "given_name"),
        (line(born=""), LineResult.MISSING_MANDATORY_FIELD, "date_of_birth"),
        (line(identifier=""), LineResult.MISSING_MANDATORY_FIELD, "identifier"),
        (line(plan=""), LineResult.MISSING_MANDATORY_FIELD, "plan_type"),
        (line(start=""), LineResult.MISSING_MANDATORY_FIELD, "plan_start"),
        (line(action="end"), LineResult.MISSING_MANDATORY_FIELD, "plan_end"),
        (line(action=""), LineResult.MISSING_MANDATORY_FIELD, "action"),
        (line(family="x" * 201), LineResult.VALUE_TOO_LONG, "family_name"),
        (line(start="10/01/2025"), LineResult.INVALID_DATE, "plan_start"),
        (line(born="2015-02-30"), LineResult.INVALID_DATE, "date_of_birth"),
        (line(end="20250301"), LineResult.INVALID_DATE, "plan_end"),
        (line(end="2025-01-09"), LineResult.DATE_INCONSISTENT, "plan_end"),
        (line(born="2025-02-01"), LineResult.DATE_INCONSISTENT, "plan_start"),
        (line(plan="XYZ"), LineResult.UNKNOWN_PLAN_TYPE, "plan_type"),
        (line(action="merge"), LineResult.UNKNOWN_ACTION, "action"),
    ],
)
def test_line_refused(upload, row, result, field) -> None:
    done = upload(csv_bytes(row))
    assert results(done) == [(2, result, field)]
    message = done.lines.get().message
    assert message.startswith("Line 2")
    assert field in message
    assert not Subject.objects.exists()


# Dates after today are refused. The rows are built when the tests are collected, so "today"
# is a fixed day: 1 July in the UK at 00:30 BST, when it is still 30 June in UTC.
@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)
@pytest.mark.parametrize(
    ("row", "result", "field"),
    [
        (line(start="2027-07-01"), LineResult.LOADED, ""),
        (line(born="2027-07-01", start="2027-07-01"), LineResult.LOADED, ""),
        (line(start="2027-07-02"), LineResult.DATE_INCONSISTENT, "plan_start"),
        (line(born="2027-07-02"), LineResult.DATE_INCONSISTENT, "date_of_birth"),
    ],
)
def test_dates_are_checked_against_today_in_the_uk(upload, row, result, field) -> None:
    assert results(upload(csv_bytes(row))) == [(2, result, field)]


def test_unborn_plan_against_mother_born_before_is_fine(upload) -> None:
    done = upload(csv_bytes(line(MOTHER, born="1995-06-01", plan="UNBORN_CPP")))
    assert done.result == FileResult.ALL_LOADED


def test_unborn_plan_skips_birth_before_start_check(upload) -> None:
    # The date of birth is the mother's; no comparison with the plan's start is meaningful.
    done = upload(csv_bytes(line(MOTHER, born="2025-02-01", plan="UNBORN_CPP")))
    assert done.result == FileResult.ALL_LOADED


def test_duplicate_in_file_refuses_the_later_line(upload) -> None:
    done = upload(csv_bytes(line(start="2025-01-10"), line(SISTER), line(start="2025-02-01")))
    assert results(done) == [
        (2, LineResult.LOADED, ""),
        (3, LineResult.LOADED, ""),
        (4, LineResult.DUPLICATE_IN_FILE, "identifier"),
    ]
    assert "line 2" in done.lines.get(line_number=4).message
    assert Plan.objects.get(subject__identifier=CHILD).start_date == date(2025, 1, 10)


def test_same_identifier_different_plan_types_is_not_a_duplicate(upload) -> None:
    done = upload(csv_bytes(line(plan="CPP"), line(plan="LAC")))
    assert done.result == FileResult.ALL_LOADED
    assert Subject.objects.get().plans.count() == 2


def test_end_action(upload) -> None:
    upload(csv_bytes(line()))
    done = upload(csv_bytes(line(action="end", start="", end="2025-06-30")))
    assert results(done) == [(2, LineResult.PLAN_ENDED, "")]
    assert done.result == FileResult.ALL_LOADED
    assert Plan.objects.get().end_date == date(2025, 6, 30)


def test_end_already_ended(upload) -> None:
    upload(csv_bytes(line(end="2025-06-30")))
    done = upload(csv_bytes(line(action="end", start="", end="2025-07-30")))
    assert results(done) == [(2, LineResult.PLAN_ALREADY_ENDED, "plan_end")]
    assert Plan.objects.get().end_date == date(2025, 6, 30)


def test_end_before_stored_start(upload) -> None:
    upload(csv_bytes(line(start="2025-01-10")))
    done = upload(csv_bytes(line(action="end", start="", end="2025-01-01")))
    assert results(done) == [(2, LineResult.DATE_INCONSISTENT, "plan_end")]
    assert Plan.objects.get().end_date is None


def test_delete_action_keeps_subject(upload) -> None:
    upload(csv_bytes(line()))
    done = upload(csv_bytes(line(action="delete", start="")))
    assert results(done) == [(2, LineResult.PLAN_DELETED, "")]
    assert not Plan.objects.exists()
    assert Subject.objects.filter(identifier=CHILD).exists()


@pytest.mark.parametrize("action", ["end", "delete"])
def test_end_or_delete_unknown_plan(upload, action) -> None:
    upload(csv_bytes(line(plan="LAC")))
    done = upload(csv_bytes(line(action=action, start="", end="2025-06-30")))
    assert results(done) == [(2, LineResult.PLAN_NOT_FOUND, "plan_type")]
    done = upload(csv_bytes(line(SISTER, action=action, start="", end="2025-06-30")))
    assert results(done) == [(2, LineResult.PLAN_NOT_FOUND, "plan_type")]


def test_upsert_updates_existing_plan_and_names(upload) -> None:
    upload(csv_bytes(line()))
    done = upload(csv_bytes(line(family="Jones", start="2025-02-01", end="2025-03-01")))
    assert done.result == FileResult.ALL_LOADED
    subject = Subject.objects.get()
    assert subject.family_name == "Jones"
    plan = subject.plans.get()
    assert (plan.start_date, plan.end_date) == (date(2025, 2, 1), date(2025, 3, 1))


def test_subject_of_another_authority_is_refused(
    upload, make_user, other_organisation: Organisation
) -> None:
    other = make_user(Role.FLAG_MANAGER, organisation=other_organisation)
    upload_service.apply_upload(
        user=other, organisation=other_organisation, sequence=1, data=csv_bytes(line())
    )
    done = upload(csv_bytes(line(plan="LAC")))
    assert results(done) == [(2, LineResult.OTHER_AUTHORITY, "identifier")]
    assert Subject.objects.get().responsible_authority == other_organisation


def test_every_line_result_code_is_exercised() -> None:
    # Keeps the parametrised tests above in step with the codes the model defines.
    exercised = {
        LineResult.LOADED,
        LineResult.PLAN_ENDED,
        LineResult.PLAN_DELETED,
        LineResult.INVALID_IDENTIFIER,
        LineResult.IDENTIFIER_CHECKSUM_WRONG,
        LineResult.MISSING_MANDATORY_FIELD,
        LineResult.VALUE_TOO_LONG,
        LineResult.INVALID_DATE,
        LineResult.DATE_INCONSISTENT,
        LineResult.DUPLICATE_IN_FILE,
        LineResult.UNKNOWN_PLAN_TYPE,
        LineResult.UNKNOWN_ACTION,
        LineResult.PLAN_NOT_FOUND,
        LineResult.PLAN_ALREADY_ENDED,
        LineResult.OTHER_AUTHORITY,
    }
    assert exercised == set(LineResult)


# --- resends, permissions, audit, privacy -----------------------------------------------------


def test_resent_sequence_is_not_applied_again(upload) -> None:
    first = upload(csv_bytes(line()), sequence=7)
    again = upload(csv_bytes(line(SISTER)), sequence=7)
    assert again.pk == first.pk
    assert not Subject.objects.filter(identifier=SISTER).exists()
    assert Upload.objects.count() == 1
    assert AuditEntry.objects.filter(action="flags.upload.resent").count() == 1


def test_malformed_upload_changes_nothing(upload) -> None:
    bad = upload(b"nonsense\n", sequence=3)
    assert bad.result == FileResult.MALFORMED
    assert not Subject.objects.exists()
    # Its sequence number stays free: see test_upload_application.py.


def test_sequences_are_per_organisation(upload, make_user, other_organisation) -> None:
    upload(csv_bytes(line()), sequence=1)
    other = make_user(Role.FLAG_MANAGER, organisation=other_organisation)
    done = upload_service.apply_upload(
        user=other, organisation=other_organisation, sequence=1, data=csv_bytes(line(SISTER))
    )
    assert done.result == FileResult.ALL_LOADED


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.ADMINISTRATOR, Role.LEADER])
def test_wrong_role_refused(make_user, organisation, role) -> None:
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        upload_service.apply_upload(
            user=user, organisation=organisation, sequence=1, data=csv_bytes()
        )
    assert not Upload.objects.exists()


def test_other_organisations_flag_manager_refused(make_user, organisation, other_organisation):
    outsider = make_user(Role.FLAG_MANAGER, organisation=other_organisation)
    with pytest.raises(PermissionDenied):
        upload_service.apply_upload(
            user=outsider, organisation=organisation, sequence=1, data=csv_bytes(line())
        )
    assert not Upload.objects.exists()
    assert not Subject.objects.exists()


def test_inactive_flag_manager_refused(make_user, organisation) -> None:
    user = make_user(Role.FLAG_MANAGER, is_active=False)
    with pytest.raises(PermissionDenied):
        upload_service.apply_upload(
            user=user, organisation=organisation, sequence=1, data=csv_bytes()
        )


def test_one_audit_entry_per_upload_with_counts_only(upload, organisation) -> None:
    upload(csv_bytes(line(), line(BAD_CHECK)), sequence=5)
    entry = AuditEntry.objects.get(action="flags.upload.applied")
    assert entry.object_ref == f"{organisation.reference}:5"
    assert "applied 1" in entry.reason
    assert "refused 1" in entry.reason
    for text in (entry.reason, entry.object_ref):
        assert CHILD not in text
        assert "Smith" not in text


def test_messages_never_contain_a_full_identifier(upload) -> None:
    upload(csv_bytes(line(MOTHER, plan="LAC")))
    data = csv_bytes(
        line(BAD_CHECK),
        line(HC_NUMBER),
        line(CHILD),
        line(CHILD, start="2025-02-01"),
        line(SISTER, action="end", start="", end="2025-06-30"),
        line(MOTHER, action="end", start="", end="2025-06-30"),
        line(MOTHER, plan="LAC", action="end", start="", end="2025-07-30"),
    )
    done = upload(data)
    messages = list(UploadLine.objects.values_list("message", flat=True))
    assert len([m for m in messages if m]) >= 5
    for message in [*messages, done.message]:
        for number in (CHILD, SISTER, MOTHER, BAD_CHECK, HC_NUMBER):
            assert number not in message
            assert number[:7] not in message
    assert "ending 005" in done.lines.get(line_number=2).message


def test_str_does_not_show_identifier(upload) -> None:
    upload(csv_bytes(line()))
    assert CHILD not in str(Subject.objects.get())
    assert CHILD not in str(Plan.objects.get())


def test_sequence_must_be_positive(upload) -> None:
    with pytest.raises(ValueError, match="positive"):
        upload(csv_bytes(line()), sequence=0)


def test_selectors_keep_to_own_organisation(upload, make_user, other_organisation) -> None:
    from candour.flags import selectors

    mine = upload(csv_bytes(line(BAD_CHECK)))
    outsider = make_user(Role.FLAG_MANAGER, organisation=other_organisation)
    practitioner = make_user(Role.PRACTITIONER)
    manager = User.objects.get(role=Role.FLAG_MANAGER, organisation=mine.organisation)
    assert list(selectors.list_uploads(user=manager)) == [mine]
    assert not selectors.list_uploads(user=outsider).exists()
    assert not selectors.list_uploads(user=practitioner).exists()
    assert selectors.list_upload_lines(user=manager, upload_id=mine.pk).count() == 1
    assert not selectors.list_upload_lines(user=outsider, upload_id=mine.pk).exists()


def test_an_end_before_the_held_start_is_refused_even_with_a_wrong_start_on_the_line(
    upload,
) -> None:
    upload(csv_bytes(line(start="2025-01-10")))
    done = upload(csv_bytes(line(start="2024-01-01", end="2024-06-01", action="end")))
    assert results(done) == [(2, LineResult.DATE_INCONSISTENT, "plan_end")]
    assert Plan.objects.get().end_date is None
