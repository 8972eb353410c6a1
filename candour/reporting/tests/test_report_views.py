"""The reporter's journey over HTTP: start, immediate risk, the question pages, check answers
and submit. No sign-in, nothing kept on the server between pages (every answer so far
travels in the pages themselves), no persistent cookie.

Pages are answered as a browser would: the test reads each page's forms (hidden inputs,
buttons and their ``formaction``) and sends them back, following the 307 that moves on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils.html import escape

from candour.accounts.models import Role
from candour.core import client_limits
from candour.reporting.forms.report_questions import QUESTIONS, QUESTIONS_BY_SLUG
from candour.reporting.models import Report
from candour.reporting.services import inbox as inbox_service
from candour.reporting.services import intake as intake_service

pytestmark = pytest.mark.django_db

RECEIPT = re.compile(r"\b(\d{4}) (\d{4}) (\d{4}) (\d{4})\b")
TODAY = datetime(2026, 6, 15, 10, 30, tzinfo=ZoneInfo("Europe/London"))
WHAT_HAPPENED = 'Kayden Walsh was nearly sent home to 27 Elm Grove.\r\nA "quoted" <b>bit</b>.'
CONTACT_INPUT = 'name="contact_email"'

# A browser's answers, page by page (each page asks only for these).
PAGE_ANSWERS: dict[str, dict[str, str | list[str]]] = {
    "kind": {"kind": "near_miss"},
    "service-area": {"service_area": "assessment"},
    "when": {"occurred_month": "3", "occurred_year": "2025"},
    "what-happened": {"what_happened": WHAT_HAPPENED},
    "more-about-it": {
        "lead_up": "Two handovers in one week.",
        "how_noticed": "The duty manager checked the chronology.",
        "what_was_done": "The visit was rearranged.",
        "outcome": "No harm came to the child.",
    },
    "why-it-happened": {
        "why": "The case note was in the wrong file.",
        "prevention": "One place for case notes.",
    },
    "names-to-hide": {"known": "Kayden Walsh \N{EM DASH} child\n27 Elm Grove - address"},
    "harm": {"harm": "low", "harm_types": ["physical", "psychological"]},
    "your-role": {"reporter_role": "social_worker"},
    "sharing": {"consent_to_publish": "yes"},
    "confidential-or-anonymous": {"confidentiality": "anonymous"},
    "contact-details": {"contact_phone": "07700 900 982"},
}
REQUIRED_ERRORS = {
    "kind": [("kind", "Select what kind of event it was")],
    "service-area": [("service_area", "Select the service area it happened in")],
    "when": [
        ("occurred_month", "Select the month it happened"),
        ("occurred_year", "Select the year it happened"),
    ],
    "what-happened": [("what_happened", "Enter what happened")],
    "harm": [("harm", "Select how much harm was caused")],
    "your-role": [("reporter_role", "Select your role")],
    "sharing": [
        ("consent_to_publish", "Select yes if we can share a de-identified lesson from your report")
    ],
    "confidential-or-anonymous": [("confidentiality", "Select confidential or anonymous")],
    "contact-details": [
        ("contact_email", "Enter an email address or phone number, or choose anonymous")
    ],
}


@pytest.fixture(autouse=True)
def today(time_machine):
    """15 June 2026: the month and year choices and "this month or in the past" depend on it."""
    time_machine.move_to(TODAY, tick=False)


# --- Reading pages as a browser does ------------------------------------------------------


@dataclass
class Form:
    action: str
    hidden: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.hidden if n == name), None)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self.checked: set[tuple[str, str]] = set()
        self.selected: list[str] = []
        self.ids: set[str] = set()
        self.h1s = 0
        self.back_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "h1":
            self.h1s += 1
        if tag == "a" and "govuk-back-link" in found.get("class", ""):
            self.back_links.append(found["href"])
        if tag == "form":
            self._form = Form(action=found.get("action", ""))
            self.forms.append(self._form)
        if tag == "input" and found.get("type") == "hidden" and self._form is not None:
            self._form.hidden.append((found.get("name", ""), found.get("value", "")))
        if tag == "button" and self._form is not None:
            self._form.buttons.append(found)
        if tag == "input" and "checked" in found:
            self.checked.add((found.get("name", ""), found.get("value", "")))
        if tag == "option" and "selected" in found:
            self.selected.append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def parse(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


def html(response) -> str:
    return response.content.decode()


def as_post(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = defaultdict(list)
    for name, value in pairs:
        data[name].append(value)
    return dict(data)


def url(name: str, programme, question: str | None = None) -> str:
    kwargs = {"slug": programme.slug}
    if question is not None:
        kwargs["question"] = question
    return reverse(f"reporting:{name}", kwargs=kwargs)


def main_form(response) -> Form:
    """The page's own form (the Back link is a form of its own)."""
    forms = [f for f in parse(response).forms if f.value("question") or "/submit" in f.action]
    assert len(forms) == 1, html(response)
    return forms[0]


