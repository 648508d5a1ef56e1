import unicodedata

from django import forms
from django.core.exceptions import ValidationError


def validate_single_line(value: str) -> None:
    """A title or a name with a line break would end up in a mail header."""
    if any(unicodedata.category(char) == "Cc" for char in value or ""):
        raise ValidationError("Please keep this on one line, without line breaks, tabs or control characters.",
                              code="control_characters")


class SingleLineFields:
    """Form mixin: every one-line text input refuses control characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            multiline = isinstance(field.widget, (forms.Textarea, forms.HiddenInput))
            if isinstance(field, forms.CharField) and not multiline and validate_single_line not in field.validators:
                field.validators.append(validate_single_line)
