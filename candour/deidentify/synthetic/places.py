"""Places: street addresses and postcodes, schools and nurseries, GP surgeries and
hospitals, and the local authorities whose web and e-mail domains a case uses."""

from __future__ import annotations

import random
import re

from candour.deidentify.synthetic.people import fold

PLACES = (
    "Hillside", "Oakfield", "Meadowbank", "Riverside", "Greenfield", "Westfield", "Ashgrove",
    "Beechwood", "Kingsmead", "Fernwood", "Brookside", "Elmhurst", "Highfield", "Millbrook",
    "Parkside", "Woodlands", "Hollybank", "Thornhill", "Broadwater", "Cherry Tree", "Moorside",
    "Lakeside", "Fairfield", "Springwell", "Redhill", "Stonebridge", "Eastfield", "Northgate",
    "Southfields", "Ravenscroft", "Heathfield", "Longmeadow", "Willowbrook", "Castleview",
    "Bankside", "Foxhill", "Parkview", "Orchard Vale", "Lime Tree", "Chapel End",
)  # fmt: skip
_TOWNS = (
    "Northbrook", "Eastmoor", "Riverdale", "Kingsford", "Ashby Vale", "Westhaven", "Calder",
    "Marshfield", "Oldcastle", "Wyvern", "Brackley", "Thornbury",
)  # fmt: skip
_SAINTS = (
    "Mary", "Joseph", "John", "Peter", "Paul", "Anne", "Teresa", "Patrick", "Bede", "Chad",
    "Aidan", "Michael", "Thomas", "Margaret", "Bernadette", "Francis", "Augustine", "Hilda",
    "Cuthbert", "Wilfrid", "Luke", "Mark", "Matthew", "Andrew", "George", "James", "Catherine",
    "Edmund", "Oswald", "Nicholas",
)  # fmt: skip
_NURSERY_WORDS = (
    "Acorns", "Stars", "Explorers", "Footsteps", "Rainbows", "Sunbeams", "Owls", "Ladybirds",
    "Buttercups", "Treetops", "Caterpillars", "Seedlings", "Pebbles",
)  # fmt: skip
_STREET_WORDS = (
    "Elm", "Mill", "Station", "Church", "Victoria", "Park", "Queen's", "King's", "Manor",
    "Chestnut", "Oak", "Beech", "Willow", "Ash", "Cedar", "Birch", "Holly", "Hawthorn",
    "Meadow", "Orchard", "Springfield", "Windsor", "Albert", "Alexandra", "Clarence",
    "Cromwell", "Nelson", "Wellington", "Grange", "Rectory", "Vicarage", "Brook", "Bridge",
    "Canal", "Forge", "Kiln", "Foundry", "Granby", "Mulberry", "Laburnum", "Sycamore",
    "Primrose", "Lavender", "Heather", "Thistle", "Bramble", "Ivy", "Juniper", "Poplar",
    "Rowan", "Hazel", "Larch", "Tennyson", "Coronation", "Jubilee", "Moss", "Brunswick",
    "Cavendish", "Regent", "Derwent", "Trent", "Severn", "Pennine", "Fountain", "Market",
)  # fmt: skip
STREET_SUFFIXES: tuple[str, ...] = (
    "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Grove",
    "Gardens", "Place", "Court", "Terrace", "Walk", "Rise", "Mews", "Hill", "Row", "Square",
    "View",
)  # fmt: skip
_BUILDINGS = (
    "Chaucer", "Milton", "Shelley", "Keats", "Brunel", "Telford", "Stephenson", "Nightingale",
    "Darwin", "Newton", "Faraday", "Wordsworth", "Austen", "Bronte", "Hardy", "Elgar",
    "Turner", "Constable", "Cavell", "Pankhurst",
)  # fmt: skip
_POSTCODE_AREAS = (
    "B", "BS", "M", "LS", "NE", "L", "S", "BD", "HD", "HX", "WF", "DN", "HU", "YO", "LE", "NG",
    "DE", "CV", "WV", "WS", "DY", "ST", "SK", "WA", "CH", "PR", "BB", "BL", "WN", "LA", "CA",
    "DH", "SR", "TS", "DL", "HG", "NR", "IP", "CB", "CO", "CM", "SS", "RM", "IG", "EN", "AL",
    "SG", "LU", "MK", "OX", "RG", "SL", "HP", "GU", "PO", "SO", "BH", "SP", "SN", "GL", "BA",
    "TA", "EX", "PL", "TQ", "TR", "CF", "SA", "NP", "LL", "SY", "HR", "WR", "TF", "OL", "E",
    "N", "SE", "SW", "NW", "W", "CR", "BR", "KT", "SM", "TW", "UB", "HA", "DA", "ME", "CT",
    "TN", "BN", "RH", "G", "EH", "AB", "DD", "KY", "BT",
)  # fmt: skip
_POSTCODE_LONDON_SUBDISTRICTS = (
    "W1A", "W1B", "W1D", "W1F", "W1G", "W1H", "W1K", "W1T", "W1U", "W1W", "E1W", "N1C", "N1P",
    "EC1A", "EC1M", "EC1N", "EC1R", "EC1V", "EC2A", "EC3A", "EC4A", "SW1A", "SW1E", "SW1H",
    "SW1P", "SW1V", "SW1W", "SW1X", "WC1A", "WC1B", "WC1E", "WC1H", "WC1N", "WC1X", "WC2A",
    "WC2B", "WC2E", "WC2H", "WC2N", "SE1P",
)  # fmt: skip
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
LOCAL_AUTHORITIES = ("northbrook", "eastmoor", "riverdale", "kingsford", "westhaven")


