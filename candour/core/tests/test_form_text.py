"""Every GOV.UK form refuses control characters and unpaired surrogates in every text field,
with a message that starts with the field's label: textareas keep tabs and line breaks,
single-line fields do not (candour.core.forms, candour.core.text)."""

from __future__ import annotations

import pytest
from django import forms

from candour.core.forms import GovukForm
from candour.reporting.forms.inbox import ReceiptForm, ReplyForm
from candour.reporting.forms.programme import ProgrammeForm


def test_a_textarea_refuses_nul_naming_the_field_once():
    form = ReplyForm(data={"body": "I forgot\x00 to say"})

    assert not form.is_valid()
    assert form.errors["body"] == [
        "Send a message must not contain a NUL character (character 9 is U+0000)"
    ]


def test_a_textarea_refuses_a_surrogate_and_keeps_line_breaks():
    assert not ReplyForm(data={"body": "abc \ud800"}).is_valid()
    assert ReplyForm(data={"body": "First line\r\n\tindented second"}).is_valid()


@pytest.mark.parametrize("value", ["1234\x1b5678", "1234\t5678", "1234\n5678"])
def test_a_single_line_field_refuses_control_characters_tabs_and_breaks(value):
    form = ReceiptForm(data={"receipt": value})

    assert not form.is_valid()
    (message,) = form.errors["receipt"]
    assert message.startswith("Receipt code must ")


def test_a_model_form_refuses_control_characters_in_every_text_field():
    data = {
        "promise": "We will not blame you\x00",
        "exclusions": "Crimes",
        "duty_contact": "01632 960000\x08",
        "emergency_contact": "01632 960999",
        "safety_lead_email": "",
        "retention_days": "30",
        "disclosure_threshold": "10",
    }

    form = ProgrammeForm(data=data)

    assert not form.is_valid()
    assert set(form.errors) == {"promise", "duty_contact"}
    assert form.errors["promise"][0].startswith("The non-punitive promise must not contain a NUL")


class _LateFieldForm(GovukForm):
    name = forms.CharField(label="Name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nickname"] = forms.CharField(label="Nickname", required=False)


def test_fields_added_in_init_are_checked_too():
    form = _LateFieldForm(data={"name": "Ada", "nickname": "A\x07"})

    assert not form.is_valid()
    assert list(form.errors) == ["nickname"]


def test_a_form_checked_twice_reports_once():
    form = ReplyForm(data={"body": "\x00"})
    form.full_clean()
    form.full_clean()

    assert len(form.errors["body"]) == 1
