"""Paging: a count limit counts only so far, and never ranks every row to do it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from candour.accounts.models import Organisation
from candour.accounts.tests.factories import OrganisationFactory
from candour.core.pagination import paginate

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations() -> list[Organisation]:
    return [OrganisationFactory() for _ in range(5)]


def page_of(number: str, *, limit: int | None):
    request = RequestFactory().get("/", {"page": number, "q": "x"})
    return paginate(request, Organisation.objects.order_by("name"), per_page=2, count_limit=limit)


def test_without_a_limit_everything_is_counted(organisations):
    pagination = page_of("1", limit=None)
    assert pagination.page.paginator.count == Organisation.objects.count()
    assert pagination.more is False
    assert pagination.query == "q=x&"


def test_a_limit_counts_only_so_far_and_says_there_are_more(organisations):
    total = Organisation.objects.count()
    pagination = page_of("1", limit=3)
    assert pagination.page.paginator.count == 3
    assert pagination.more is True
    assert pagination.page.paginator.num_pages == 2
    # Past the limit is the last page within it, not an error.
    assert page_of("9", limit=3).page.number == 2
    assert [o.pk for o in page_of("2", limit=3).page] == list(
        Organisation.objects.order_by("name").values_list("pk", flat=True)[2:3]
    )
    exact = page_of("1", limit=total)
    assert exact.page.paginator.count == total
    assert exact.more is False


def test_the_count_is_not_ordered(organisations):
    with CaptureQueriesContext(connection) as queries:
        pagination = page_of("1", limit=3)
        assert pagination.page.paginator.count == 3
        assert len(list(pagination.page)) == 2
    count, page = queries.captured_queries
    assert "ORDER BY" in page["sql"].upper()
    assert "ORDER BY" not in count["sql"].upper()
    assert "LIMIT 4" in count["sql"].upper()
