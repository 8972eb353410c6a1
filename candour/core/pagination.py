"""One way to page a long list on a GOV.UK page (the pagination component)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Pagination:
    """A page of items, the page numbers to link (with "…" for gaps) and the request's other
    query parameters, so a filtered list stays filtered from page to page."""

    page: Page[Any]
    links: list[int | str]
    query: str

    def __iter__(self) -> Any:
        return iter(self.page)


def paginate(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], *, per_page: int
) -> Pagination:
    """The page the request asks for (``?page=``); a missing, malformed or out-of-range number
    gives the first or last page rather than an error (Paginator.get_page)."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    links: list[int | str] = []
    if page.has_other_pages():
        links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return Pagination(page=page, links=links, query=f"{encoded}&" if encoded else "")
