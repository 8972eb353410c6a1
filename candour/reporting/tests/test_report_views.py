"""The reporter's journey over HTTP: start, immediate risk, the report form, check answers
and submit. No sign-in, nothing kept between pages, no persistent cookie."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.html import escape

from candour.accounts.models import Role
from candour.reporting import services
from candour.reporting.models import NARRATIVE_FIELDS, Report

pytestmark = pytest.mark.django_db

RECEIPT = re.compile(r"\b(\d{4}) (\d{4}) (\d{4}) (\d{4})\b")


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden: list[tuple[str, str]] = []
        self.checked: set[tuple[str, str]] = set()
        self.selected: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden":
            self.hidden.append((found.get("name") or "", found.get("value") or ""))
        if tag == "input" and "checked" in found:
            self.checked.add((found.get("name") or "", found.get("value") or ""))
        if tag == "option" and "selected" in found:
            self.selected.append(found.get("value") or "")


def parse(response) -> _Inputs:
    parser = _Inputs()
    parser.feed(response.content.decode())
    return parser


def as_post(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = defaultdict(list)
    for name, value in pairs:
        data[name].append(value)
    return dict(data)


def answers(**overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "near_miss",
        "service_area": "assessment",
        "occurred_month": "3",
        "occurred_year": "2025",
        "what_happened": (
            'Kayden Walsh was nearly sent home to 27 Elm Grove.\r\nA "quoted" <b>bit</b>.'
        ),
        "lead_up": "Two handovers in one week.",
        "how_noticed": "The duty manager checked the chronology.",
        "what_was_done": "The visit was rearranged.",
        "outcome": "No harm came to the child.",
        "why": "The case note was in the wrong file.",
        "prevention": "One place for case notes.",
        "harm": "low",
        "harm_types": ["physical", "psychological"],
        "reporter_role": "social_worker",
        "known": "Kayden Walsh \N{EM DASH} child\n27 Elm Grove - address",
        "consent_to_publish": "yes",
        "confidentiality": "anonymous",
    }
    data.update(overrides)
    return data


def url(name: str, programme) -> str:
    return reverse(f"reporting:{name}", kwargs={"slug": programme.slug})


def summary_errors(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def check_answers(client, programme, **overrides):
    response = client.post(url("new", programme), answers(**overrides))
    assert response.status_code == 200, response.content.decode()
    return response


def submit(client, programme, check_response):
    return client.post(url("submit", programme), as_post(parse(check_response).hidden))


def receipt_in(response) -> str:
    match = RECEIPT.search(response.content.decode())
    assert match is not None
    return "".join(match.groups())


def assert_no_persistent_cookie(response) -> None:
    for name, morsel in response.cookies.items():
        assert not morsel["expires"], name
        assert not morsel["max-age"], name
    assert "candour_session" not in response.cookies


# --- Start, immediate risk, emergency ------------------------------------------------------


def test_start_page_explains_the_programme(client, programme):
    response = client.get(url("start", programme))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Report a near miss or incident" in html
    assert programme.promise in html
    assert programme.exclusions in html
    assert "under 10 minutes" in html
    assert "learning, not blame" in html
    assert "confidential" in html
    assert "anonymous" in html
    assert f'href="{url("immediate_risk", programme)}"' in html
    assert "govuk-button--start" in html
    assert_no_persistent_cookie(response)


@pytest.mark.parametrize("name", ["start", "immediate_risk", "emergency", "new"])
def test_an_unknown_programme_is_not_found(client, programme, name):
    response = client.get(reverse(f"reporting:{name}", kwargs={"slug": "nowhere"}))
    assert response.status_code == 404


def test_immediate_risk_must_be_answered(client, programme):
    response = client.post(url("immediate_risk", programme), {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Is a child at immediate risk of harm now?" in html
    assert summary_errors(response) == [
        ("immediate_risk", "Select yes if a child is at immediate risk now")
    ]
    assert 'id="immediate_risk-error"' in html
    assert '<h1 class="govuk-fieldset__heading">' in html


def test_a_child_at_immediate_risk_stops_the_journey(client, programme):
    response = client.post(url("immediate_risk", programme), {"immediate_risk": "yes"})
    assert response.status_code == 302
    assert response["Location"] == url("emergency", programme)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert programme.duty_contact in html
    assert programme.emergency_contact in html
    assert "In an emergency call 999" in html
    assert url("new", programme) not in html  # no way on to the report form from here
    assert "<form" not in html.split('id="main-content"', 1)[1]


def test_no_immediate_risk_goes_to_the_report_form(client, programme, settings):
    response = client.post(url("immediate_risk", programme), {"immediate_risk": "no"})
    assert response.status_code == 302
    assert response["Location"] == url("new", programme)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    for css in (
        "govuk-fieldset",
        "govuk-radios",
        "govuk-checkboxes",
        "govuk-textarea",
        "govuk-character-count",
        "govuk-select",
    ):
        assert css in html, css
    assert 'enctype="multipart/form-data"' in html
    for _key, label in NARRATIVE_FIELDS:
        assert label in html
    assert f'data-maxlength="{settings.CANDOUR_REPORT_FIELD_MAX_CHARS}"' in html
    assert "You can enter up to 20,000 characters" in html
    assert '<option value="1">January</option>' in html
    assert '<option value="12">December</option>' in html
    this_year = date.today().year
    assert f'<option value="{this_year}">' in html
    assert f'<option value="{this_year - 19}">' in html
    assert f'<option value="{this_year - 20}">' not in html
    assert "Only if you chose confidential" in html


# --- The report form ----------------------------------------------------------------------


def test_an_empty_report_lists_every_error(client, programme):
    response = client.post(url("new", programme), {})
    assert response.status_code == 400
    assert response.content.decode().count("<title>Error: ") == 1
    assert summary_errors(response) == [
        ("kind", "Select what kind of event it was"),
        ("service_area", "Select the service area it happened in"),
        ("occurred_month", "Select the month it happened"),
        ("occurred_year", "Select the year it happened"),
        ("what_happened", "Enter what happened"),
        ("harm", "Select how much harm was caused"),
        ("reporter_role", "Select your role"),
        (
            "consent_to_publish",
            "Select yes if we can share a de-identified lesson from your report",
        ),
        ("confidentiality", "Select confidential or anonymous"),
    ]
    html = response.content.decode()
    for name in ("kind", "service_area", "what_happened", "confidentiality"):
        assert f'id="{name}"' in html  # every summary link has a target
        assert f'id="{name}-error"' in html
    assert Report.objects.count() == 0


def test_a_valid_report_goes_to_check_answers_and_nothing_is_stored(client, programme):
    response = check_answers(client, programme)
    html = response.content.decode()
    assert "<title>Check your answers before sending your report" in html
    assert "govuk-summary-list" in html
    assert "March 2025" in html
    assert "A near miss: something nearly went wrong" in html
    carried = parse(response).hidden
    names = [name for name, _value in carried]
    sent = answers()
    for name, value in sent.items():
        if name == "harm_types":
            assert ("harm_types", "physical") in carried
            assert ("harm_types", "psychological") in carried
        elif name == "what_happened":
            assert (name, str(value).replace("\r\n", "\n")) in carried
        else:
            assert (name, value) in carried, name
    assert "contact_email" not in names  # anonymous: no contact details carried
    keys = [value for name, value in carried if name == "idempotency_key"]
    assert len(keys) == 1
    assert len(keys[0]) >= 32
    assert "&quot;quoted&quot; &lt;b&gt;bit&lt;/b&gt;" in html  # escaped, never markup
    assert f'action="{url("submit", programme)}"' in html
    assert f'formaction="{url("new", programme)}#what_happened"' in html
    assert Report.objects.count() == 0
    assert_no_persistent_cookie(response)


def test_change_shows_the_form_with_every_answer(client, programme):
    check = check_answers(
        client, programme, confidentiality="confidential", contact_email="sam@example.org"
    )
    data = as_post(parse(check).hidden)
    data["change"] = ["kind"]
    response = client.post(url("new", programme), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Tell us what happened" in html
    assert "govuk-error-summary" not in html
    form = parse(response)
    for choice in [
        ("kind", "near_miss"),
        ("service_area", "assessment"),
        ("harm", "low"),
        ("harm_types", "physical"),
        ("harm_types", "psychological"),
        ("reporter_role", "social_worker"),
        ("consent_to_publish", "yes"),
        ("confidentiality", "confidential"),
    ]:
        assert choice in form.checked, choice
    assert form.selected == ["3", "2025"]
    assert "The visit was rearranged." in html
    assert "Kayden Walsh \N{EM DASH} child" in html
    assert 'value="sam@example.org"' in html
    assert Report.objects.count() == 0


def test_the_month_cannot_be_in_the_future(client, programme, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 6, 15))
    response = client.post(url("new", programme), answers(occurred_month="7", occurred_year="2026"))
    assert response.status_code == 400
    assert summary_errors(response) == [
        ("occurred_month", "When it happened must be this month or in the past")
    ]


def test_a_narrative_over_the_maximum_is_refused_and_nothing_is_saved(client, programme, settings):
    settings.CANDOUR_REPORT_FIELD_MAX_CHARS = 100
    response = client.post(url("new", programme), answers(why="x" * 101))
    assert response.status_code == 400
    assert summary_errors(response) == [
        ("why", "Why you think it happened must be 100 characters or fewer")
    ]
    assert "You can enter up to 100 characters" in response.content.decode()
    # Straight to submit (a tampered or replayed page) is refused the same way.
    data = answers(why="x" * 101, idempotency_key="k" * 32)
    response = client.post(url("submit", programme), data)
    assert response.status_code == 400
    assert ("why", "Why you think it happened must be 100 characters or fewer") in summary_errors(
        response
    )
    assert Report.objects.count() == 0


def test_windows_line_endings_count_once(client, programme, settings):
    settings.CANDOUR_REPORT_FIELD_MAX_CHARS = 100
    check_answers(client, programme, what_happened="a\r\n" * 50)  # 100 characters


def test_confidential_needs_an_email_address_or_phone_number(client, programme):
    response = client.post(url("new", programme), answers(confidentiality="confidential"))
    assert response.status_code == 400
    assert summary_errors(response) == [
        ("contact_email", "Enter an email address or phone number, or choose anonymous")
    ]


def test_contact_details_are_checked(client, programme):
    response = client.post(
        url("new", programme),
        answers(confidentiality="confidential", contact_email="sam", contact_phone="call me"),
    )
    assert response.status_code == 400
    assert summary_errors(response) == [
        ("contact_email", "Enter an email address in the correct format, like name@example.com"),
        (
            "contact_phone",
            "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        ),
    ]


def test_anonymous_reports_drop_any_contact_details_typed(client, programme):
    check = check_answers(client, programme, contact_email="sam@example.org")
    assert "sam@example.org" not in check.content.decode()
    response = submit(client, programme, check)
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.confidentiality == "anonymous"
    assert report.contact is None


def test_a_confidential_reporter_can_be_contacted(client, programme, intake):
    check = check_answers(
        client, programme, confidentiality="confidential", contact_phone="07700 900 982"
    )
    submit(client, programme, check)
    report = Report.objects.get()
    contact = services.open_contact(user=intake, report=report, reason="To ask a question")
    assert contact == {"name": "", "email": "", "phone": "07700 900 982"}


def test_a_line_of_known_names_without_a_name_is_refused(client, programme):
    response = client.post(
        url("new", programme), answers(known="Kayden Walsh - child\n\N{EM DASH} mum")
    )
    assert response.status_code == 400
    assert summary_errors(response) == [
        (
            "known",
            "Line 2 of people and places has no name. Write a name, then a dash and who or "
            "what it is",
        )
    ]


# --- Submit -------------------------------------------------------------------------------


def test_submit_files_one_report_and_shows_its_receipt(client, programme):
    check = check_answers(client, programme)
    response = submit(client, programme, check)
    html = response.content.decode()
    assert response.status_code == 200
    report = Report.objects.get()
    assert "govuk-panel--confirmation" in html
    assert "Report received" in html
    assert report.reference in html
    assert escape(programme.organisation.name) in html
    assert "write this code down or print this page" in html.lower()
    assert "cannot be recovered" in html
    assert "use your browser's print option" in html
    receipt = receipt_in(response)
    assert len(receipt) == 16
    assert services.open_inbox(receipt=receipt).pk == report.pk
    # Nothing the reporter wrote is on the page.
    assert "Kayden" not in html
    assert "handovers" not in html
    assert_no_persistent_cookie(response)

    again = submit(client, programme, check)  # a double click, or a retry
    assert again.status_code == 200
    assert Report.objects.count() == 1
    assert receipt_in(again) == receipt


def test_a_replay_after_the_receipt_is_forgotten_says_it_was_received(client, programme):
    check = check_answers(client, programme)
    first = submit(client, programme, check)
    receipt = receipt_in(first)
    Report.objects.update(receipt_sealed=None)
    response = submit(client, programme, check)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your report has already been received" in html
    assert "shown to you then" in html
    assert RECEIPT.search(html) is None
    assert receipt not in html.replace(" ", "")
    assert Report.objects.count() == 1


def test_submit_without_an_idempotency_key_goes_back_to_the_form(client, programme):
    check = check_answers(client, programme)
    data = as_post([(n, v) for n, v in parse(check).hidden if n != "idempotency_key"])
    response = client.post(url("submit", programme), data)
    assert response.status_code == 400
    assert summary_errors(response) == [
        ("kind", "Your answers could not be sent. Check them, then select continue again")
    ]
    assert Report.objects.count() == 0


def test_submit_answers_only_post(client, programme):
    assert client.get(url("submit", programme)).status_code == 405


def test_known_names_shape_the_draft(client, programme, make_user):
    officer = make_user(Role.INTAKE_OFFICER)
    submit(client, programme, check_answers(client, programme))
    report = Report.objects.get()
    opened = services.open_narrative(user=officer, report=report, reason="Reviewing the draft")
    draft = opened["draft"]["what_happened"]["text"]
    assert "[Child 1]" in draft
    assert "Kayden" not in draft
    assert "Elm Grove" not in draft
    assert opened["narrative"]["what_happened"].startswith("Kayden Walsh was nearly sent home")
    assert "Kayden" not in str(Report.objects.filter(pk=report.pk).values().get())


# --- Cookies and staff --------------------------------------------------------------------


def test_no_page_of_the_journey_sets_a_persistent_cookie_or_a_session(client, programme):
    responses = [
        client.get(url("start", programme)),
        client.get(url("immediate_risk", programme)),
        client.post(url("immediate_risk", programme), {}),
        client.post(url("immediate_risk", programme), {"immediate_risk": "yes"}),
        client.get(url("emergency", programme)),
        client.get(url("new", programme)),
        client.post(url("new", programme), {}),
    ]
    check = check_answers(client, programme)
    responses += [check, submit(client, programme, check)]
    for response in responses:
        assert response.status_code in (200, 302, 400)
        assert_no_persistent_cookie(response)
    assert "candour_session" not in client.cookies


def test_staff_can_report_but_the_report_is_never_linked_to_them(signed_in, bob, programme):
    client = signed_in(bob)
    before = dict(client.session.items())
    assert client.get(url("start", programme)).status_code == 200
    check = check_answers(client, programme)
    response = submit(client, programme, check)
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
    after.pop("last_seen", None)
    before.pop("last_seen", None)
    assert after == before  # nothing about the report went into bob's session