def back_form(response) -> Form:
    forms = [
        f
        for f in parse(response).forms
        if any("govuk-back-link" in b.get("class", "") for b in f.buttons)
    ]
    assert len(forms) == 1
    return forms[0]


def on_page(response) -> str | None:
    """The question page shown (None: not a question page)."""
    forms = [f for f in parse(response).forms if f.value("question")]
    return forms[0].value("question") if forms else None


def answer(client, response, answers: dict[str, str | list[str]] | None = None, **more):
    """Fill in the page shown with these answers and press Continue, following the 307."""
    form = main_form(response)
    data = as_post(form.hidden)
    for name, value in {**(answers or {}), **more}.items():
        data[name] = value if isinstance(value, list) else [value]
    return client.post(form.action, data, follow=True)


def press(client, form: Form, button: dict[str, str] | None = None):
    """Press a button of a form: its ``formaction`` and its name and value, if it has them."""
    data = as_post(form.hidden)
    action = form.action
    if button is not None:
        action = button.get("formaction") or action
        if button.get("name"):
            data[button["name"]] = [button["value"]]
    return client.post(action.split("#", 1)[0], data, follow=True)


def walk(client, programme, *, change: dict[str, dict] | None = None, stop_at: str = ""):
    """Answer every question page the journey shows, from the first; returns the page after
    the last (check answers), or the page ``stop_at`` when it is reached."""
    answers = {**PAGE_ANSWERS, **(change or {})}
    response = client.get(url("question", programme, "kind"))
    for _step in range(len(QUESTIONS) + 1):
        slug = on_page(response)
        if slug is None or slug == stop_at:
            return response
        assert response.status_code == 200, (slug, html(response))
        response = answer(client, response, answers[slug])
    raise AssertionError("the journey does not end")


def confidential(**contact: str) -> dict[str, dict]:
    return {
        "confidential-or-anonymous": {"confidentiality": "confidential"},
        "contact-details": contact or PAGE_ANSWERS["contact-details"],
    }


def summary_errors(response) -> list[tuple[str, str]]:
    summary = html(response).split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def assert_error_page(response, title: str, errors: list[tuple[str, str]]) -> None:
    """A GOV.UK error state: 400, "Error: " title, the summary linking to each field."""
    assert response.status_code == 400
    assert f"<title>Error: {escape(title)}" in html(response)
    assert summary_errors(response) == errors
    page = parse(response)
    for target, _message in errors:
        assert target in page.ids, f"the summary links to #{target}, which is not on the page"
        assert f"{target}-error" in page.ids or "occurred-error" in page.ids
    assert page.h1s == 1


def receipt_in(response) -> str:
    match = RECEIPT.search(html(response))
    assert match is not None
    return "".join(match.groups())


def submit(client, check_response):
    return press(client, main_form(check_response))


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def assert_no_persistent_cookie(response) -> None:
    for name, morsel in response.cookies.items():
        assert not morsel["expires"], name
        assert not morsel["max-age"], name
    assert "candour_session" not in response.cookies


# --- Start, immediate risk, emergency ------------------------------------------------------


def test_start_page_explains_the_programme_and_how_long_it_takes(client, programme):
    response = client.get(url("start", programme))
    page = html(response)
    assert response.status_code == 200
    assert "<title>Report a near miss or incident" in page
    assert programme.promise in page
    assert programme.exclusions in page
    assert "It takes about 10 minutes" in page
    assert "learning, not blame" in page
    assert "confidential" in page
    assert "anonymous" in page
    assert "only what happened" not in page  # the old, untrue intro
    assert f'href="{url("immediate_risk", programme)}"' in page
    assert "govuk-button--start" in page
    assert_no_persistent_cookie(response)


