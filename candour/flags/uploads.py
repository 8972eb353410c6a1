"""Reading a local authority's flag upload: a CSV file, checked line by line, no database.

The header, in any order, is exactly::

    identifier_system,identifier,family_name,given_name,date_of_birth,plan_type,plan_start,plan_end,action

- `identifier_system`: nhs, chi or hc; `identifier`: ten digits (spaces and hyphens allowed).
- `plan_type`: CPP, LAC or UNBORN_CPP, or its SNOMED CT code; an unborn child's plan is
  recorded against the mother, with her identifier, names and date of birth.
- Dates are ISO, YYYY-MM-DD. `plan_start` is needed to upsert, `plan_end` to end.
- `action`: upsert (create or update), end (set the end date) or delete (uploaded in error).

UTF-8 with or without a byte-order mark, Unix or Windows line ends. A file that cannot be read
as a whole (not UTF-8, wrong header, a line with the wrong number of columns, a cell holding a
control character such as NUL or a line break: `candour.core.text`, so such text is never
stored) is malformed and nothing in it is applied. Messages name the line and field and show
at most the last three digits of an identifier.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Final

from candour.core import text
from candour.flags.identifiers import (
    Identifier,
    IdentifierSystem,
    InvalidIdentifier,
)
from candour.flags.identifiers import (
    parse as parse_identifier,
)
from candour.flags.models import PLAN_TYPE_BY_SNOMED, LineResult, PlanType

HEADER: Final = (
    "identifier_system",
    "identifier",
    "family_name",
    "given_name",
    "date_of_birth",
    "plan_type",
    "plan_start",
    "plan_end",
    "action",
)
ACTIONS: Final = frozenset({"upsert", "end", "delete"})
MAX_NAME: Final = 200


class Malformed(Exception):  # noqa: N818  (a verdict on a file, not a program error)
    """The file as a whole cannot be read; nothing in it may be applied."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Row:
    """A line that passed every check that needs no database."""

    line_number: int
    identifier: Identifier
    family_name: str
    given_name: str
    date_of_birth: date
    plan_type: PlanType
    plan_start: date | None
    plan_end: date | None
    action: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.identifier.system.value, self.identifier.value, self.plan_type.value)


@dataclass(frozen=True)
class Refusal:
    line_number: int
    result: LineResult
    field: str
    message: str


class _Refused(Exception):  # noqa: N818
    def __init__(self, result: LineResult, field: str, message: str) -> None:
        super().__init__(message)
        self.result = result
        self.field = field
        self.message = message


