"""Word lists the recognisers share: names, English words, titles, acronyms to keep.

The name gazetteer (``data/names.json``) was built once from the names-dataset package
(``build_gazetteer.py``). English words come from the WordNet index that ships inside the
spaCy model's lemmatizer tables, so a name that is also an ordinary word ("Grace", "Hope",
"Hall") can be told apart from one that is not ("Kayden", "Okafor").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.lookups import Lookups

NAMES_FILE = Path(__file__).with_name("data") / "names.json"

TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "master",
        "prof",
        "professor",
        "sir",
        "dame",
        "rev",
        "revd",
        "lady",
        "lord",
    }
)

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTH_ABBREVIATIONS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Words and acronyms of children's social care and the NHS that are never identifiers,
# however an NER model labels them (Presidio issue: over-redaction of role words).
KEEP = frozenset(
    term.strip().lower()
    for term in """
    GP, GPs, DOB, NHS, NI, NINO, HMP, YOI, STC, SCH, MASH, LA, LADO, IRO, EDT, CIN, CP, CPP,
    LAC, CLA, UCPP, Ofsted, CAMHS,
    A&E, ED, ICPC, RCPC, PLO, EHCP, SENCO, SEN, SEND, DSL, DSP, CSC, CSE, CCE, FGM, ICB, SW,
    SSW, TM, PA, YOT, YJS, PRU, NFA, CPS, DWP, HMRC, CAFCASS, Police, Council,
    Children's Services, Early Help, Social Care, Section, S47, S17, S20, S31, Strategy,
    Child Protection, Looked After, Leaving Care, Independent Reviewing Officer, Social Worker,
    Team Manager, Health Visitor, Emergency Duty Team, Front Door, Mosaic, LCS, Eclipse,
    Liquidlogic, Teams, Zoom, WhatsApp, Facebook, Snapchat, Instagram, TikTok, English,
    British, Polish, Romanian, Covid, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday,
    Sunday, Christmas, Easter, Ramadan, Eid, Family Court, Crown Court, Youth Court,
    High Court, County Court, Magistrates Court, Magistrates' Court, Court of Appeal
    """.split(",")  # noqa: SIM905  (a readable block beats 120 quoted strings)
)


# British words WordNet (American) lacks, so they are never taken for names.
BRITISH_WORDS = frozenset(
    [
        "carer",
        "carers",
        "mum",
        "mums",
        "nan",
        "nana",
        "nappy",
        "nappies",
        "telly",
        "favourite",
        "favourites",
        "colour",
        "colours",
        "behaviour",
        "behaviours",
        "centre",
        "centres",
        "neighbour",
        "neighbours",
        "organisation",
        "organisations",
        "programme",
        "programmes",
        "paediatric",
        "paediatrics",
        "paediatrician",
        "licence",
        "cheque",
        "kerb",
        "rota",
        "practise",
        "practised",
        "fulfil",
        "enrol",
        "enrolled",
        "travelled",
        "cancelled",
        "counselling",
        "counsellor",
    ]
)


@dataclass(frozen=True)
class Lexicon:
    first_names: frozenset[str]
    surnames: frozenset[str]
    english_words: frozenset[str]  # lower case

    def is_name(self, word: str) -> bool:
        title = word.title()
        return title in self.first_names or title in self.surnames

    def is_first_name(self, word: str) -> bool:
        return word.title() in self.first_names

    def is_word(self, word: str) -> bool:
        """Whether the lower-case form is an English word (so a name needs context)."""
        lowered = word.lower()
        return (
            lowered in self.english_words
            or lowered in BRITISH_WORDS
            or lowered in STOP_WORDS
            or lowered in KEEP
            or lowered in TITLES
            or lowered in MONTHS
            or lowered in WEEKDAYS
        )


@cache
def load(model_path: Path) -> Lexicon:
    names = json.loads(NAMES_FILE.read_text(encoding="utf-8"))
    return Lexicon(
        first_names=frozenset(names["first_names"]),
        surnames=frozenset(names["surnames"]),
        english_words=_wordnet_words(model_path),
    )


def _wordnet_words(model_path: Path) -> frozenset[str]:
    """Every WordNet lemma shipped with the spaCy model, with its inflected forms.

    The index holds lemmas only ("meet"), so irregular forms ("met") come from the
    exceptions table and regular ones ("meetings") from the lemmatizer's suffix rules.
    """
    lookups = Lookups().from_disk(model_path / "lemmatizer" / "lookups")
    index = lookups.get_table("lemma_index")
    exceptions = lookups.get_table("lemma_exc")
    rules = lookups.get_table("lemma_rules")
    words: set[str] = set()
    for key in index:
        lemmas = [w for w in index[key] if w.isalpha()]
        words.update(lemmas)
        for inflected, lemma_end in rules.get(key, []):
            for lemma in lemmas:
                if lemma.endswith(lemma_end):
                    stem = lemma[: len(lemma) - len(lemma_end)] if lemma_end else lemma
                    words.add(stem + inflected)
    for key in exceptions:
        words.update(form for form in exceptions[key] if form.isalpha())
    return frozenset(words)
