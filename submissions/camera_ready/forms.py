"""The authors' camera-ready forms: the final title and abstract, the authors as printed."""

from django import forms
from django.forms import formset_factory

from submissions.camera_ready.services import PrintedAuthor
from submissions.forms import MAX_TEXT_CHARS, WithOrcid
from workshop.validators import SingleLineFields


class CameraMetadataForm(SingleLineFields, forms.Form):
    title = forms.CharField(max_length=300, label="Final title")
    abstract = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_TEXT_CHARS,
                               label="Final abstract", help_text="Markdown; write math as $...$.")


class CameraAuthorForm(WithOrcid):
    name = forms.CharField(max_length=200, label="Name as printed")
    affiliation = forms.CharField(max_length=200, required=False)
    field_order = ["name", "affiliation", "orcid"]


class BaseCameraAuthorFormSet(forms.BaseFormSet):
    def printed(self):
        return [PrintedAuthor(name=f.cleaned_data["name"], affiliation=f.cleaned_data.get("affiliation", ""),
                              orcid=f.cleaned_data.get("orcid", ""))
                for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]


CameraAuthorFormSet = formset_factory(CameraAuthorForm, formset=BaseCameraAuthorFormSet, extra=0, max_num=30,
                                      validate_max=True, min_num=1, validate_min=True)
