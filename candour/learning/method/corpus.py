"""Reading a corpus of reports from a CSV file, one row at a time.

The file is read with the csv module as a stream (never loaded whole by a data-frame
library), with a line of progress on stderr every ``progress_every`` rows. Messages name
rows, columns and counts only: report text never reaches a log or a terminal.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

Progress = Callable[[str], None]

# ASRS narratives and long case notes exceed the csv module's default 128 KiB field limit.
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
PROGRESS_EVERY = 10_000


class CorpusError(ValueError):
    """A corpus file that cannot be read as asked, with a sentence saying why."""


@dataclass(frozen=True)
class Corpus:
    """Reports in file order: ``codes`` and ``dates`` are ``None`` when not asked for."""

    ids: list[str]
    texts: list[str]
    codes: list[frozenset[str]] | None = None
    dates: list[str] | None = None

    def __len__(self) -> int:
        return len(self.ids)


def stderr_progress(message: str) -> None:
    """Write a progress line to standard error (the default for scripts)."""
    print(message, file=sys.stderr, flush=True)


def split_codes(value: str, separator: str = ";") -> frozenset[str]:
    """The set of codes in a multi-valued field ("A; B" → {"A", "B"}), blanks dropped."""
    return frozenset(part.strip() for part in value.split(separator) if part.strip())


def read_csv(
    path: str | Path,
    *,
    id_column: str,
    text_column: str,
    codes_column: str | None = None,
    date_column: str | None = None,
    code_separator: str = ";",
    progress: Progress | None = stderr_progress,
    progress_every: int = PROGRESS_EVERY,
) -> Corpus:
    """Read reports from a UTF-8 CSV file with a header row.

    Raises ``CorpusError`` for a missing file, an empty file, a missing column, bytes that
    are not UTF-8, a row without an id, or an id seen twice (results are keyed by id).
    """
    ids: list[str] = []
    texts: list[str] = []
    codes: list[frozenset[str]] | None = [] if codes_column else None
    dates: list[str] | None = [] if date_column else None
    seen: set[str] = set()
    for line, row in _rows(path, [id_column, text_column, codes_column, date_column]):
        report_id = (row.get(id_column) or "").strip()
        if not report_id:
            raise CorpusError(f"Line {line} has no value in the id column {id_column!r}.")
        if report_id in seen:
            raise CorpusError(f"Line {line} repeats an id that an earlier row already has.")
        seen.add(report_id)
        ids.append(report_id)
        texts.append(row.get(text_column) or "")
        if codes is not None and codes_column:
            codes.append(split_codes(row.get(codes_column) or "", code_separator))
        if dates is not None and date_column:
            dates.append((row.get(date_column) or "").strip())
        if progress and len(ids) % progress_every == 0:
            progress(f"Read {len(ids):,} rows.")
    if not ids:
        raise CorpusError("The file has a header row but no reports.")
    if progress:
        progress(f"Read {len(ids):,} rows in all.")
    return Corpus(ids=ids, texts=texts, codes=codes, dates=dates)


def _rows(path: str | Path, wanted: list[str | None]) -> Iterator[tuple[int, dict[str, str]]]:
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except FileNotFoundError:
        raise CorpusError(f"There is no file {str(path)!r}.") from None
    except OSError as exc:
        raise CorpusError(f"The file {str(path)!r} cannot be opened: {exc.strerror}.") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames
            if not header:
                raise CorpusError("The file is empty: it needs a header row and reports.")
            missing = [name for name in wanted if name is not None and name not in header]
            if missing:
                raise CorpusError(
                    f"The file has no column {missing[0]!r}; its columns are "
                    + ", ".join(repr(name) for name in header)
                    + "."
                )
            for row in reader:
                yield reader.line_num, row
        except UnicodeDecodeError:
            raise CorpusError(
                f"The file is not UTF-8 text (near line {reader.line_num + 1}); "
                "save it as UTF-8 and try again."
            ) from None
        except csv.Error as exc:
            raise CorpusError(f"Line {reader.line_num} is not valid CSV: {exc}.") from None