def test_the_start_page_lists_exactly_the_answers_the_pages_require(client, programme):
    listed = re.findall(
        r"<li>([^<]+)</li>",
        html(client.get(url("start", programme)))
        .split('id="required-answers"')[1]
        .split("</ul>")[0],
    )
    refusing_nothing = []
    for question in QUESTIONS:
        data = {"question": question.slug, "confidentiality": "confidential"}
        if question.slug == "confidential-or-anonymous":
            data.pop("confidentiality")
        response = client.post(url("question", programme, question.slug), data)
        assert response.status_code in (307, 400), question.slug
        if response.status_code == 400:
            refusing_nothing.append(question.required)
            assert summary_errors(response) == REQUIRED_ERRORS[question.slug]
    assert listed == refusing_nothing
    assert len(listed) == 9  # eight answers, and a way to reply for a confidential report
    assert listed[-1] == "if you report confidentially, an email address or phone number"


@pytest.mark.parametrize(
    "name", ["start", "immediate_risk", "emergency", "check", "submit", *QUESTIONS_BY_SLUG]
)
def test_an_unknown_programme_is_not_found(client, programme, name):
    if name in QUESTIONS_BY_SLUG:
        path = reverse("reporting:question", kwargs={"slug": "nowhere", "question": name})
    else:
        path = reverse(f"reporting:{name}", kwargs={"slug": "nowhere"})
    assert client.get(path).status_code == 404
    if name not in ("start", "emergency"):  # the pages that take answers
        assert client.post(path, {}).status_code == 404


def test_an_unknown_question_is_not_found(client, programme):
    assert client.get(f"/report/{programme.slug}/favourite-colour").status_code == 404


def test_immediate_risk_must_be_answered(client, programme):
    response = client.post(url("immediate_risk", programme), {})
    assert_error_page(
        response,
        "Is a child at immediate risk of harm now?",
        [("immediate_risk", "Select yes if a child is at immediate risk now")],
    )
    assert '<h1 class="govuk-fieldset__heading">' in html(response)


def test_a_child_at_immediate_risk_stops_the_journey(client, programme):
    response = client.post(url("immediate_risk", programme), {"immediate_risk": "yes"})
    assert response.status_code == 302
    assert response["Location"] == url("emergency", programme)
    page = client.get(response["Location"])
    text = html(page)
    assert page.status_code == 200
    assert programme.duty_contact in text
    assert programme.emergency_contact in text
    assert "In an emergency call 999" in text
    assert url("question", programme, "kind") not in text  # no way on to the report
    assert "<form" not in text.split('id="main-content"', 1)[1]


def test_no_immediate_risk_goes_to_the_first_question(client, programme):
    response = client.post(url("immediate_risk", programme), {"immediate_risk": "no"})
    assert response.status_code == 302
    assert response["Location"] == url("question", programme, "kind")


# --- Every page answers GET and HEAD --------------------------------------------------------


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.slug)
def test_each_question_page_answers_get_and_head_with_its_question(client, programme, question):
    response = client.get(url("question", programme, question.slug))
    page = html(response)
    assert response.status_code == 200
    assert f"<title>{escape(question.title)} \N{EN DASH}" in page
    assert parse(response).h1s == 1
    assert re.search(rf"<h1[^>]*>\s*(<label[^>]*>)?{re.escape(escape(question.title))}", page)
    assert "govuk-error-summary" not in page
    assert main_form(response).action == url("question", programme, question.slug)
    assert 'enctype="multipart/form-data"' in page
    assert client.head(url("question", programme, question.slug)).status_code == 200
    assert_no_persistent_cookie(response)


@pytest.mark.parametrize("name", ["check", "submit"])
def test_get_of_check_answers_or_submit_explains_nothing_was_kept(client, programme, name):
    """A restored tab or a bookmark: nothing is on the server to show, so say so."""
    response = client.get(url(name, programme))
    page = html(response)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">This page cannot be shown again</h1>' in page
    assert f'href="{url("start", programme)}"' in page
    assert f'href="{reverse("reporting:inbox")}"' in page
    assert client.head(url(name, programme)).status_code == 200
    assert Report.objects.count() == 0


def test_the_first_question_page(client, programme, settings):
    response = client.get(url("question", programme, "kind"))
    page = html(response)
    assert '<h1 class="govuk-fieldset__heading">What kind of event was it?</h1>' in page
    assert "A near miss: something nearly went wrong" in page
    assert parse(response).back_links == [url("immediate_risk", programme)]
    for name in ("service_area", "what_happened", "confidentiality", "contact_email"):
        assert f'name="{name}"' not in page  # one thing per page


def test_the_when_page_offers_the_last_twenty_years(client, programme):
    page = html(client.get(url("question", programme, "when")))
    assert '<option value="1">January</option>' in page
    assert '<option value="12">December</option>' in page
    assert '<option value="2026">' in page
    assert '<option value="2007">' in page
    assert '<option value="2006">' not in page


