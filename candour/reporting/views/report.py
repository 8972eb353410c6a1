"""The reporter's journey: start, immediate risk, the question pages, check answers, submit.

No sign-in and nothing kept between pages (ADR 0011). Each question page posts every answer
so far (hidden inputs) with its own; a valid page moves on with a 307 redirect, which has the
browser send the same answers to the next page, so every question keeps its own address and
a half-written report is never on the server. These views never touch ``request.session``.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, register_converter, reverse
from django.views.decorators.http import require_http_methods, require_safe

from candour.core.access import public
from candour.core.ceilings import CeilingReached
from candour.core.client_limits import client_of, describe_wait
from candour.reporting import presenters, receipts, selectors
from candour.reporting.forms import report_questions as questions
from candour.reporting.forms.report import ImmediateRiskForm, ReportForm, after
from candour.reporting.forms.report_questions import Question
from candour.reporting.forms.report_submit import SubmitReportForm
from candour.reporting.models import Programme
from candour.reporting.services import submission


class QuestionConverter:
    """Only the question pages' own addresses, so no other ``report/<slug>/…`` is taken."""

    regex = "|".join(question.slug for question in questions.QUESTIONS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(QuestionConverter, "report_question")


@public
@require_safe
def start(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.get_programme(slug=slug)
    context = {"programme": programme, "required": presenters.required_answers()}
    return render(request, "reporting/report/start.html", context)


@public
@require_http_methods(["GET", "HEAD", "POST"])
def immediate_risk(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.get_programme(slug=slug)
    if request.method == "POST":
        form = ImmediateRiskForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["immediate_risk"]:
                return redirect("reporting:emergency", slug=slug)
            return redirect("reporting:question", slug=slug, question=questions.QUESTIONS[0].slug)
        status = 400
    else:
        form, status = ImmediateRiskForm(), 200
    context = {"programme": programme, "form": form}
    return render(request, "reporting/report/immediate_risk.html", context, status=status)


@public
@require_safe
def emergency(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.get_programme(slug=slug)
    return render(request, "reporting/report/emergency.html", {"programme": programme})


def _move_on(programme: Programme, question: Question | None) -> HttpResponse:
    """307, not 302: the browser sends the same answers again, to the next page's address."""
    if question is None:
        url = reverse("reporting:check", kwargs={"slug": programme.slug})
    else:
        url = reverse(
            "reporting:question", kwargs={"slug": programme.slug, "question": question.slug}
        )
    return HttpResponseRedirect(url, status=307)


def _question_page(
    request: HttpRequest,
    programme: Programme,
    question: Question,
    form: ReportForm,
    answers: QueryDict,
    *,
    returning: bool | None = None,
    status: int = 200,
) -> HttpResponse:
    if returning is None:
        returning = questions.is_returning(answers)
    context = {
        "programme": programme,
        "question": question,
        "form": form,
        "returning": returning,
        "carried": questions.carried_answers(answers, leave_out=question.fields),
        "everything": questions.carried_answers(answers),
        "back": None if returning else questions.previous_question(question, answers),
    }
    return render(request, "reporting/report/question.html", context, status=status)


@public
@require_http_methods(["GET", "HEAD", "POST"])
def answer_question(request: HttpRequest, slug: str, question: str) -> HttpResponse:
    """A question page: arriving shows it filled in; its own valid answers move on."""
    programme = selectors.get_programme(slug=slug)
    page = questions.QUESTIONS_BY_SLUG[question]
    answers = request.POST if request.method == "POST" else QueryDict()
    if not page.applies(answers):  # contact details, for someone who chose anonymous
        return _move_on(programme, questions.next_question(page, answers))
    if not questions.is_answering(page, answers):
        form = ReportForm(question=page, initial=questions.initial_answers(page, answers))
        return _question_page(request, programme, page, form, answers)
    form = ReportForm(answers, question=page)
    if not form.is_valid():
        return _question_page(request, programme, page, form, answers, status=400)
    return _move_on(programme, after(page, answers))


def _check_page(
    request: HttpRequest, programme: Programme, form: ReportForm, status: int = 200
) -> HttpResponse:
    context = {
        "programme": programme,
        "form": form,
        "sections": presenters.check_answers(form.cleaned_data),
        "carried": form.carried(),
        "idempotency_key": secrets.token_urlsafe(24),
        "back": questions.last_question(form.cleaned_data),
    }
    return render(request, "reporting/report/check.html", context, status=status)


def _first_problem(request: HttpRequest, programme: Programme, form: ReportForm) -> HttpResponse:
    """Answers that check answers or submit refused: the first page with a problem, showing
    its errors (then back to check answers), or check answers if only the sending failed."""
    question = form.first_invalid_question()
    if question is None:
        return _check_page(request, programme, form, status=400)
    form.keep_errors_of(question)
    return _question_page(
        request, programme, question, form, request.POST, returning=True, status=400
    )


def _nothing_kept(request: HttpRequest, programme: Programme) -> HttpResponse:
    """A restored tab or a bookmark of a page that only answers a form: nothing to show."""
    return render(request, "reporting/report/not_kept.html", {"programme": programme})


@public
@require_http_methods(["GET", "HEAD", "POST"])
def check_answers(request: HttpRequest, slug: str) -> HttpResponse:
    """Every answer, checked together, each with a Change link. Nothing is stored yet."""
    programme = selectors.get_programme(slug=slug)
    if request.method != "POST":
        return _nothing_kept(request, programme)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _first_problem(request, programme, form)
    return _check_page(request, programme, form)


@public
@require_http_methods(["GET", "HEAD", "POST"])
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    """File the report. The same idempotency key again shows the same receipt."""
    programme = selectors.get_programme(slug=slug)
    if request.method != "POST":
        return _nothing_kept(request, programme)
    form = SubmitReportForm(request.POST)
    if not form.is_valid():
        return _first_problem(request, programme, form)
    try:
        report, receipt = submission.submit_report(
            programme=programme,
            submission=form.submission(),
            idempotency_key=form.cleaned_data["idempotency_key"],
            client=client_of(request),
        )
    except CeilingReached as refusal:
        return _not_sent(request, programme, form, refusal)
    except submission.ReplayExpired:
        return render(request, "reporting/report/already_received.html", {"programme": programme})
    except ValidationError as exc:  # the year turned between the two pages, say
        form.add_service_errors(exc)
        return _first_problem(request, programme, form)
    context = {"programme": programme, "report": report, "receipt": receipts.display(receipt)}
    return render(request, "reporting/report/received.html", context)


def _not_sent(
    request: HttpRequest, programme: Programme, form: ReportForm, refusal: CeilingReached
) -> HttpResponse:
    """Too many reports from this client just now: nothing was filed, and the page holds the
    answers (and the same idempotency key) to send again after the wait."""
    context = {
        "programme": programme,
        "carried": form.carried(),
        "idempotency_key": form.cleaned_data["idempotency_key"],
        "wait": describe_wait(refusal.retry_after),
    }
    response = render(request, "reporting/report/not_sent.html", context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


urlpatterns = [
    path("report/<slug:slug>", start, name="start"),
    path("report/<slug:slug>/immediate-risk", immediate_risk, name="immediate_risk"),
    path("report/<slug:slug>/emergency", emergency, name="emergency"),
    path("report/<slug:slug>/<report_question:question>", answer_question, name="question"),
    path("report/<slug:slug>/check-answers", check_answers, name="check"),
    path("report/<slug:slug>/submit", submit, name="submit"),
]
