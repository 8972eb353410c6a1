"""Text accepted at the edges: one check for every JSON field, form field and CSV cell.

Python strings can hold what no database or downstream library will take: a lone UTF-16
surrogate (JSON's ``"\\ud800"`` decodes to one; UTF-8 cannot encode it, so spaCy, hashing and
PostgreSQL fail on it), NUL (PostgreSQL refuses it in text; SQLite stores it and cuts strings
at it in some tools) and the other control characters (terminal escapes in logs, invisible
differences between two names). They are refused where text comes in, with a message that
says which character and where, so nothing past the boundary has to think about them.

What is refused is Unicode's general categories Cc (control) and Cs (surrogate), except that
text which may run over several lines keeps tab, line feed and carriage return (browsers
send a textarea's line ends as CR LF). Everything else, including every script, emoji and
the typographic characters people paste from word processors, is accepted.

- `problem(value, multiline=)`: what is wrong, as a phrase without a subject, or None.
- `Text` / `Line`: string types for django-ninja schemas (a 422 naming the field).
- `TextValidator`: the same check as a Django validator (GOV.UK forms add it to every field).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from pydantic import BeforeValidator, GetJsonSchemaHandler, ValidationInfo
from pydantic_core import PydanticCustomError

# Cc is U+0000–U+001F and U+007F–U+009F; Cs is U+D800–U+DFFF. A character class, so the
# search is one linear pass (no backtracking) whatever the text.
_FORBIDDEN_IN_LINE: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN_IN_TEXT: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS: Final = frozenset("\t\n\r")
_NAMES: Final[dict[str, str]] = {"\x00": "a NUL character", "\t": "a tab"}


def problem(value: str, *, multiline: bool = True) -> str | None:
    """What makes `value` unacceptable ("must not contain …, character 5"), or None.

    The phrase names the character by code point and position, never by quoting the text
    around it, so it is safe to show, log or return to any caller.
    """
    pattern = _FORBIDDEN_IN_TEXT if multiline else _FORBIDDEN_IN_LINE
    found = pattern.search(value)
    if found is None:
        return None
    character = found.group()
    code = ord(character)
    where = f"character {found.start() + 1} is U+{code:04X}"
    if 0xD800 <= code <= 0xDFFF:
        return f"must not contain an unpaired UTF-16 surrogate ({where})"
    if character in _LINE_BREAKS:
        return f"must be a single line, without tabs or line breaks ({where})"
    name = _NAMES.get(character, "a control character")
    return f"must not contain {name} ({where})"


def is_acceptable(value: str, *, multiline: bool = True) -> bool:
    return problem(value, multiline=multiline) is None


def _checker(*, multiline: bool) -> Any:
    def check(value: Any, info: ValidationInfo) -> Any:
        found = problem(value, multiline=multiline) if isinstance(value, str) else None
        if found is not None:
            subject = info.field_name or "Text"
            # A custom error keeps the message as written (no "Value error, " prefix).
            raise PydanticCustomError("forbidden_character", f"{subject} {found}")
        return value

    return check


# The characters `problem` refuses, as a JSON Schema (ECMA-262) character class.
_REFUSED_IN: Final[dict[bool, str]] = {
    True: "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f",
    False: "\\u0000-\\u001f\\u007f-\\u009f",
}


def refused_pattern(*, multiline: bool = True) -> str:
    """A JSON Schema pattern found in any text `problem` refuses for a control character:
    schemas say ``"not": {"pattern": …}``, which needs no anchor (``$`` means "end, or
    before a final line break" to Python, so ``^…$`` would let one through)."""
    return f"[{_REFUSED_IN[multiline]}]"


def non_blank_pattern(*, multiline: bool = True) -> str:
    """A JSON Schema pattern found in text holding something other than white space."""
    return f"[^{_REFUSED_IN[multiline]}\\s]"


class _Documented:
    """Say in the JSON schema (OpenAPI) which characters a string may not hold.

    A JSON Schema pattern is an ECMA-262 regular expression, which sees a character beyond
    the BMP as two surrogates; so the pattern names the control characters only, and the
    description the surrogates, which no well-formed JSON text holds unpaired.
    """

    def __init__(self, *, multiline: bool) -> None:
        self.refused = {"pattern": refused_pattern(multiline=multiline)}
        self.note = (
            "No control characters"
            + (" other than tab and line breaks" if multiline else ", tabs or line breaks")
            + " (U+0000–U+001F, U+007F–U+009F) and no unpaired surrogates."
        )

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: GetJsonSchemaHandler) -> Any:
        schema = handler(core_schema)
        schema.setdefault("not", dict(self.refused))
        description = schema.get("description")
        schema["description"] = f"{description} {self.note}" if description else self.note
        return schema


# For django-ninja schemas: `Text` for answers that may run over lines, `Line` for the rest.
# Checked before pydantic's own string checks, which fail on a surrogate with a message
# that names no character ("unable to parse raw data as a unicode string").
Text = Annotated[str, BeforeValidator(_checker(multiline=True)), _Documented(multiline=True)]
Line = Annotated[str, BeforeValidator(_checker(multiline=False)), _Documented(multiline=False)]


@deconstructible
class TextValidator:
    """The check as a Django validator; the message starts with the field's label."""

    code = "forbidden_character"

    def __init__(self, *, label: str, multiline: bool) -> None:
        self.label = label
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        found = problem(value, multiline=self.multiline)
        if found is not None:
            raise ValidationError(f"{self.label} {found}", code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and (self.label, self.multiline) == (
            other.label,
            other.multiline,
        )

    def __hash__(self) -> int:
        return hash((self.label, self.multiline))
