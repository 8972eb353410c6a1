from pathlib import Path

import pytest

from candour.learning.method.corpus import CorpusError, read_csv, split_codes


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "reports.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_reads_ids_texts_codes_and_dates(tmp_path):
    path = write(
        tmp_path,
        'ref,when,story,codes\nA1,2026-01,"Line one, with a comma",X; Y\nA2,2026-02,Two,\n',
    )
    corpus = read_csv(
        path,
        id_column="ref",
        text_column="story",
        codes_column="codes",
        date_column="when",
        progress=None,
    )
    assert corpus.ids == ["A1", "A2"]
    assert corpus.texts == ["Line one, with a comma", "Two"]
    assert corpus.codes == [frozenset({"X", "Y"}), frozenset()]
    assert corpus.dates == ["2026-01", "2026-02"]


def test_progress_names_counts_never_text(tmp_path):
    rows = "".join(f"{i},secret narrative {i}\n" for i in range(25))
    path = write(tmp_path, "id,text\n" + rows)
    messages: list[str] = []
    read_csv(path, id_column="id", text_column="text", progress=messages.append, progress_every=10)
    assert messages == ["Read 10 rows.", "Read 20 rows.", "Read 25 rows in all."]
    assert not any("secret" in message for message in messages)


def test_a_missing_column_is_named(tmp_path):
    path = write(tmp_path, "id,text\n1,hello\n")
    with pytest.raises(CorpusError, match="no column 'narrative'"):
        read_csv(path, id_column="id", text_column="narrative", progress=None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("id,text\n", "no reports"),
        (b"id,text\n1,caf\xe9\n", "not UTF-8"),
        ("id,text\n1,a\n1,b\n", "repeats an id"),
        ("id,text\n,a\n", "no value in the id column"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(CorpusError, match=message):
        read_csv(path, id_column="id", text_column="text", progress=None)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CorpusError, match="no file"):
        read_csv(tmp_path / "nope.csv", id_column="id", text_column="text", progress=None)


def test_split_codes_drops_blanks():
    assert split_codes(" A ; ;B") == frozenset({"A", "B"})
