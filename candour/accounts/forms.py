from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from candour.accounts.models import ROLES_BY_KIND, Organisation, Role, Team, User
from candour.core.forms import GovukForm

EMAIL_ERRORS = {
    "required": "Enter an email address",
    "invalid": "Enter an email address in the correct format, like name@example.com",
}


class SignInForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        max_length=200,
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class StepUpSignInForm(SignInForm):
    """Signing in to an address that has had many wrong passwords lately: the security code
    comes with the password (ADR 0016). Optional, for accounts that have not set up an
    authenticator app yet: for any other account, no code means no sign-in."""

    step_up = forms.CharField(widget=forms.HiddenInput, initial="yes", required=False)
    code = forms.RegexField(
        label="Security code",
        help_text=(
            "The 6-digit code your authenticator app shows for candour. If you have not set "
            "up an authenticator app yet, leave this empty"
        ),
        regex=r"^\s*(\d{3}\s?\d{3})?\s*$",
        required=False,
        error_messages={"invalid": "The security code must be 6 digits, like 123456"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input govuk-input--width-10",
            }
        ),
    )


class TwoFactorForm(GovukForm):
    code = forms.RegexField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows for candour",
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={
            "required": "Enter the 6-digit security code",
            "invalid": "The security code must be 6 digits, like 123456",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input govuk-input--width-10",
            }
        ),
    )


class SetPasswordForm(GovukForm):
    password = forms.CharField(
        label="Create a password",
        help_text="At least 12 characters. A few unrelated words together make a good password.",
        strip=False,
        max_length=200,
        error_messages={"required": "Enter a password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm = forms.CharField(
        label="Type the password again",
        strip=False,
        max_length=200,
        error_messages={"required": "Type your password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        try:
            validate_password(password, self.user)
        except ValidationError as exc:
            raise ValidationError(" ".join(exc.messages)) from exc
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("confirm") and data["password"] != data["confirm"]:
            self.add_error("confirm", "The passwords do not match")
        return data


def _role_choices(organisation: Organisation) -> list[tuple[str, str]]:
    allowed = ROLES_BY_KIND[organisation.kind]
    return [(value, label) for value, label in Role.choices if value in allowed]


class UserDetailsForm(GovukForm):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the user's full name"}
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role"},
    )
    team = forms.ModelChoiceField(
        label="Team (optional)",
        queryset=Team.objects.none(),
        required=False,
        empty_label="No team",
        error_messages={"invalid_choice": "Select a team from the list"},
    )
    is_auditor = forms.BooleanField(label="Can read the organisation's audit log", required=False)

    def __init__(self, *args: Any, organisation: Organisation, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(organisation)  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class InviteUserForm(UserDetailsForm):
    email = forms.EmailField(
        label="Email address",
        help_text="We will send an invitation to set a password to this address",
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["full_name", "email", "role", "team", "is_auditor"]