def test_text_pages_say_how_much_can_be_written(client, programme, settings):
    page = html(client.get(url("question", programme, "more-about-it")))
    assert page.count("govuk-character-count") >= 4
    assert page.count(f'data-maxlength="{settings.CANDOUR_REPORT_FIELD_MAX_CHARS}"') == 4
    assert "You can enter up to 20,000 characters" in page
    assert "These questions are optional" in page


# --- Each page's errors ---------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(REQUIRED_ERRORS))
def test_each_required_page_says_what_is_missing(client, programme, slug):
    before = {"confidentiality": "confidential"} if slug == "contact-details" else {}
    response = client.post(url("question", programme, slug), {"question": slug, **before})
    assert_error_page(response, QUESTIONS_BY_SLUG[slug].title, REQUIRED_ERRORS[slug])
    # The page keeps the answers it was sent, to send them on once it is answered.
    assert main_form(response).value("confidentiality") == (before.get("confidentiality"))


@pytest.mark.parametrize(
    ("slug", "sent", "errors"),
    [
        (
            "when",
            {"occurred_month": "7", "occurred_year": "2026"},
            [("occurred_month", "When it happened must be this month or in the past")],
        ),
        (
            "when",
            {"occurred_month": "3", "occurred_year": "2006"},
            [("occurred_year", "Select a year from the list")],
        ),
        (
            "when",
            {"occurred_month": "13", "occurred_year": "2025"},
            [("occurred_month", "Select the month it happened")],
        ),
        (
            "what-happened",
            {"what_happened": "   "},
            [("what_happened", "Enter what happened")],
        ),
        (
            "names-to-hide",
            {"known": "Kayden Walsh - child\n\N{EM DASH} mum"},
            [
                (
                    "known",
                    "Line 2 of people and places has no name. Write a name, then a dash and "
                    "who or what it is",
                )
            ],
        ),
        (
            "harm",
            {"harm": "none", "harm_types": ["spiritual"]},
            [("harm_types", "Select the kinds of harm from the list")],
        ),
        (
            "kind",
            {"kind": "catastrophe"},
            [("kind", "Select what kind of event it was")],
        ),
        (
            "contact-details",
            {"confidentiality": "confidential", "contact_email": "sam", "contact_phone": "call"},
            [
                (
                    "contact_email",
                    "Enter an email address in the correct format, like name@example.com",
                ),
                (
                    "contact_phone",
                    "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
                ),
            ],
        ),
        (
            "contact-details",
            {"confidentiality": "confidential", "contact_name": "S" * 201, "contact_phone": "0"},
            [
                ("contact_name", "Your name must be 200 characters or fewer"),
                (
                    "contact_phone",
                    "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
                ),
            ],
        ),
    ],
)
def test_a_page_refuses_a_wrong_answer(client, programme, slug, sent, errors):
    response = client.post(url("question", programme, slug), {"question": slug, **sent})
    assert_error_page(response, QUESTIONS_BY_SLUG[slug].title, errors)
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("slug", "name", "label"),
    [
        ("what-happened", "what_happened", "What happened"),
        ("more-about-it", "outcome", "What the outcome was"),
        ("why-it-happened", "why", "Why you think it happened"),
    ],
)
def test_a_narrative_over_the_maximum_is_refused(client, programme, settings, slug, name, label):
    settings.CANDOUR_REPORT_FIELD_MAX_CHARS = 100
    response = client.post(url("question", programme, slug), {"question": slug, name: "x" * 101})
    assert_error_page(
        response,
        QUESTIONS_BY_SLUG[slug].title,
        [(name, f"{label} must be 100 characters or fewer")],
    )
    assert "You can enter up to 100 characters" in html(response)


def test_windows_line_endings_count_once(client, programme, settings):
    settings.CANDOUR_REPORT_FIELD_MAX_CHARS = 100
    response = walk(client, programme, change={"what-happened": {"what_happened": "a\r\n" * 50}})
    assert "<title>Check your answers" in html(response)


def test_a_page_checks_only_its_own_answers(client, programme):
    """Straight to the harm page with nothing else answered: it moves on all the same (the
    rest are checked on their own pages and at check answers)."""
    response = client.post(url("question", programme, "harm"), {"question": "harm", "harm": "none"})
    assert response.status_code == 307
    assert response["Location"] == url("question", programme, "your-role")


# --- Moving through the pages ---------------------------------------------------------------


