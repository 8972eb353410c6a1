"""One way to page a long list on a GOV.UK page (the pagination component)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property


@dataclass(frozen=True)
class Pagination:
    """A page of items, the page numbers to link (with "…" for gaps) and the request's other
    query parameters, so a filtered list stays filtered from page to page."""

    page: Page[Any]
    links: list[int | str]
    query: str
    more: bool = False  # more items than the count limit: ``page.paginator.count`` is the limit

    def __iter__(self) -> Any:
        return iter(self.page)


if TYPE_CHECKING:
    _AnyPaginator = Paginator[Any]
else:
    _AnyPaginator = Paginator  # generic only in django-stubs


class _CountedUpTo(_AnyPaginator):
    """Counts no further than a limit: counting every match of a broad search over a large
    table costs more than the page itself, and nobody pages through thousands of results."""

    def __init__(self, items: QuerySet[Any], per_page: int, *, limit: int) -> None:
        super().__init__(items, per_page)
        self.items = items
        self.limit = limit

    @cached_property
    def found(self) -> int:
        # Ordering is cleared: any limit + 1 rows answer "more than the limit?", and the
        # database need not rank every match first.
        return self.items.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.found, self.limit)


def paginate(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[Any],
    *,
    per_page: int,
    count_limit: int | None = None,
) -> Pagination:
    """The page the request asks for (``?page=``); a missing, malformed or out-of-range number
    gives the first or last page rather than an error (Paginator.get_page). With
    ``count_limit``, a query set is counted only that far, and the pages stop there."""
    paginator: Paginator[Any]
    if count_limit is not None and isinstance(items, QuerySet):
        paginator = _CountedUpTo(items, per_page, limit=count_limit)
    else:
        paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    links: list[int | str] = []
    if page.has_other_pages():
        links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    more = isinstance(paginator, _CountedUpTo) and paginator.found > paginator.limit
    return Pagination(page=page, links=links, query=f"{encoded}&" if encoded else "", more=more)
