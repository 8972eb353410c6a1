"""A report whose automatic draft the engine cannot finish is filed all the same, with the
draft marked for manual review, and the intake officer's review page says so (ADR 0014)."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from candour.deidentify import budget
from candour.deidentify.engine import shared_engine
from candour.reporting.models import Report
from candour.reporting.services import intake as intake_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import MARKER

pytestmark = pytest.mark.django_db

REASON = "Reviewing the redactions before release"
SLOW = "chronology"  # the answer that takes the engine past its budget


def form_data(**narrative: str) -> dict[str, str]:
    """What the check answers page posts to submit: every answer, and an idempotency key."""
    today = timezone.localdate()
    return {
        "kind": "near_miss",
        "service_area": "assessment",
        "occurred_month": str(today.month),
        "occurred_year": str(today.year),
        "what_happened": f"Kayden Walsh was nearly sent home to 27 Elm Grove. {MARKER}",
        "lead_up": "",
        "how_noticed": f"The duty manager checked the {SLOW}, then rang 07911 123456.",
        "what_was_done": "The visit was rearranged.",
        "outcome": "",
        "why": "",
        "prevention": "",
        "harm": "none",
        "reporter_role": "social_worker",
        "known": "Kayden Walsh \N{EM DASH} child",
        "consent_to_publish": "no",
        "confidentiality": "anonymous",
        "idempotency_key": "degraded-draft-key-0001",
        **narrative,
    }


@pytest.fixture
def engine_runs_out_of_time(monkeypatch):
    """The engine's clock jumps a minute while it reads the SLOW answer."""
    now = [1000.0]
    monkeypatch.setattr(budget, "_now", lambda: now[0])
    engine = shared_engine(())
    recognizer = next(r for r in engine.analyzer.registry.recognizers if r.name == "UrlRecognizer")
    analyze = recognizer.analyze

    def slow(text, entities, nlp_artifacts=None):
        if SLOW in text:
            now[0] += 60
        return analyze(text, entities, nlp_artifacts)

    monkeypatch.setattr(recognizer, "analyze", slow)


def _draft(report: Report, intake) -> dict:
    return intake_service.open_narrative(user=intake, report=report, reason=REASON)["draft"]


def _review_page(signed_in, intake, report: Report) -> str:
    client = signed_in(intake)
    url = reverse("reporting:intake_review", args=[report.reference])
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 200
    return response.content.decode()


def test_a_draft_out_of_time_is_filed_with_the_unfinished_answers_marked(
    client, programme, intake, signed_in, engine_runs_out_of_time
):
    response = client.post(reverse("reporting:submit", args=[programme.slug]), form_data())

    assert response.status_code == 200
    assert "Report received" in response.content.decode()
    report = Report.objects.get()
    draft = _draft(report, intake)
    assert draft["what_happened"]["text"].startswith("[Child 1] was nearly sent home")
    assert "missing" not in draft["what_happened"]
    # The answer the engine was reading when time ran out, and every one after it.
    for key in ("how_noticed", "what_was_done"):
        assert draft[key] == {"text": "", "entities": [], "missing": True}

    page = _review_page(signed_in, intake, report)
    assert "The automatic draft is incomplete: de-identify 2 of these answers by hand" in page
    assert 'href="#section-how_noticed">How it was noticed or caught</a>' in page
    assert 'href="#section-what_was_done">What was done</a>' in page
    assert page.count("No automatic draft.") == 2
    assert page.count("The automatic draft of this answer is missing.") == 2
    assert "07911 123456" in page  # in the original only: the box to edit is empty
    assert '<textarea name="how_noticed"' in page
    assert "[Child 1] was nearly sent home" in page  # the finished answer is still drafted


def test_a_report_is_filed_when_the_engine_fails_and_the_review_says_so(
    client, programme, intake, signed_in, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError(f"the engine broke on {MARKER}")

    monkeypatch.setattr("candour.deidentify.engine.shared_engine", broken)
    caplog.set_level(logging.INFO)

    response = client.post(reverse("reporting:submit", args=[programme.slug]), form_data())

    assert response.status_code == 200
    assert "Report received" in response.content.decode()
    report = Report.objects.get()
    draft = _draft(report, intake)
    assert set(draft) == {"what_happened", "how_noticed", "what_was_done"}
    assert all(answer["missing"] for answer in draft.values())
    assert "reporting.draft.failed" in caplog.text
    page = _review_page(signed_in, intake, report)
    assert "The automatic draft is missing: de-identify this report by hand" in page
    assert page.count("No automatic draft.") == 3


def test_the_service_never_loses_a_report_over_the_budget(programme, intake, settings):
    """A real budget too small for anything: the report is filed, every answer missing."""
    from candour.reporting.tests.conftest import submission

    settings.CANDOUR_DEIDENTIFY_BUDGET_SECONDS = 0
    report, receipt = submission_service.submit_report(programme=programme, submission=submission())
    assert receipt
    draft = _draft(report, intake)
    assert all(answer["missing"] for answer in draft.values())


def test_a_complete_draft_has_no_warning(client, programme, intake, signed_in):
    client.post(reverse("reporting:submit", args=[programme.slug]), form_data())
    page = _review_page(signed_in, intake, Report.objects.get())
    assert "The automatic draft is" not in page
    assert "No automatic draft." not in page