def test_each_valid_page_moves_on_to_the_next_by_307_with_the_same_answers(client, programme):
    response = client.get(url("question", programme, "kind"))
    seen = []
    while (slug := on_page(response)) is not None:
        seen.append(slug)
        form = main_form(response)
        sent = {
            **as_post(form.hidden),
            **{k: v if isinstance(v, list) else [v] for k, v in PAGE_ANSWERS[slug].items()},
        }
        moved = client.post(form.action, sent)
        assert moved.status_code == 307  # the browser sends the same body to the next page
        response = client.post(moved["Location"], sent)
        assert response.status_code == 200
        assert "govuk-error-summary" not in html(response)
        # Every answer so far is carried, each once; the page's own answers are its inputs.
        carried = main_form(response).hidden
        names = [n for n, _v in carried if n not in ("csrfmiddlewaretoken", "question")]
        expected = {n for s in seen for n in PAGE_ANSWERS[s]}
        if on_page(response):
            own = set(QUESTIONS_BY_SLUG[on_page(response)].fields)
            assert set(names) == expected - own
            assert len([n for n in names if n != "harm_types"]) == len(set(names) - {"harm_types"})
    assert seen == [q.slug for q in QUESTIONS if q.slug != "contact-details"]
    assert response.request["PATH_INFO"] == url("check", programme)
    assert "<title>Check your answers before sending your report" in html(response)


def test_check_answers_shows_every_answer_and_nothing_is_stored(client, programme):
    response = walk(client, programme)
    page = html(response)
    assert response.status_code == 200
    assert "<title>Check your answers before sending your report" in page
    assert "govuk-summary-list" in page
    assert "March 2025" in page
    assert "A near miss: something nearly went wrong" in page
    assert "Low harm" in page
    assert "Physical<br>Psychological or emotional" in page
    assert "Social worker" in page
    assert "&quot;quoted&quot; &lt;b&gt;bit&lt;/b&gt;" in page  # escaped, never markup
    assert "One place for case notes." in page
    carried = main_form(response).hidden
    assert ("what_happened", WHAT_HAPPENED.replace("\r\n", "\n")) in carried
    assert ("harm_types", "physical") in carried
    assert ("harm_types", "psychological") in carried
    assert ("confidentiality", "anonymous") in carried
    assert "contact_email" not in [n for n, _v in carried]  # anonymous: none carried
    assert CONTACT_INPUT not in page
    keys = [v for n, v in carried if n == "idempotency_key"]
    assert len(keys) == 1
    assert len(keys[0]) >= 32
    assert main_form(response).action == url("submit", programme)
    assert Report.objects.count() == 0
    assert_no_persistent_cookie(response)


def test_back_links_carry_every_answer_to_the_page_before(client, programme):
    response = walk(client, programme, stop_at="harm")
    back = back_form(response)
    assert back.action == url("question", programme, "names-to-hide")
    assert back.value("question") is None  # arriving, not answering: no errors shown
    previous = press(client, back)
    assert previous.status_code == 200
    assert on_page(previous) == "names-to-hide"
    assert "govuk-error-summary" not in html(previous)
    assert "Kayden Walsh \N{EM DASH} child" in html(previous)  # its answer, filled in
    # ... and back again, to the first page, whose answer is still chosen.
    for _ in range(6):
        previous = press(client, back_form(previous))
    assert on_page(previous) == "kind"
    assert ("kind", "near_miss") in parse(previous).checked
    carried = main_form(previous).value("what_happened") or ""
    assert carried.replace("\r\n", "\n") == WHAT_HAPPENED.replace("\r\n", "\n")
    assert parse(previous).back_links == [url("immediate_risk", programme)]


def test_going_back_and_forward_keeps_every_answer(client, programme):
    further_on = walk(client, programme, stop_at="more-about-it")
    when = press(client, back_form(press(client, back_form(further_on))))
    assert on_page(when) == "when"
    assert parse(when).selected == ["3", "2025"]
    response = answer(client, when, PAGE_ANSWERS["when"])  # as shown, unchanged
    assert on_page(response) == "what-happened"
    assert main_form(response).value("occurred_month") == "3"
    assert "Kayden Walsh was nearly sent home" in html(response)  # its own answer, filled in
    assert main_form(response).value("what_happened") is None  # ...not also a hidden copy


def test_check_answers_back_goes_to_the_last_question_asked(client, programme):
    anonymous = walk(client, programme)
    assert back_form(anonymous).action == url("question", programme, "confidential-or-anonymous")
    confidential_check = walk(client, programme, change=confidential())
    back = back_form(confidential_check)
    assert back.action == url("question", programme, "contact-details")
    contact = press(client, back)
    assert 'value="07700 900 982"' in html(contact)


# --- Confidential or anonymous --------------------------------------------------------------


