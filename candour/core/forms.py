"""GOV.UK Design System forms: crispy-forms-gds renders labels, hints and inline errors."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms


class GovukForm(forms.Form):
    """A form rendered by ``{% crispy form %}`` inside a template's own <form> tag."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL


class GovukModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
