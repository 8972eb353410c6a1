"""Regular expressions for UK identifiers, in one place so they can be read and tested."""

from __future__ import annotations

# --- Dates ------------------------------------------------------------------------------
# "May" and "March" are ordinary words too, so only their capitalised forms count.
_MONTH = (
    r"(?:(?i:January|February|April|June|July|August|September|October|November|December)"
    r"|Ma(?:y|rch)|MA(?:Y|RCH)"
    r"|(?i:Jan|Feb|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?|Mar\.?)"
)
_WEEKDAY = (
    r"(?i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
DATE_PATTERNS = {
    # Tuesday 11 June 2024 / 3rd March / the 11th of June, 2024
    "day_month": rf"\b(?:{_WEEKDAY},?\s+)?(?:(?i:the)\s+)?{_DAY}(?:\s+(?i:of))?\s+{_MONTH}"
    rf"(?:,?\s+{_YEAR})?\b",
    # March 3rd 2024 / Tuesday, June 11
    "month_day": rf"\b(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b",
    # June 2024
    "month_year": rf"\b{_MONTH}\s+{_YEAR}\b",
    # 14/02/2019, 14-2-19, 11.06.24
    "numeric": r"\b(?:[12]\d|3[01]|0?[1-9])([/.\-])(?:1[0-2]|0?[1-9])\1(?:\d{4}|\d{2})\b",
    # 2019-02-14
    "iso": r"\b(?:19|20)\d{2}-(?:1[0-2]|0[1-9])-(?:[12]\d|3[01]|0[1-9])\b",
    # "on the 5th"
    "ordinal_day": r"\b(?i:the)\s+(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)\b",
}
DOB_CONTEXT = (
    r"(?i:\b(?:d\.?o\.?b\b\.?|date\s+of\s+birth\b|born(?:\s+on)?\b|birthday(?:\s+is)?\b))"
    r"\s*(?:[:\-]\s*|is\s+|was\s+)?$"
)

# --- Numbers ----------------------------------------------------------------------------
NHS_NUMBER = r"(?<![\d+])\d{3}([ -]?)\d{3}\1\d{4}(?!\d)"
# Any two letters, not only HMRC's valid prefixes: a mistyped or specimen number ("QQ 12 34
# 56 C") identifies a person just as well when it is written down.
NI_NUMBER = r"\b(?i:[A-Z]{2})\s?\d{2}\s?\d{2}\s?\d{2}\s?(?i:[A-D])\b"
POSTCODE = (
    r"\b(?i:GIR\s?0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"\s?[0-9][ABD-HJLNP-UW-Z]{2})\b"
)
_SEP = r"[ \-]?"
PHONE_PATTERNS = {
    # +44 7911 123456, +44 (0)161 496 0000, 0044 20 7946 0000
    "international": r"(?<![\w+])(?:\+|00)44\s?(?:\(0\)\s?)?\d(?:[ \-]?\d){8,9}(?!\d)",
    # 07911 123456, 01632 960001, 020 7946 0000
    "national": r"(?<![\d+])0\d(?:[ \-]?\d){8,9}(?!\d)",
    # (0161) 496 0000
    "bracketed": r"\(0\d{2,4}\)\s?\d{3,4}[ \-]?\d{3,4}(?!\d)",
}
# Every pattern here must take time linear in the length of the text, whatever the text
# (ADR 0014): a backtracking engine retries a pattern at every position, so a pattern whose
# unbounded part can run over the same characters from many starting positions is quadratic
# (20,000 characters of "a.a.a…" once took a minute). The rule that keeps them linear: a
# repeated part may start only where no earlier start could already have run across it,
# which the look-behinds below say. ``tests/test_linear_patterns.py`` holds them to it.