def test_anonymous_reporters_are_never_asked_for_contact_details(client, programme):
    pages = []
    response = client.get(url("question", programme, "kind"))
    while (slug := on_page(response)) is not None:
        pages.append(html(response))
        response = answer(client, response, PAGE_ANSWERS[slug])
    pages.append(html(response))
    assert not any(CONTACT_INPUT in page for page in pages)
    assert "<title>Check your answers" in pages[-1]
    assert "Email address" not in pages[-1]


def test_the_contact_page_is_skipped_for_an_anonymous_report(client, programme):
    data = {"confidentiality": "anonymous", "contact_email": "sam@example.org"}
    response = client.post(url("question", programme, "contact-details"), data)
    assert response.status_code == 307
    assert response["Location"] == url("check", programme)
    answered = {"question": "contact-details", **data}
    response = client.post(url("question", programme, "contact-details"), answered)
    assert response.status_code == 307  # never shown, never required


def test_anonymous_reports_drop_any_contact_details_sent(client, programme):
    check = walk(client, programme)
    form = main_form(check)
    form.hidden.append(("contact_email", "sam@example.org"))  # a tampered page
    response = press(client, form)
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.confidentiality == "anonymous"
    assert report.contact is None


def test_a_confidential_reporter_gives_a_way_to_be_contacted(client, programme, intake):
    on_contact = walk(client, programme, change=confidential(), stop_at="contact-details")
    page = html(on_contact)
    assert '<h1 class="govuk-fieldset__heading">How can we contact you?</h1>' in page
    assert CONTACT_INPUT in page
    assert f"destroyed {programme.retention_days} days after" in page
    refused = answer(client, on_contact)
    assert_error_page(refused, "How can we contact you?", REQUIRED_ERRORS["contact-details"])
    check = answer(client, refused, contact_phone="07700 900 982")
    text = html(check)
    assert "<title>Check your answers" in text
    assert "Phone number" in text
    assert "07700 900 982" in text
    submit(client, check)
    report = Report.objects.get()
    contact = intake_service.open_contact(user=intake, report=report, reason="To ask a question")
    assert contact == {"name": "", "email": "", "phone": "07700 900 982"}


def test_choosing_anonymous_after_confidential_drops_the_contact_details(client, programme):
    check = walk(client, programme, change=confidential(contact_email="sam@example.org"))
    assert "sam@example.org" in html(check)
    change = _change_button(check, "confidentiality")
    page = press(client, main_form(check), change)
    assert on_page(page) == "confidential-or-anonymous"
    response = answer(client, page, confidentiality="anonymous")
    assert response.request["PATH_INFO"] == url("check", programme)
    assert "sam@example.org" not in html(response)
    assert "contact_email" not in [n for n, _v in main_form(response).hidden]
    submit(client, response)
    assert Report.objects.get().contact is None


# --- Change links ---------------------------------------------------------------------------


def _change_button(check_response, field_name: str) -> dict[str, str]:
    buttons = [
        b
        for b in main_form(check_response).buttons
        if b.get("formaction", "").endswith(f"#{field_name}")
    ]
    assert len(buttons) == 1, field_name
    return buttons[0]


def test_every_answer_has_a_change_link_to_its_page(client, programme):
    check = walk(client, programme, change=confidential(contact_email="sam@example.org"))
    buttons = [b for b in main_form(check).buttons if b.get("formaction")]
    targets = [b["formaction"] for b in buttons]
    expected = [
        url("question", programme, question.slug) + f"#{name}"
        for question in QUESTIONS
        for name in question.fields
        if name not in ("occurred_year",)
    ]
    assert sorted(targets) == sorted(expected)
    assert all((b["name"], b["value"]) == ("return", "check-answers") for b in buttons)
    assert '<span class="govuk-visually-hidden"> kind of event</span>' in html(check)


def test_change_returns_to_the_page_and_then_to_check_answers(client, programme):
    check = walk(client, programme)
    page = press(client, main_form(check), _change_button(check, "what_happened"))
    text = html(page)
    assert page.status_code == 200
    assert on_page(page) == "what-happened"
    assert "govuk-error-summary" not in text
    assert "&quot;quoted&quot; &lt;b&gt;bit&lt;/b&gt;" in text  # the answer, to edit
    assert main_form(page).value("return") == "check-answers"
    assert back_form(page).action == url("check", programme)  # Back goes to check answers too
    refused = answer(client, page, what_happened="")
    assert summary_errors(refused) == [("what_happened", "Enter what happened")]
    assert main_form(refused).value("return") == "check-answers"
    response = answer(client, refused, what_happened="A visit was nearly missed.")
    assert response.redirect_chain == [(url("check", programme), 307)]
    assert "A visit was nearly missed." in html(response)
    assert "Kayden Walsh was nearly sent home" not in html(response)
    assert "One place for case notes." in html(response)  # the rest, unchanged
    assert Report.objects.count() == 0


