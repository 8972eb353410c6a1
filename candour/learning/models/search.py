"""Learning's tables: national sharing, and the search copy of each released report.

Only released, de-identified material is copied here: nothing sealed, raw or un-released
(ADR 0019). The copy exists so that search, similar reports and error traps read one table
with full-text indexes, kept in step by the services that release and code reports.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from candour.accounts.models import Organisation, User
from candour.learning.vocabulary import Region
from candour.reporting.models import Report


class Sharing(models.Model):
    """An authority's choice to pool its released reports with the national programme."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="learning_sharing"
    )
    share_nationally = models.BooleanField(default=False)
    region = models.CharField(max_length=20, choices=Region.choices, blank=True)
    name_shown = models.BooleanField(default=False)
    changed_on = models.DateField()

    def __str__(self) -> str:
        return f"sharing of {self.organisation_id}"


class IndexedReport(models.Model):
    """A released report as search sees it: its de-identified text and its codes."""

    report = models.OneToOneField(
        Report, on_delete=models.CASCADE, primary_key=True, related_name="indexed"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(max_length=20, unique=True)
    body = models.TextField()  # the released answers and the analyst's synopsis
    synopsis = models.TextField(blank=True)
    kind = models.CharField(max_length=20)
    service_area = models.CharField(max_length=20)
    harm = models.CharField(max_length=10)  # as coded, else as reported
    detection = models.CharField(max_length=30, blank=True)
    # Codes as space-separated tokens (" scie:x london:y "), so a filter on one code is the
    # same query on SQLite and PostgreSQL (SQLite has no JSON containment lookup).
    codes = models.TextField(blank=True)
    occurred = models.PositiveIntegerField()  # year * 100 + month
    released_on = models.DateField()
    # The order reports were first released in (a newer one has a higher number), so a broad
    # search can take its most recent matches without sorting them all (ADR 0019). On SQLite
    # it is the report's row id in the FTS5 table, which FTS5 reads in order.
    position = models.PositiveBigIntegerField(unique=True)
    # The filters' words (``learning.facets``): SQLite copies them into the FTS5 table's
    # scope column, PostgreSQL into ``facet_vector``.
    facets = models.TextField(blank=True)
    # PostgreSQL's full-text vectors of the text and of the facets (both GIN-indexed there);
    # SQLite uses the FTS5 table learning_fts instead, and leaves these empty.
    vector = SearchVectorField(null=True)
    facet_vector = SearchVectorField(null=True)

    class Meta:
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["organisation", "released_on"]),
            models.Index(fields=["occurred"]),
            # Filters alone show the newest released first: read in this order, not sorted.
            models.Index(fields=["-released_on", "reference"], name="learning_newest_released"),
            # PostgreSQL: an authority's search walks its own reports newest first.
            models.Index(fields=["organisation", "position"], name="learning_authority_position"),
        ]

    def __str__(self) -> str:
        return self.reference


class SavedSearch(models.Model):
    """A search an analyst keeps, to be told when a newly released report matches it."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=100)
    criteria = models.JSONField()  # the search form's cleaned values
    created_on = models.DateField()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class SavedSearchMatch(models.Model):
    """A newly released report that matched a saved search: the analyst's in-app notice."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    matched_on = models.DateField()
    seen = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["saved_search", "report"], name="one_match_a_report")
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id}:{self.report_id}"


class SimilarReport(models.Model):
    """One of a released report's most similar released reports, as the last discovery run
    of ``organisation`` (whose analysts read them) found it, with why: shared terms, codes."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    similar = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    terms = models.JSONField(default=list)
    codes = models.JSONField(default=list)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["organisation", "report", "rank"], name="one_similar_a_rank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}~{self.similar_id}"
