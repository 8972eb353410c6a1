"""The seeded synthetic corpus: determinism, exact gold offsets, coverage of every type."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter

import nhs_number
import phonenumbers
import pytest

from candour.deidentify.synthetic.corpus import MAX_CHARS, MIN_CHARS, generate
from candour.deidentify.synthetic.gold import (
    CASE_REFERENCE_PATTERNS,
    Document,
    GoldSpan,
    check_document,
)
from candour.deidentify.synthetic.identifiers import is_valid_nhs_number
from candour.deidentify.synthetic.people import NAME_WORDS
from candour.deidentify.synthetic.places import STREET_SUFFIXES
from candour.deidentify.synthetic.presidio_synth import load_presidio_synth
from candour.deidentify.types import EntityType, KnownEntity

REQUIRED_TYPES = {
    EntityType.PERSON,
    EntityType.NHS_NUMBER,
    EntityType.NI_NUMBER,
    EntityType.POSTCODE,
    EntityType.PHONE,
    EntityType.EMAIL,
    EntityType.URL,
    EntityType.DATE,
    EntityType.DATE_OF_BIRTH,
    EntityType.ADDRESS,
    EntityType.CASE_REFERENCE,
    EntityType.SCHOOL,
    EntityType.HEALTH_SETTING,
}
UK_POSTCODE = re.compile(
    r"^(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2}$"
)
NI_NUMBER = re.compile(
    r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]$"
)


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    return generate(200, seed=7)


def spans_of(docs: list[Document], kind: EntityType) -> list[GoldSpan]:
    return [s for d in docs for s in d.spans if s.type == kind]


def test_same_seed_gives_the_same_corpus(corpus: list[Document]) -> None:
    assert generate(200, seed=7) == corpus


def test_documents_do_not_depend_on_corpus_size(corpus: list[Document]) -> None:
    assert generate(15, seed=7) == corpus[:15]


def test_different_seeds_give_different_corpora(corpus: list[Document]) -> None:
    other = generate(200, seed=8)
    assert [d.text for d in other] != [d.text for d in corpus]
    assert len({d.text for d in other} & {d.text for d in corpus}) == 0


def test_every_gold_span_matches_its_value(corpus: list[Document]) -> None:
    for doc in corpus:
        check_document(doc)
        for span in doc.spans:
            assert doc.text[span.start : span.end] == span.value


def test_paragraphs_are_case_note_length(corpus: list[Document]) -> None:
    lengths = [len(d.text) for d in corpus]
    assert min(lengths) >= MIN_CHARS
    assert max(lengths) <= MAX_CHARS
    assert len(set(lengths)) > 100


def test_every_entity_type_appears(corpus: list[Document]) -> None:
    seen = {s.type for d in corpus for s in d.spans}
    assert seen >= REQUIRED_TYPES
    counts = Counter(s.type for d in corpus for s in d.spans)
    assert all(counts[kind] >= 20 for kind in REQUIRED_TYPES), counts


def test_nhs_numbers_pass_modulus_11(corpus: list[Document]) -> None:
    numbers = [s.value for s in spans_of(corpus, EntityType.NHS_NUMBER)]
    assert numbers
    for number in numbers:
        assert is_valid_nhs_number(number)
        assert nhs_number.is_valid(re.sub(r"\D", "", number))
    assert {len(n) for n in numbers} == {10, 12}  # "9434765919" and "943 476 5919" / "943-476-5919"
    assert any("-" in n for n in numbers)


def test_modulus_11_check_rejects_a_changed_digit() -> None:
    assert is_valid_nhs_number("943 476 5919")
    assert not is_valid_nhs_number("943 476 5918")
    assert not is_valid_nhs_number("94347659")


def test_identifier_formats(corpus: list[Document]) -> None:
    postcodes = [s.value for s in spans_of(corpus, EntityType.POSTCODE)]
    assert all(UK_POSTCODE.match(p) for p in postcodes), postcodes
    assert any(" " in p for p in postcodes)
    assert any(" " not in p for p in postcodes)
    ni_numbers = [s.value for s in spans_of(corpus, EntityType.NI_NUMBER)]
    assert all(NI_NUMBER.match(n) for n in ni_numbers), ni_numbers
    assert any(" " in n for n in ni_numbers)
    assert any(" " not in n for n in ni_numbers)
    addresses = [s.value for s in spans_of(corpus, EntityType.ADDRESS)]
    assert all(a.split()[-1] in STREET_SUFFIXES for a in addresses)
    assert any(a.startswith("Flat") for a in addresses)
    emails = [s.value for s in spans_of(corpus, EntityType.EMAIL)]
    assert all(re.fullmatch(r"[\w.]+@[a-z0-9.]+\.[a-z]{2,}", e) for e in emails), emails
    urls = [s.value for s in spans_of(corpus, EntityType.URL)]
    assert any(u.startswith("https://") for u in urls)
    assert any(u.startswith("www.") for u in urls)


def test_phone_numbers_mix_valid_and_invalid(corpus: list[Document]) -> None:
    phones = [s.value for s in spans_of(corpus, EntityType.PHONE)]
    valid = [p for p in phones if phonenumbers.is_valid_number(phonenumbers.parse(p, "GB"))]
    assert 0 < len(valid) < len(phones)
    assert any(p.startswith("+44") for p in phones)
    assert any(p.startswith("07700 900") for p in phones)


def test_case_reference_patterns_match_exactly_the_gold_spans(corpus: list[Document]) -> None:
    patterns = [re.compile(p) for p in CASE_REFERENCE_PATTERNS]
    used = set()
    for doc in corpus:
        gold = {(s.start, s.end) for s in doc.spans if s.type == EntityType.CASE_REFERENCE}
        found = set()
        for i, pattern in enumerate(patterns):
            for match in pattern.finditer(doc.text):
                found.add(match.span())
                used.add(i)
        assert found == gold, doc.text
    assert used == set(range(len(patterns)))


def test_dates_are_written_in_many_forms(corpus: list[Document]) -> None:
    dates = [s.value for s in spans_of(corpus, EntityType.DATE)]
    forms = {
        "ordinal month": r"\d{1,2}(?:st|nd|rd|th) [A-Z][a-z]+",
        "slashes": r"\d{1,2}/\d{1,2}/\d{2,4}",
        "weekday": r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d",
        "dots": r"\d{2}\.\d{2}\.\d{2}",
        "month year": r"[A-Z][a-z]+ \d{4}",
        "bare ordinal": r"\d{1,2}(?:st|nd|rd|th)",
    }
    for name, form in forms.items():
        assert any(re.match(form + "$" if name != "weekday" else form, d) for d in dates), name
    dobs = [s for s in spans_of(corpus, EntityType.DATE_OF_BIRTH)]
    assert dobs


def test_date_of_birth_labels_stay_outside_the_spans(corpus: list[Document]) -> None:
    for doc in corpus:
        for span in doc.spans:
            if span.type == EntityType.DATE_OF_BIRTH:
                assert not re.search(r"(?i)dob|birth|born", span.value)
    labels = Counter(
        m.group(0) for d in corpus for m in re.finditer(r"DOB|date of birth|born on", d.text)
    )
    assert set(labels) == {"DOB", "date of birth", "born on"}


def test_person_names_take_many_forms(corpus: list[Document]) -> None:
    people = spans_of(corpus, EntityType.PERSON)
    texts = [d.text for d in corpus]
    values = [p.value for p in people]
    assert any(v.isupper() and " " in v for v in values)  # "KAYDEN WALSH" headers
    assert any(re.search(r"\w-\w", v) for v in values)  # hyphenated surnames
    assert any(" " not in v for v in values)  # first name only, later in the text
    # titles and possessives stay outside the span
    assert not any(re.match(r"(?:Mrs|Mr|Ms|Miss|Dr|PC|DC|DS) ", v) for v in values)
    assert not any(v.endswith(("'s", "\u2019s")) for v in values)
    assert any(re.search(r"\b(?:Mrs|Mr|Ms|Miss|Dr|PC) [A-Z]", t) for t in texts)
    possessive = 0
    for doc in corpus:
        for span in doc.spans:
            if span.type == EntityType.PERSON and doc.text[span.end : span.end + 2] == "'s":
                possessive += 1
    assert possessive > 20
    for value in values:
        for ch in value:
            assert not ch.isalpha() or ch.isascii() or "LATIN" in unicodedata.name(ch)


def test_names_come_from_many_communities(corpus: list[Document]) -> None:
    values = {p.value for p in spans_of(corpus, EntityType.PERSON)}
    assert any(re.search(r"[ąćęłńóśźżșțăâîėąčęįšųūž]", v.lower()) for v in values)
    surnames = {v.split()[-1] for v in values if " " in v}
    assert len(surnames) > 300


def test_kept_ranges_never_overlap_gold_spans(corpus: list[Document]) -> None:
    for doc in corpus:
        for start, end in [*doc.keep, *doc.plain]:
            for span in doc.spans:
                assert end <= span.start or span.end <= start


def test_names_that_are_words_appear_as_names_and_as_kept_words(corpus: list[Document]) -> None:
    as_names: Counter[str] = Counter()
    as_words: Counter[str] = Counter()
    for doc in corpus:
        for span in doc.spans:
            if span.type == EntityType.PERSON:
                for word in NAME_WORDS:
                    if word in span.value.split() or word.upper() in span.value.split():
                        as_names[word] += 1
        for start, end in doc.keep:
            as_words[doc.text[start:end].capitalize()] += 1
    for word in NAME_WORDS:
        assert as_names[word] > 0, word
        assert as_words[word] > 0, word
    assert any(
        "Grace" in s.value and d.text[s.end : s.end + 2] == "'s"
        for d in corpus
        for s in d.spans
        if s.type == EntityType.PERSON
    ) or any("Hall" in s.value for s in spans_of(corpus, EntityType.PERSON))


def test_kept_words_are_ordinary_lower_case_words(corpus: list[Document]) -> None:
    kept = [d.text[a:b] for d in corpus for a, b in d.keep]
    assert kept
    assert all(w.islower() and w.isalpha() for w in kept)


def test_non_identifiers_are_present_and_plain(corpus: list[Document]) -> None:
    plain = Counter(d.text[a:b] for d in corpus for a, b in d.plain)
    for word in ("GP", "MASH", "social worker", "NHS"):
        assert plain[word] > 0, word
    assert any(re.fullmatch(r"aged \d+", w) for w in plain)
    assert any(re.fullmatch(r"\d+-year-old", w) for w in plain)
    assert any(re.fullmatch(r"\d{1,2}(?:[.:]\d{2})?(?:am|pm)|\d{2}:\d{2}", w) for w in plain)


def test_known_entities_are_in_the_text(corpus: list[Document]) -> None:
    roles: Counter[str] = Counter()
    for doc in corpus:
        assert doc.known
        for known in doc.known:
            assert isinstance(known, KnownEntity)
            # a person may be named only as "Mrs Awadil"; the reporter lists the full name
            assert known.text in doc.text or known.text.split()[-1] in doc.text
            roles[known.role] += 1
    assert {"child", "mother", "father", "carer", "social worker", "address", "school"} <= set(
        roles
    )
    assert roles["child"] == len(corpus)


def test_check_document_rejects_bad_offsets() -> None:
    doc = Document(text="Seen by Amy Lee.", spans=[GoldSpan(EntityType.PERSON, 8, 11, "Amy Lee")])
    with pytest.raises(ValueError, match="does not match"):
        check_document(doc)
    overlapping = Document(
        text="Seen by Amy Lee.",
        spans=[GoldSpan(EntityType.PERSON, 8, 15, "Amy Lee")],
        keep=[(8, 11)],
    )
    with pytest.raises(ValueError, match="overlaps"):
        check_document(overlapping)


def test_load_presidio_synth_maps_types_and_trims(tmp_path) -> None:
    items = [
        {
            "full_text": "Call Ana Lopez on 555-0101 about 1 May, at 12 Oak St\n.",
            "masked": "",
            "spans": [
                {"entity_type": "PERSON", "entity_value": "Ana Lopez", "start_position": 5,
                 "end_position": 14},
                {"entity_type": "PHONE_NUMBER", "entity_value": "555-0101", "start_position": 18,
                 "end_position": 26},
                {"entity_type": "DATE_TIME", "entity_value": "1 May", "start_position": 33,
                 "end_position": 38},
                {"entity_type": "STREET_ADDRESS", "entity_value": "12 Oak St\n",
                 "start_position": 43, "end_position": 53},
                {"entity_type": "ORGANIZATION", "entity_value": "Call", "start_position": 0,
                 "end_position": 4},
            ],
        },
        {"full_text": "Nothing here.", "masked": "", "spans": []},
    ]  # fmt: skip
    path = tmp_path / "synth.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    docs = load_presidio_synth(path)
    assert len(docs) == 2
    assert [(s.type, s.value) for s in docs[0].spans] == [
        (EntityType.PERSON, "Ana Lopez"),
        (EntityType.PHONE, "555-0101"),
        (EntityType.DATE, "1 May"),
        (EntityType.ADDRESS, "12 Oak St"),
    ]
    for doc in docs:
        check_document(doc)
    assert docs[0].ignore == [(0, 4)]
    assert docs[1].spans == []