def test_changing_to_confidential_asks_for_contact_details_then_returns(client, programme):
    check = walk(client, programme)
    page = press(client, main_form(check), _change_button(check, "confidentiality"))
    contact = answer(client, page, confidentiality="confidential")
    assert on_page(contact) == "contact-details"
    assert "govuk-error-summary" not in html(contact)
    back_to_check = answer(client, contact, contact_email="sam@example.org")
    assert back_to_check.request["PATH_INFO"] == url("check", programme)
    assert "sam@example.org" in html(back_to_check)


def test_back_from_a_change_goes_to_check_answers_unchanged(client, programme):
    check = walk(client, programme)
    page = press(client, main_form(check), _change_button(check, "harm"))
    response = press(client, back_form(page))
    assert response.request["PATH_INFO"] == url("check", programme)
    assert "Low harm" in html(response)


# --- Check answers validates everything -----------------------------------------------------


def test_check_answers_sends_a_missing_answer_back_to_its_page(client, programme):
    check = walk(client, programme)
    form = main_form(check)
    form.hidden = [(n, v) for n, v in form.hidden if n not in ("service_area", "harm")]
    response = client.post(url("check", programme), as_post(form.hidden))
    assert_error_page(
        response,
        "Which service area did it happen in?",
        [("service_area", "Select the service area it happened in")],
    )
    assert main_form(response).action == url("question", programme, "service-area")
    assert main_form(response).value("return") == "check-answers"
    harm = answer(client, response, service_area="fostering")
    assert harm.request["PATH_INFO"] == url("question", programme, "harm")  # the next gap
    again = answer(client, harm, harm="none")
    assert again.request["PATH_INFO"] == url("check", programme)
    assert "Fostering" in html(again)


def test_submit_checks_every_answer_again(client, programme, settings):
    check = walk(client, programme)
    settings.CANDOUR_REPORT_FIELD_MAX_CHARS = 20  # e.g. a tampered or replayed page
    response = submit(client, check)
    assert_error_page(
        response,
        "What happened?",
        [("what_happened", "What happened must be 20 characters or fewer")],
    )
    assert Report.objects.count() == 0


# --- Submit ---------------------------------------------------------------------------------


def test_submit_files_one_report_and_shows_its_receipt(client, programme):
    check = walk(client, programme)
    response = submit(client, check)
    page = html(response)
    assert response.status_code == 200
    report = Report.objects.get()
    assert "govuk-panel--confirmation" in page
    assert "Report received" in page
    assert report.reference in page
    assert escape(programme.organisation.name) in page
    assert "write this code down or print this page" in page.lower()
    assert "cannot be recovered" in page
    assert "use your browser's print option" in page
    receipt = receipt_in(response)
    assert len(receipt) == 16
    assert (
        inbox_service.open_inbox(receipt=receipt, client=client_limits.Client("192.0.2.1")).pk
        == report.pk
    )
    assert (report.kind, report.service_area, report.harm) == ("near_miss", "assessment", "low")
    assert (report.occurred_month, report.occurred_year) == (3, 2025)
    assert report.harm_physical
    assert report.harm_psychological
    assert report.consent_to_publish
    assert report.received_on.isoformat() == "2026-06-15"
    # Nothing the reporter wrote is on the page.
    assert "Kayden" not in page
    assert "handovers" not in page
    assert_no_persistent_cookie(response)


def test_submitting_twice_files_one_report_with_the_same_receipt(client, programme):
    check = walk(client, programme)
    first = submit(client, check)
    again = submit(client, check)  # a double click, or a retry
    assert again.status_code == 200
    assert Report.objects.count() == 1
    assert receipt_in(again) == receipt_in(first)


def test_a_replay_after_the_receipt_is_forgotten_says_it_was_received(client, programme):
    check = walk(client, programme)
    receipt = receipt_in(submit(client, check))
    Report.objects.update(receipt_sealed=None)
    response = submit(client, check)
    page = html(response)
    assert response.status_code == 200
    assert "Your report has already been received" in page
    assert "shown to you then" in page
    assert RECEIPT.search(page) is None
    assert receipt not in page.replace(" ", "")
    assert Report.objects.count() == 1