def postcode(rng: random.Random) -> str:
    if rng.random() < 0.05:
        outward = rng.choice(_POSTCODE_LONDON_SUBDISTRICTS)
    else:
        area = rng.choice(_POSTCODE_AREAS)
        top = 40 if len(area) == 1 else 29
        outward = f"{area}{rng.randint(1, top)}"
    inward = f"{rng.randrange(10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    return f"{outward}{inward}" if rng.random() < 0.2 else f"{outward} {inward}"


def street(rng: random.Random) -> str:
    word = rng.choice(_STREET_WORDS)
    suffix = rng.choice(STREET_SUFFIXES)
    if word in {"Station", "Church", "Market"} and rng.random() < 0.5:
        suffix = rng.choice(("Road", "Street", "Lane"))
    return f"{word} {suffix}"


def address_line(rng: random.Random) -> str:
    style = rng.random()
    number = rng.randint(1, 214)
    if style < 0.45:
        return f"{number} {street(rng)}"
    if style < 0.65:
        return f"Flat {rng.randint(1, 24)}, {number} {street(rng)}"
    if style < 0.8:
        flat = f"{rng.randint(1, 12)}{rng.choice('ABCD')}"
        return f"Flat {flat} {rng.choice(_BUILDINGS)} House, {street(rng)}"
    if style < 0.9:
        return f"{number}{rng.choice('ab')} {street(rng)}"
    return f"{rng.randint(1, 60)} {rng.choice(_BUILDINGS)} Court, {street(rng)}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text).lower())


def school_name(rng: random.Random, kind: str) -> tuple[str, str]:
    """A nursery's name (``kind`` "nursery") or a school's, and the place it is named after."""
    place = rng.choice(PLACES)
    saint = rng.choice(_SAINTS)
    saint_s = f"St {saint}'s"
    if kind == "nursery":
        name = rng.choice(
            (
                f"Little {rng.choice(_NURSERY_WORDS)} Nursery",
                f"{place} Nursery School",
                f"{place} Day Nursery",
                f"{rng.choice(_NURSERY_WORDS)} Pre-School",
            )
        )
    else:
        name = rng.choice(
            (
                f"{place} Primary School",
                f"{place} Primary",
                f"{place} Infant School",
                f"{place} Junior School",
                f"{place} Academy",
                f"{place} High School",
                f"{place} Community College",
                f"{saint_s} Catholic Primary",
                f"{saint_s} C of E Primary School",
                f"{saint_s} CE Academy",
                f"{saint_s} RC High School",
                f"{place} Sixth Form College",
                f"The {place} School",
            )
        )
    return name, place


def health_setting_name(rng: random.Random, kind: str) -> str:
    """A GP surgery's name (``kind`` "surgery") or a hospital's."""
    place = rng.choice(PLACES)
    town = rng.choice(_TOWNS)
    saint = rng.choice(_SAINTS)
    saint_s = f"St {saint}'s"
    if kind == "surgery":
        name = rng.choice(
            (
                f"{place} Surgery",
                f"{place} Medical Practice",
                f"{place} Medical Centre",
                f"{place} Health Centre",
                f"{place} Family Practice",
                f"The {place} Practice",
                f"{street(rng).split()[0]} Road Surgery",
            )
        )
    else:
        name = rng.choice(
            (
                f"Royal {town} Infirmary",
                f"{town} General Hospital",
                f"{saint_s} Hospital",
                f"{saint_s} University Hospital",
                f"{town} Royal Hospital",
                f"{town} Children's Hospital",
                f"{town} District General Hospital",
                f"University Hospital {town}",
                f"{town} Urgent Treatment Centre",
                f"{town} Community Hospital",
            )
        )
    return name
