"""The paper's forms and what they share with the camera-ready forms."""


import pytest


@pytest.mark.parametrize("form_class", ["AuthorForm", "CameraAuthorForm"])
def test_both_author_forms_check_orcid_and_accept_a_pasted_url(form_class):
    from submissions import forms
    from submissions.camera_ready import forms as camera_forms

    form = getattr(forms, form_class, None) or getattr(camera_forms, form_class)
    good = form(data={"name": "Ada", "email": "ada@x.example", "orcid": "https://orcid.org/0000-0002-1825-0097"})
    bad = form(data={"name": "Ada", "email": "ada@x.example", "orcid": "0000-0002-1825-0098"})

    assert good.is_valid() and good.cleaned_data["orcid"] == "0000-0002-1825-0097"
    assert not bad.is_valid() and "check digit" in str(bad.errors["orcid"])
