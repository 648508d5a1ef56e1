"""The validators that keep people's text from breaking what it is written into."""

import pytest
from django.core.exceptions import ValidationError

from workshop.validators import validate_acronym, validate_plain_url


@pytest.mark.parametrize("acronym", ["MLSec", "AISec-W", "SaTML2", "A"])
def test_an_acronym_of_letters_digits_and_dashes_is_fine(acronym):
    validate_acronym(acronym)


@pytest.mark.parametrize("acronym", ['ML"Sec', "MLSec€", "ML\u202eSec", "ML Sec", "-MLSec", "ML--Sec", "ML/Sec",
                                     "", "MLSéc"])
def test_any_other_acronym_is_refused_with_what_to_use(acronym):
    with pytest.raises(ValidationError) as refused:
        validate_acronym(acronym)

    assert refused.value.messages == ["Use only letters A–Z, digits and single dashes between them, e.g. MLSec or "
                                      "AISec-W."]


@pytest.mark.parametrize("url", ["https://github.com/lakeside/backdoors", "https://x.example/a_b~c?q=1&r=%7B#top",
                                 "https://example.org/$(x)*+,;=@!'"])
def test_a_url_of_rfc_3986_characters_is_fine(url):
    validate_plain_url(url)


@pytest.mark.parametrize(("url", "shown"), [
    ("https://x.example/}},title={\\input{/etc/passwd}},x={", "\\ { }"),
    ("https://x.example/^caret|pipe", "^ |"),
    ('https://x.example/"<b>`', '" < > `'),
    ("https://x.example/a b", "spaces"),
])
def test_a_url_with_tex_or_bibtex_specials_is_refused_naming_them(url, shown):
    with pytest.raises(ValidationError) as refused:
        validate_plain_url(url)

    assert refused.value.messages == [f"A URL cannot contain {shown}; percent-encode it (for example {{ as %7B)."]
