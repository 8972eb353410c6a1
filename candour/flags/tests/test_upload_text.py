"""A CSV cell holding a control character (NUL, a spreadsheet's line break, a terminal escape)
makes the file malformed: nothing in it is applied or stored, so no NUL reaches the database
(PostgreSQL refuses it in text; SQLite would keep it), and the message names the line and
the column without repeating the character."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from itertools import count

import pytest

from candour.accounts.models import Organisation, Role, User
from candour.flags import uploads
from candour.flags.models import FileResult, Subject, Upload, UploadLine
from candour.flags.services import upload as upload_service
from candour.flags.tests.test_uploads import CHILD, SISTER, csv_bytes, line

pytestmark = pytest.mark.django_db
TODAY = date(2027, 6, 30)


def character_of(code_point: str) -> str:
    return chr(int(code_point.removeprefix("U+"), 16))


@pytest.fixture
def upload(make_user: Callable[..., User], organisation: Organisation) -> Callable[[bytes], Upload]:
    manager = make_user(Role.FLAG_MANAGER)
    sequences = count(1)

    def send(data: bytes) -> Upload:
        return upload_service.apply_upload(
            user=manager, organisation=organisation, sequence=next(sequences), data=data
        )

    return send


@pytest.mark.parametrize(
    ("cells", "where", "character"),
    [
        ({"family": "Smi\x00th"}, "family_name", "U+0000"),
        ({"given": "\x1b[31mAda"}, "given_name", "U+001B"),
        ({"given": '"Ada\nMay"'}, "given_name", "U+000A"),  # a quoted cell with a line break
        ({"family": "Smith\tJones"}, "family_name", "U+0009"),
        ({"family": "Del\x7f"}, "family_name", "U+007F"),
        ({"system": "nhs\x00"}, "identifier_system", "U+0000"),
    ],
)
def test_a_control_character_in_a_cell_is_malformed_naming_line_and_column(
    upload, cells, where, character
) -> None:
    data = csv_bytes(line(SISTER), line(CHILD, **cells))

    done = upload(data)

    assert done.result == FileResult.MALFORMED
    # Line 3 (a record spanning lines is numbered by its last, as every other message is).
    assert re.match(rf"Line [34], {where}: ", done.message)
    assert character in done.message
    assert "nothing in this file was applied" in done.message
    assert character_of(character) not in done.message  # storable on every database
    assert not Subject.objects.exists()
    assert not UploadLine.objects.exists()


def test_a_nul_in_the_header_is_malformed_without_echoing_it(upload) -> None:
    header = ",".join(uploads.HEADER).replace("action", "act\x00ion")

    done = upload(csv_bytes(line(), header=header))

    assert done.result == FileResult.MALFORMED
    assert done.message.startswith("Line 1, column 9 of the header: ")
    assert "\x00" not in done.message


def test_whitespace_around_a_cell_is_still_trimmed_not_refused() -> None:
    data = csv_bytes(line(family="Smith \t", given=" Ada"), newline="\r\n")

    (row,) = uploads.read(data, today=TODAY)

    assert isinstance(row, uploads.Row)
    assert (row.family_name, row.given_name) == ("Smith", "Ada")


def test_names_in_any_script_are_read() -> None:
    data = csv_bytes(line(family="Ní Bhriain", given="Siân"))

    (row,) = uploads.read(data, today=TODAY)

    assert isinstance(row, uploads.Row)
    assert row.given_name == "Siân"
