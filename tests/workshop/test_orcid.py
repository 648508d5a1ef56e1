import pytest
from django.core.exceptions import ValidationError

from workshop.orcid import normalize_orcid, validate_orcid


@pytest.mark.parametrize("value", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X", ""])
def test_validate_orcid_accepts_valid_ids(value):
    validate_orcid(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0000-0002-1825-0098", "orcid_checksum"),
        ("0000000218250097", "orcid_format"),
        ("0000-0002-1825-009", "orcid_format"),
        ("abcd-0002-1825-0097", "orcid_format"),
    ],
)
def test_validate_orcid_rejects_bad_ids_with_a_reason(value, code):
    with pytest.raises(ValidationError) as error:
        validate_orcid(value)

    assert error.value.code == code


def test_normalize_orcid_strips_the_url_prefix():
    assert normalize_orcid(" https://orcid.org/0000-0002-1694-233x ") == "0000-0002-1694-233X"