@pytest.mark.parametrize("key", [None, "short", "x" * 30 + "!"])
def test_submit_without_a_good_idempotency_key_shows_check_answers_again(client, programme, key):
    check = walk(client, programme)
    form = main_form(check)
    form.hidden = [(n, v) for n, v in form.hidden if n != "idempotency_key"]
    if key is not None:
        form.hidden.append(("idempotency_key", key))
    response = press(client, form)
    assert response.status_code == 400
    assert "<title>Error: Check your answers before sending your report" in html(response)
    assert summary_errors(response) == [
        (
            "submit-report",
            "Your report could not be sent. Check your answers, then submit your report again",
        )
    ]
    assert 'id="submit-report"' in html(response)
    fresh = main_form(response).value("idempotency_key")
    assert fresh is not None
    assert len(fresh) >= 32
    assert Report.objects.count() == 0
    assert submit(client, response).status_code == 200
    assert Report.objects.count() == 1


def test_known_names_shape_the_draft(client, programme, make_user):
    officer = make_user(Role.INTAKE_OFFICER)
    submit(client, walk(client, programme))
    report = Report.objects.get()
    opened = intake_service.open_narrative(
        user=officer, report=report, reason="Reviewing the draft"
    )
    draft = opened["draft"]["what_happened"]["text"]
    assert "[Child 1]" in draft
    assert "Kayden" not in draft
    assert "Elm Grove" not in draft
    assert opened["narrative"]["what_happened"].startswith("Kayden Walsh was nearly sent home")
    assert "Kayden" not in str(Report.objects.filter(pk=report.pk).values().get())


def test_an_oversized_page_is_refused_with_413_and_nothing_is_kept(client, programme, settings):
    settings.CANDOUR_MAX_REQUEST_BYTES = 4096
    before = row_counts()
    data = {"question": "what-happened", "what_happened": "x" * 5000}
    for path in (url("question", programme, "what-happened"), url("check", programme)):
        response = client.post(path, data)
        assert response.status_code == 413
        assert "What you sent is too large" in html(response)
    assert row_counts() == before


# --- Nothing on the server before submit ----------------------------------------------------


def test_no_page_before_submit_stores_anything_or_sets_a_cookie(client, programme):
    """The whole journey, with errors, back links and a change, leaves no row anywhere (no
    session, no report, no job, no audit entry) and no persistent cookie."""
    before = row_counts()
    responses = [
        client.get(url("start", programme)),
        client.head(url("start", programme)),
        client.get(url("immediate_risk", programme)),
        client.post(url("immediate_risk", programme), {}),
        client.post(url("immediate_risk", programme), {"immediate_risk": "no"}),
        client.get(url("check", programme)),
        client.get(url("submit", programme)),
    ]
    for question in QUESTIONS:
        responses.append(client.get(url("question", programme, question.slug)))
        responses.append(client.post(url("question", programme, question.slug), {}))
        responses.append(
            client.post(url("question", programme, question.slug), {"question": question.slug})
        )
    on_contact = walk(client, programme, change=confidential(), stop_at="contact-details")
    check = answer(client, on_contact, contact_email="sam@example.org")
    changed = press(client, main_form(check), _change_button(check, "kind"))
    responses += [on_contact, check, changed, press(client, back_form(changed))]
    for response in responses:
        assert response.status_code in (200, 302, 307, 400), response.status_code
        assert_no_persistent_cookie(response)
    assert "candour_session" not in client.cookies
    assert row_counts() == before
    assert Session.objects.count() == 0

    submit(client, check)
    after = row_counts()
    assert after.pop("reporting.Report") == before.pop("reporting.Report") + 1
    assert after == before  # no job, no audit entry, no session: nothing dates the report


def test_staff_can_report_but_the_report_is_never_linked_to_them(signed_in, bob, programme):
    client = signed_in(bob)
    before = dict(client.session.items())
    assert client.get(url("start", programme)).status_code == 200
    response = submit(client, walk(client, programme))
    assert response.status_code == 200
    row = Report.objects.filter().values().get()
    flat = " ".join(str(value) for value in row.values())
    for trace in (bob.email, str(bob.reference), bob.full_name):
        assert trace not in flat
    assert not any(
        isinstance(value, int) and value == bob.pk and name.endswith("_id")
        for name, value in row.items()
        if name != "organisation_id"
    )
    after = dict(client.session.items())
    for clock_key in ("last_seen", "ends_at"):  # the session's own clocks, not the report's
        after.pop(clock_key, None)
        before.pop(clock_key, None)
    assert after == before  # nothing about the report went into bob's session
