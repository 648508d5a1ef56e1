"""The chairs' forms for deciding and writing: outcomes and their letters, the
chair-editable mail texts, a message to authors, and the paper table's bulk actions."""

from django import forms

from submissions.models import Outcome
from workshop import mailtext
from workshop.models import MailTemplate
from workshop.validators import SingleLineFields


def _check_placeholders(form, field: str, kind: str) -> None:
    error = mailtext.placeholder_error(form.cleaned_data.get(field) or "", kind)
    if error:
        form.add_error(field, error)


class OutcomeForm(SingleLineFields, forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["name", "category", "position", "mail_subject", "mail_body"]
        widgets = {"mail_body": forms.Textarea(attrs={"rows": 8}),
                   "position": forms.NumberInput(attrs={"class": "narrow"})}
        labels = {"mail_subject": "Mail subject", "mail_body": "Mail to the authors"}

    def clean(self):
        data = super().clean()
        for name in ("mail_subject", "mail_body"):
            _check_placeholders(self, name, "decision")
        return data


OutcomeFormSet = forms.modelformset_factory(Outcome, form=OutcomeForm, extra=1, can_delete=True)


class MailTemplateForm(SingleLineFields, forms.ModelForm):
    class Meta:
        model = MailTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def clean(self):
        data = super().clean()
        for name in ("subject", "body"):
            _check_placeholders(self, name, self.instance.key)
        return data


MailTemplateFormSet = forms.modelformset_factory(MailTemplate, form=MailTemplateForm, extra=0)


class ComposeForm(SingleLineFields, forms.Form):
    """A message to the authors of chosen papers, one mail per author."""

    subject = forms.CharField(max_length=250)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), max_length=20000, help_text=(
        "Placeholders: " + ", ".join("{" + p + "}" for p in mailtext.PLACEHOLDERS["message"])))

    def clean(self):
        data = super().clean()
        for name in ("subject", "body"):
            _check_placeholders(self, name, "message")
        return data


class BulkForm(forms.Form):
    """The paper table's bulk actions. Nothing is chosen by default: an action and (to decide) a
    decision must be picked, and clearing decisions is a choice of its own."""

    CLEAR = "clear"
    action = forms.ChoiceField(choices=[("", "Choose an action…"), ("decide", "Decide"), ("tag", "Add tag"),
                                        ("untag", "Remove tag"), ("mail", "Write to the authors")],
                               error_messages={"required": "Choose an action to apply to the selected papers."})
    outcome = forms.ChoiceField(required=False)
    note = forms.CharField(max_length=1000, required=False)
    tag = forms.SlugField(max_length=40, required=False, error_messages={
        "invalid": "A tag is one word: letters, digits, - and _."})

    def __init__(self, *args, outcomes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {str(o.pk): o for o in (Outcome.objects.all() if outcomes is None else outcomes)}
        self.fields["outcome"].choices = [("", "Choose a decision…"),
                                          *[(pk, o.name) for pk, o in self.outcomes.items()],
                                          (self.CLEAR, "Clear the decision")]

    def clean(self):
        data = super().clean()
        if data.get("action") in ("tag", "untag") and not data.get("tag"):
            self.add_error("tag", "Give the tag, e.g. discuss.")
        if data.get("action") == "decide":
            if not data.get("outcome"):
                self.add_error("outcome", "Choose the decision to give, or “Clear the decision”.")
            data["decision"] = self.outcomes.get(data.get("outcome"))  # None: clear it
        return data
