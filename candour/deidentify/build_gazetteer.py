"""Build the name gazetteer once from the ``names-dataset`` package (a dev dependency).

names-dataset takes ~14 s and ~2 GB to load, so it is never loaded at run time: this script
extracts the most common first names and surnames of the communities that live in the UK
into ``data/names.json`` (committed). Rerun it to refresh:

    .venv/bin/python -m candour.deidentify.build_gazetteer
"""

from __future__ import annotations

import json
import re
from pathlib import Path

OUTPUT = Path(__file__).with_name("data") / "names.json"

# The UK's largest communities by country of birth or heritage (ONS census 2021 top
# countries of birth outside the UK, plus the Republic of Ireland).
COUNTRIES = [
    "GB",
    "IE",
    "PL",
    "RO",
    "LT",
    "LV",
    "BG",
    "IN",
    "PK",
    "BD",
    "LK",
    "NG",
    "GH",
    "ZA",
    "ZW",
    "KE",
    "SO",
    "SD",
    "ER",
    "ET",
    "JM",
    "IT",
    "PT",
    "ES",
    "FR",
    "DE",
    "TR",
    "IR",
    "IQ",
    "AF",
    "SY",
    "EG",
    "MA",
    "DZ",
    "AL",
    "HU",
    "SK",
    "CZ",
    "UA",
    "RU",
    "CN",
    "HK",
    "MY",
    "PH",
    "VN",
    "US",
    "CA",
    "AU",
    "NZ",
    "BR",
    "CO",
]
FIRST_PER_GENDER = 1000
SURNAMES = 1500
# Profile-data noise that is never a name in case notes.
NOT_NAMES = {"Mr", "Mrs", "Ms", "Miss", "Dr", "Mum", "Dad", "Baby", "Street", "Lane", "Home"}
STOP_WORDS_THAT_ARE_NAMES = {"May", "Will"}
LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-žḀ-ỿ'’-]{2,}$")


def _clean(names: list[str]) -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    cleaned = {n.strip().title() for n in names if LATIN.match(n.strip())}
    # The source is scraped profile data: drop English function words ("The", "She", "On").
    return {
        n
        for n in cleaned
        if (n.lower() not in STOP_WORDS or n in STOP_WORDS_THAT_ARE_NAMES) and n not in NOT_NAMES
    }


def build() -> dict[str, list[str]]:
    from names_dataset import NameDataset  # dev dependency, loaded only here

    dataset = NameDataset()
    first: set[str] = set()
    last: set[str] = set()
    for country in COUNTRIES:
        top_first = dataset.get_top_names(
            n=FIRST_PER_GENDER, use_first_names=True, country_alpha2=country
        ).get(country, {})
        for gender_names in top_first.values():
            first |= _clean(gender_names)
        top_last = dataset.get_top_names(
            n=SURNAMES, use_first_names=False, country_alpha2=country
        ).get(country, [])
        last |= _clean(top_last)
    return {"first_names": sorted(first), "surnames": sorted(last)}


def main() -> None:
    names = build()
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(names, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(names['first_names'])} first names, {len(names['surnames'])} surnames -> {OUTPUT}")


if __name__ == "__main__":
    main()
