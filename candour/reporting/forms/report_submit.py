"""The check answers page's form: every answer posted again, with the idempotency key
that makes submitting twice send one report."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from candour.reporting.forms.report import ReportForm

_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
NOT_SENT = "Your report could not be sent. Check your answers, then submit your report again"


class SubmitReportForm(ReportForm):
    """The check answers page posts every answer again, with the idempotency key."""

    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": NOT_SENT},
    )

    def clean_idempotency_key(self) -> str:
        key: str = self.cleaned_data["idempotency_key"]
        if not _IDEMPOTENCY_KEY.match(key):
            raise ValidationError(NOT_SENT)
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_error("idempotency_key"):  # hidden: say so at the top of the page
            self.errors.pop("idempotency_key")
            self.add_error(None, NOT_SENT)
        return data