def decode(data: bytes) -> str:
    """UTF-8 text without a byte-order mark; Malformed names the line and byte that is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The codec counts from after the byte-order mark, if there is one.
        offset = exc.start + (len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0)
        line = data[:offset].count(b"\n") + 1
        raise Malformed(
            f"Line {line} is not UTF-8 (byte {offset + 1} of the file). "
            "Save the file as UTF-8 and send it again."
        ) from None


def read(data: bytes, *, today: date, allow_test_range: bool = False) -> list[Row | Refusal]:
    """Every data line as a `Row` or a `Refusal`, in file order; raises `Malformed`."""
    return list(read_lines(data, today=today, allow_test_range=allow_test_range))


def read_lines(
    data: bytes, *, today: date, allow_test_range: bool = False
) -> Iterator[Row | Refusal]:
    """`read` one line at a time, so that a big file is checked or applied in chunks without
    holding every result; raises `Malformed` when it reaches what cannot be read."""
    reader = csv.reader(io.StringIO(decode(data), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise Malformed("Line 1: the file is empty; it needs a header line.")
        for index, name in enumerate(header):
            _check_text(1, f"column {index + 1} of the header", name.strip())
        columns = _check_header([name.strip() for name in header])
        seen: dict[tuple[str, str, str], int] = {}
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(HEADER):
                raise Malformed(
                    f"Line {number} has {len(cells)} columns; the header has {len(HEADER)}."
                )
            values = {name: cells[index].strip() for name, index in columns.items()}
            for name, value in values.items():
                _check_text(number, name, value)
            try:
                row = _row(number, values, today=today, allow_test_range=allow_test_range)
            except _Refused as refused:
                yield Refusal(number, refused.result, refused.field, refused.message)
                continue
            if row.key in seen:
                yield (
                    Refusal(
                        number,
                        LineResult.DUPLICATE_IN_FILE,
                        "identifier",
                        f"Line {number}: the identifier {row.identifier.masked} already has a "
                        f"{row.plan_type.value} line (line {seen[row.key]}); only the first "
                        "is applied.",
                    )
                )
                continue
            seen[row.key] = number
            yield row
    except csv.Error as exc:
        raise Malformed(f"Line {reader.line_num} cannot be read as CSV ({exc}).") from None


def _check_text(number: int, where: str, value: str) -> None:
    """A cell is one line of text; a control character means the file is not a clean text
    export (a binary or UTF-16 file, a spreadsheet's line break), so nothing is applied."""
    found = text.problem(value, multiline=False)
    if found is not None:
        raise Malformed(
            f"Line {number}, {where}: {found}. Correct it and send the file again; "
            "nothing in this file was applied."
        )


def _check_header(header: list[str]) -> dict[str, int]:
    missing = [name for name in HEADER if name not in header]
    extra = [name for name in header if name not in HEADER]
    repeated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append("missing " + ", ".join(missing))
    if extra:
        problems.append("unexpected " + ", ".join(name or "(blank)" for name in extra))
    if repeated:
        problems.append("repeated " + ", ".join(repeated))
    if problems:
        raise Malformed(
            f"Line 1: the header is wrong ({'; '.join(problems)}). It must be: {','.join(HEADER)}."
        )
    return {name: header.index(name) for name in HEADER}


def _row(
    number: int, values: dict[str, str], *, today: date, allow_test_range: bool = False
) -> Row:
    action = values["action"].lower()
    if not action:
        raise _Refused(LineResult.MISSING_MANDATORY_FIELD, "action", _missing(number, "action"))
    if action not in ACTIONS:
        raise _Refused(
            LineResult.UNKNOWN_ACTION,
            "action",
            f"Line {number}, action: must be upsert, end or delete.",
        )
    for name in ("identifier_system", "identifier", "family_name", "given_name", "date_of_birth"):
        if not values[name]:
            raise _Refused(LineResult.MISSING_MANDATORY_FIELD, name, _missing(number, name))
    identifier = _identifier(
        number, values["identifier_system"], values["identifier"], allow_test_range
    )
    for name in ("family_name", "given_name"):
        if len(values[name]) > MAX_NAME:
            raise _Refused(
                LineResult.VALUE_TOO_LONG,
                name,
                f"Line {number}, {name}: at most {MAX_NAME} characters.",
            )
    if not values["plan_type"]:
        raise _Refused(
            LineResult.MISSING_MANDATORY_FIELD, "plan_type", _missing(number, "plan_type")
        )
    plan_type = _plan_type(number, values["plan_type"])
    if action == "upsert" and not values["plan_start"]:
        raise _Refused(
            LineResult.MISSING_MANDATORY_FIELD, "plan_start", _missing(number, "plan_start")
        )
    if action == "end" and not values["plan_end"]:
        raise _Refused(LineResult.MISSING_MANDATORY_FIELD, "plan_end", _missing(number, "plan_end"))
    born = _date(number, "date_of_birth", values["date_of_birth"])
    start = _date(number, "plan_start", values["plan_start"]) if values["plan_start"] else None
    end = _date(number, "plan_end", values["plan_end"]) if values["plan_end"] else None
    _check_dates(number, plan_type, born, start, end, today=today)
    return Row(
        line_number=number,
        identifier=identifier,
        family_name=values["family_name"],
        given_name=values["given_name"],
        date_of_birth=born,
        plan_type=plan_type,
        plan_start=start,
        plan_end=end,
        action=action,
    )


def _missing(number: int, name: str) -> str:
    return f"Line {number}, {name}: this field is mandatory."


def _identifier(
    number: int, system_code: str, value: str, allow_test_range: bool = False
) -> Identifier:
    try:
        system = IdentifierSystem(system_code.lower())
    except ValueError:
        raise _Refused(
            LineResult.INVALID_IDENTIFIER,
            "identifier_system",
            f"Line {number}, identifier_system: must be nhs, chi or hc.",
        ) from None
    try:
        return parse_identifier(value, system, allow_test_range=allow_test_range)
    except InvalidIdentifier as exc:
        result = (
            LineResult.IDENTIFIER_CHECKSUM_WRONG
            if exc.code == "bad_check_digit"
            else LineResult.INVALID_IDENTIFIER
        )
        # The identifiers module's messages show at most the last three digits.
        raise _Refused(result, "identifier", f"Line {number}, identifier: {exc.message}") from None


def _plan_type(number: int, value: str) -> PlanType:
    code = PLAN_TYPE_BY_SNOMED.get(value, value.upper())
    try:
        return PlanType(code)
    except ValueError:
        raise _Refused(
            LineResult.UNKNOWN_PLAN_TYPE,
            "plan_type",
            f"Line {number}, plan_type: must be CPP, LAC or UNBORN_CPP (or its SNOMED CT code).",
        ) from None


def _date(number: int, name: str, value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise _Refused(
            LineResult.INVALID_DATE, name, f"Line {number}, {name}: not a date as YYYY-MM-DD."
        ) from None


def _check_dates(
    number: int,
    plan_type: PlanType,
    born: date,
    start: date | None,
    end: date | None,
    *,
    today: date,
) -> None:
    def inconsistent(name: str, why: str) -> _Refused:
        return _Refused(LineResult.DATE_INCONSISTENT, name, f"Line {number}, {name}: {why}")

    if born > today:
        raise inconsistent("date_of_birth", "is in the future.")
    if start is not None and start > today:
        raise inconsistent("plan_start", "is in the future.")
    if start is not None and end is not None and end < start:
        raise inconsistent("plan_end", "is before plan_start.")
    # An unborn child's plan is recorded against the mother, whose birth is no guide.
    if plan_type is not PlanType.UNBORN_CPP and start is not None and start < born:
        raise inconsistent("plan_start", "is before date_of_birth.")
