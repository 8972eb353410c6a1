"""GOV.UK Design System forms: crispy-forms-gds renders labels, hints and inline errors.

Every text field of every form refuses control characters and unpaired surrogates
(`candour.core.text`), with a message naming the field: the check is added when the form is
cleaned, so fields a form adds in its own ``__init__`` get it too.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.utils import pretty_name

from candour.core.text import TextValidator


def check_text_fields(form: forms.BaseForm) -> None:
    """Give each text field of `form` the boundary check (once), in place of Django's
    NUL-only one; a textarea keeps tabs and line breaks."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField):
            continue
        if any(isinstance(validator, TextValidator) for validator in field.validators):
            continue
        label = str(field.label or pretty_name(name)).rstrip(" ?:.")
        multiline = isinstance(field.widget, forms.Textarea)
        field.validators = [
            validator
            for validator in field.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ] + [TextValidator(label=label, multiline=multiline)]


class GovukForm(forms.Form):
    """A form rendered by ``{% crispy form %}`` inside a template's own <form> tag."""

    def full_clean(self) -> None:
        check_text_fields(self)
        super().full_clean()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL


class GovukModelForm(forms.ModelForm):
    def full_clean(self) -> None:
        check_text_fields(self)
        super().full_clean()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: on the named field when the form has it,
    otherwise above the form (so it is still in the error summary). A field that already says
    what is wrong with it is not told twice."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        field = name if name in form.fields else None
        if field is not None and form.has_error(field):
            continue
        form.add_error(field, messages)
