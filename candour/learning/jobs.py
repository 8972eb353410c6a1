"""Learning's background work: saved-search matches, and finding error traps (nightly and
when an analyst asks).

The method (numpy, scikit-learn) is imported by the handlers that use it, not here: every
process registers these handlers at start, and importing scikit-learn then would add
seconds to every web and worker start."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from candour.learning.forms.search import SearchForm
from candour.learning.selectors import pool
from candour.learning.selectors import saved_searches as saved_selectors
from candour.learning.selectors import search as search_selectors
from candour.learning.selectors import traps as trap_selectors
from candour.learning.services import saved_searches
from candour.notifications.models import Job
from candour.notifications.registry import job_handler
from candour.notifications.schedule import daily_job


@job_handler("learning.match_saved_searches")
def match_saved_searches(job: Job) -> None:
    """Check a newly released report against every saved search whose owner may read it.
    Idempotent: a match is recorded and e-mailed once, however often the job runs."""
    indexed = saved_selectors.find_indexed(reference=job.payload["report"])
    if indexed is None:
        return
    for saved in saved_selectors.list_owners_who_may_read(indexed=indexed):
        owner = saved.owner
        criteria = QueryDict(mutable=True)
        for key, value in saved.criteria.items():
            criteria[key] = value
        form = SearchForm(
            criteria,
            authorities=pool.authority_choices(user=owner),
            traps=trap_selectors.trap_choices(user=owner),
        )
        if not form.is_valid():
            continue  # a filter no longer offered (an authority stopped sharing)
        if search_selectors.matches(
            user=owner, query=form.query(), filters=form.filters(), report_id=indexed.pk
        ):
            saved_searches.record_match(job=job, saved=saved, report=indexed.report)


@job_handler("learning.suggest_traps")
def suggest_traps(job: Job) -> None:
    """Suggest a newly released report to the confirmed traps it resembles. Idempotent."""
    from candour.learning.services import suggestions  # numpy and scikit-learn: see above

    indexed = saved_selectors.find_indexed(reference=job.payload["report"])
    if indexed is not None:
        suggestions.suggest_traps(report=indexed.report)


@daily_job("learning.discover_error_traps", at=dt.time(1, 30))
def discover_error_traps(job: Job) -> None:
    """Each night, discovery for every organisation whose analysts look for traps."""
    from candour.learning.services import discovery  # numpy and scikit-learn: see above

    for organisation in trap_selectors.list_organisations_with_analysts():
        discovery.run_discovery(organisation=organisation)


@job_handler("learning.discover_error_traps_now")
def discover_error_traps_now(job: Job) -> None:
    """Discovery an analyst asked for, run by the worker rather than in their request."""
    from candour.learning.services import discovery  # numpy and scikit-learn: see above

    organisation = trap_selectors.find_organisation(reference=job.payload["organisation"])
    if organisation is not None:
        discovery.run_discovery(organisation=organisation)
