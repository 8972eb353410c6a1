from __future__ import annotations

from django import forms

from candour.core.forms import GovukModelForm
from candour.reporting.models import Programme


class ProgrammeForm(GovukModelForm):
    class Meta:
        model = Programme
        fields = [
            "promise",
            "exclusions",
            "duty_contact",
            "emergency_contact",
            "safety_lead_email",
            "retention_days",
            "disclosure_threshold",
        ]
        labels = {
            "promise": "The non-punitive promise",
            "exclusions": "What the promise does not cover",
            "duty_contact": "Duty contact for a child at risk now (office hours)",
            "emergency_contact": "Emergency contact out of hours",
            "safety_lead_email": "Safety lead's email address (for immediate alerts)",
            "retention_days": "Days after closure before raw reports and contacts are destroyed",
            "disclosure_threshold": "Smallest number shown to leaders and in published lessons",
        }
        help_texts = {
            "disclosure_threshold": (
                "A smaller count is shown as \u201cfewer than\u201d this number, and other"
                " figures are withheld so it cannot be worked out. Use 10 unless you have a"
                " reason to show smaller groups; it cannot be less than 5."
            ),
        }
        widgets = {
            "promise": forms.Textarea(attrs={"rows": 4}),
            "exclusions": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "promise": {"required": "Enter the promise reporters are given"},
            "exclusions": {"required": "Enter what the promise does not cover"},
            "duty_contact": {"required": "Enter the duty contact"},
            "emergency_contact": {"required": "Enter the emergency contact"},
            "safety_lead_email": {
                "invalid": "Enter an email address in the correct format, like name@example.com"
            },
            "disclosure_threshold": {
                "required": "Enter the smallest number shown to leaders",
                "invalid": "The smallest number shown must be a whole number, like 10",
                "min_value": "The smallest number shown must be 5 or more",
            },
            "retention_days": {
                "required": "Enter the number of days",
                "invalid": "The number of days must be a whole number",
                "min_value": "The number of days must be 0 or more",
            },
        }

    def clean_retention_days(self) -> int:
        days: int = self.cleaned_data["retention_days"]
        if days > 3650:
            raise forms.ValidationError("The number of days must be 3,650 (ten years) or fewer")
        return days

    def clean_disclosure_threshold(self) -> int:
        threshold: int = self.cleaned_data["disclosure_threshold"]
        if threshold > 100:
            raise forms.ValidationError("The smallest number shown must be 100 or less")
        return threshold
