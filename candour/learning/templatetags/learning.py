"""``{% similar_reports reference %}``: the similar-reports panel, on learning's report page
and on reporting's coding page (which must not import learning: a tag keeps it that way)."""

from __future__ import annotations

from typing import Any

from django import template

from candour.learning import presenters
from candour.learning.selectors import similar

register = template.Library()


@register.inclusion_tag("learning/_similar.html", takes_context=True)
def similar_reports(context: dict[str, Any], reference: str) -> dict[str, Any]:
    found = similar.list_similar(user=context["request"].user, reference=reference)
    rows = [
        (
            item.indexed,
            presenters.summary(item.indexed),
            item.terms,
            [presenters.code_label(code) for code in item.codes],
        )
        for item in found or []
    ]
    return {"rows": rows, "looked": found is not None}
