"""ORCID iD format and checksum (ISO 7064 MOD 11-2), as ORCID documents it."""

import re

from django.core.exceptions import ValidationError

_ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_check_digit(base_digits: str) -> str:
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str) -> str:
    """Accept pasted forms such as https://orcid.org/0000-0002-1825-0097."""
    value = value.strip().upper()
    for prefix in ("HTTPS://ORCID.ORG/", "HTTP://ORCID.ORG/", "ORCID.ORG/"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    return value


def validate_orcid(value: str) -> None:
    if not value:
        return
    if not _ORCID_RE.match(value):
        raise ValidationError(
            "An ORCID iD looks like 0000-0002-1825-0097 (four groups of four digits; "
            "the last character may be X).",
            code="orcid_format",
        )
    digits = value.replace("-", "")
    if orcid_check_digit(digits[:-1]) != digits[-1]:
        raise ValidationError(
            "This ORCID iD has a wrong check digit; please copy it again from your ORCID record.",
            code="orcid_checksum",
        )