# The local part starts a run of address characters; after ' or % only when they open the
# run ('jo@example.org' in quotes), never inside one ("a'a'a'…").
EMAIL = (
    r"(?<![\w.+-])(?<![\w.%+'-]['%])[A-Za-z0-9][A-Za-z0-9._%+'-]*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)

# A host name starts a run of host characters (after "-" or "..." too), never after a
# letter, digit, hyphen or single dot inside one: from there the run was already tried
# ("a.a.a.a…").
_HOST_START = r"(?<!\w)(?<![\w.\-]-)(?<![\w\-]\.)"
URL = (
    r"(?i:\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]"
    rf"|{_HOST_START}[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:sch|gov|nhs|org|co|ac|police|ltd|plc)\.uk"
    r"(?:/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?])?"
    # facebook.com/some.name, example.com/page: a bare domain is named only with a path.
    rf"|{_HOST_START}[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:com|net|org|uk|io|me|info|co)"
    r"/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?])"
)

# --- Places -----------------------------------------------------------------------------
# A word in capitals starts where its capitals start: tried from inside a long run of
# capitals ("AAAA…") each start would run to the end of it again.
_NAME_WORD = r"(?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|(?<![A-Z])[A-Z]{2,})"
_TITLE_WORDS = r"(?!(?:Mr|Mrs|Ms|Miss|Mx|Dr|The|A|An|At|On|In|To|From|Of|And|Near|By)\b)"
_STREET_SUFFIX = (
    r"(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Cres|Grove|Gardens"
    r"|Gdns|Place|Pl|Court|Ct|Terrace|Tce|Walk|Rise|Mews|Hill|Row|Square|Sq|View|Parade|Park"
    r"|Green|Vale|Wharf|Yard|Fields|Meadows?|Croft|Chase|Grange|Heights|Boulevard|Approach"
    r"|End|Gate|Wynd|Brae|Circus|Embankment|Broadway|Promenade|Quay|Hollow|Copse|Dene|Path)"
)
# Without a house number only unmistakable street words count ("Mill Lane", not "Crown
# Court" or "Mr Green").
_STREET_SUFFIX_STRICT = (
    r"(?:Road|Street|Lane|Avenue|Close|Drive|Crescent|Grove|Gardens|Terrace|Mews|Rise"
    r"|Square|Parade|Boulevard)"
)
_STREET = rf"{_TITLE_WORDS}(?:{_NAME_WORD}\s+){{1,3}}{_STREET_SUFFIX}\b"
_STREET_STRICT = rf"{_TITLE_WORDS}(?:{_NAME_WORD}\s+){{1,3}}{_STREET_SUFFIX_STRICT}\b"
_HOUSE = r"\d{1,4}[A-Za-z]?(?:\s?-\s?\d{1,4}[A-Za-z]?)?"
_FLAT = r"(?i:Flat|Apartment|Apt\.?|Unit|Room|Maisonette)\s+\d{1,4}[A-Za-z]?"
_BUILDING = (
    rf"(?:{_NAME_WORD}\s+){{1,3}}(?:House|Court|Lodge|Towers?|Mansions|Buildings|Block"
    r"|Heights|Point|Cottages?|Farm|Hostel|Flats)"
)
ADDRESS_PATTERNS = {
    # "Flat 3, 14 Mill Lane", "19 Darwin Court, Alexandra Walk"
    "numbered": rf"(?:{_FLAT},?\s+)?(?:{_BUILDING},?\s+)?{_HOUSE},?\s+{_STREET}"
    rf"(?:,\s+{_STREET})?",
    "flat_building": rf"{_FLAT},?\s+{_BUILDING}(?:,?\s+{_STREET})?",
    "building_street": rf"{_BUILDING},\s+{_STREET}",
    "street": rf"{_STREET_STRICT}",
}
_PLACE_NAME = rf"(?:(?i:the)\s+)?(?:(?:St\.?|Saint)\s+)?(?:{_NAME_WORD}(?:'s|’s|s')?\s+){{1,4}}"
_CHURCH = r"(?:(?:C\s?of\s?E|CE|RC|Church of England|Catholic|Methodist|Islamic|Jewish)\s+)?"
SCHOOL = (
    rf"{_PLACE_NAME}{_CHURCH}(?:Primary(?:\s+(?:School|Academy))?|Infants?(?:\s+School)?"
    r"|Junior(?:\s+(?:and|&)\s+Infant)?(?:\s+School)?|Secondary(?:\s+School)?|High\s+School"
    r"|Grammar\s+School|Community\s+School|Free\s+School|Special\s+School|Academy|College"
    r"|School|Nursery(?:\s+School)?|Pre-?[Ss]chool|Children'?s\s+Centre|Sixth\s+Form"
    r"|Day\s+Nursery|Playgroup|Kindergarten)\b"
)
HEALTH_SETTING = (
    # "University Hospital Wyvern", "Hospital of St Cross" (name after the word).
    r"\b(?:Royal\s+)?(?:University\s+|General\s+)?Hospitals?\s+(?:of\s+)?"
    rf"(?:(?:St\.?|Saint)\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD})?\b"
    rf"|{_PLACE_NAME}(?:Surgery|Medical\s+Practice|Medical\s+Centre|Health\s+Centre"
    r"|(?:University\s+|General\s+|Community\s+|Children'?s\s+)?Hospitals?|Infirmary|Clinic"
    r"|Practice|Walk-in\s+Centre|Urgent\s+Treatment\s+Centre|NHS\s+(?:Foundation\s+)?Trust"
    r"|Hospice|Maternity\s+Unit)\b"
)
TITLED_NAME = (
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master|Prof|MR|MRS|MS|MISS|DR)\.?\s+"
    r"((?:[A-Z][a-zA-Z'’]+|[A-Z]')(?:[- ](?:[A-Z][a-zA-Z'’]+))?)"
)
# A reference number named as such: "case ref 12345", "Mosaic ID: 1234567".
GENERIC_REFERENCE = (
    r"(?i:\b(?:case|ref(?:erence)?|file|client|child|person|mosaic|lcs|eclipse|record)"
    r"\s*(?:no\.?|number|id|ref(?:erence)?|#)?\s*[:#]?\s*)"
    r"((?=[A-Z0-9/\-]*\d)[A-Z0-9][A-Z0-9/\-]{4,}[A-Z0-9])"
)
