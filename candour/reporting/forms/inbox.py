"""The reporter's inbox forms: the receipt code that opens it, and a reply."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from candour.core.forms import GovukForm

# The one answer to any receipt that does not open an inbox, whatever the reason.
RECEIPT_REFUSED = (
    "The receipt code was not recognised. Check it and try again, or wait a few minutes "
    "if you have tried several times."
)


class ReceiptForm(GovukForm):
    receipt = forms.CharField(
        label="Receipt code",
        help_text=(
            "The 16-digit code you were given when you made your report, like 1234 5678 9012 3456"
        ),
        max_length=100,
        error_messages={"required": "Enter your receipt code", "max_length": RECEIPT_REFUSED},
    )


class ReplyForm(GovukForm):
    body = forms.CharField(
        label="Send a message",
        help_text=(
            "For example, to answer a question or to add something you remembered. Do not "
            "include your name or contact details unless you want the programme to know them."
        ),
        widget=forms.Textarea,
        error_messages={"required": "Enter a message"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_chars: int = settings.CANDOUR_REPORT_FIELD_MAX_CHARS
        self.max_chars_display = f"{self.max_chars:,}"
