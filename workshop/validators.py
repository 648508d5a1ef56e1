import re
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


_ACRONYM = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


def validate_acronym(value: str) -> None:
    """The acronym names every download, mail subject and BibTeX key: plain
    letters, digits and dashes keep each of them readable and unambiguous."""
    if not _ACRONYM.fullmatch(value or ""):
        raise ValidationError("Use only letters A–Z, digits and single dashes between them, e.g. MLSec or "
                              "AISec-W.", code="acronym")


# Outside RFC 3986 (so never needed in a URL) and special to TeX or BibTeX, or
# able to end the field a URL is written into.
_URL_REFUSED = set('{}\\^`|<>"')


def validate_plain_url(value: str) -> None:
    """Refuse the characters a URL never needs unencoded, which would let it
    close a BibTeX field or run a LaTeX command where it is cited."""
    found = sorted({c for c in value or "" if c in _URL_REFUSED}) + (["spaces"] if any(
        c.isspace() for c in value or "") else [])
    if found:
        shown = " ".join(found)
        raise ValidationError(f"A URL cannot contain {shown}; percent-encode it (for example {{ as %7B).",
                              code="url_characters")
