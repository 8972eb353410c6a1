"""Learning's domain words: where an authority is, as national analysts are told it."""

from __future__ import annotations

from django.db import models


class Region(models.TextChoices):
    """The UK's nations and England's regions (ITL 1): broad enough that a region names no
    single authority, which is why national analysts see this instead of a name."""

    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


UNKNOWN_REGION = "An authority (region not given)"
