"""Seeded synthetic corpus of UK children's social care case notes, with gold spans.

``corpus.generate(n, seed)`` writes ``n`` case-note paragraphs (about 400-900 characters) about
near misses and incidents: home visits, strategy meetings, missed school referrals, hospital
attendances, transfers between teams, out-of-hours calls. Every identifier is recorded as a
``GoldSpan`` with exact character offsets; ``keep`` lists ordinary words that look like names
("faith in the plan", "the school hall") and must survive de-identification; ``plain`` lists
other words that are not identifiers (role words such as "GP", "MASH", "DOB", ages, times).

Conventions of the gold spans:

* PERSON spans hold the name only: a title ("Mrs", "Dr", "PC") and a possessive "'s" stay
  outside the span.
* DATE_OF_BIRTH spans hold the date only; the label ("DOB", "date of birth:", "born on") is
  plain text. "the 5th" is written with "5th" as the DATE span.
* An address line ("Flat 3, 14 Mill Lane") is an ADDRESS span; the postcode after it is a
  separate POSTCODE span.
* Case references follow ``gold.CASE_REFERENCE_PATTERNS`` (for "Mosaic ID 1234567" the span is
  the number; the label is plain text).

Everything is drawn from one ``random.Random`` per document, seeded from ``(seed, index)``,
so a document does not depend on how many others are generated. Names come from the person
data of Faker's locale providers (read as lists; Faker's own random generator is not used)
plus short romanised Arabic and Somali lists, and names that are ordinary words (Faith, Hope,
Grace, Blessing, Precious, Rose, Hall) appear both as names and as ordinary words.

``presidio_synth.load_presidio_synth(path)`` reads presidio-research's
``synth_dataset_v2.json`` format.

Modules, by the kind of data they make (callers import the module they need):

- ``corpus``: ``generate``, the paragraphs of a corpus;
- ``gold``: the labelled ``Document``, its ``GoldSpan``s, their check, and the builder
  that records spans as the text is written;
- ``case``: the people, places and numbers of one paragraph, kept the same from one
  mention to the next, filling in the placeholders of ``templates``;
- ``templates``: the sentences a paragraph is made of;
- ``people``: names by group, and the roles people have in a case;
- ``places``: addresses, postcodes, schools, health settings, local authorities;
- ``identifiers``: NHS and National Insurance numbers, phone numbers;
- ``dates``: dates, dates of birth and times as people write them;
- ``presidio_synth``: presidio-research's labelled set, read as documents.
"""
