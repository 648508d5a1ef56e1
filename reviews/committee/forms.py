"""Forms of the committee pages: invitations (one, or a CSV), the PC profile, a
bid, and the chairs' conflict entries."""

from django import forms

from reviews.models import Level, Preference
from submissions.models import ConflictReason
from workshop.models import RoleName, VocabularyKind
from workshop.selectors import pc_members, topics_ordered, vocabulary_by_kind
from workshop.validators import SingleLineFields


class InviteForm(SingleLineFields, forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField()
    affiliation = forms.CharField(max_length=200, required=False)
    roles = forms.MultipleChoiceField(choices=RoleName.choices, initial=[RoleName.PC],
                                      widget=forms.CheckboxSelectMultiple)


class CsvForm(forms.Form):
    csv_text = forms.CharField(label="CSV", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    csv_file = forms.FileField(label="or a CSV file", required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("csv_file")
        if upload:
            if upload.size > 1024 * 1024:
                raise forms.ValidationError("The CSV file is larger than 1 MB.")
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("The CSV file is not UTF-8 text.") from None
        if not data.get("csv_text", "").strip():
            raise forms.ValidationError("Paste some CSV lines or choose a CSV file.")
        return data


class PcProfileForm(forms.Form):
    research_statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=10000)
    recent_papers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=50000,
        help_text="A title line, then its abstract; a blank line between papers.",
    )
    collaborators = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000,
        help_text="Recent co-authors, advisors and advisees: one per line, name and/or email.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = list(topics_ordered())
        for topic in self.topics:
            self.fields[f"topic_{topic.pk}"] = forms.TypedChoiceField(
                label=topic.name, choices=Level.choices, coerce=int, initial=Level.NONE,
            )
        vocabulary = vocabulary_by_kind()
        for kind in (VocabularyKind.ATTACK_PHASE, VocabularyKind.TARGET_DOMAIN):
            self.fields[f"terms_{kind}"] = forms.MultipleChoiceField(
                label=f"Your expertise: {VocabularyKind(kind).label}", required=False,
                choices=[(t.pk, t.label) for t in vocabulary[kind]], widget=forms.CheckboxSelectMultiple,
            )

    def topic_fields(self):
        return [self[f"topic_{t.pk}"] for t in self.topics]

    def term_fields(self):
        return [self[f"terms_{VocabularyKind.ATTACK_PHASE}"], self[f"terms_{VocabularyKind.TARGET_DOMAIN}"]]

    def topic_levels(self):
        return {t: self.cleaned_data[f"topic_{t.pk}"] for t in self.topics}

    def term_ids(self):
        return [int(pk) for kind in (VocabularyKind.ATTACK_PHASE, VocabularyKind.TARGET_DOMAIN)
                for pk in self.cleaned_data[f"terms_{kind}"]]


class BidForm(forms.Form):
    preference = forms.ChoiceField(choices=[("", "No bid"), *Preference.choices], required=False)
    expertise = forms.TypedChoiceField(choices=[("", "—"), *Level.choices], coerce=int, empty_value=None,
                                       required=False)


class ConflictAddForm(forms.Form):
    paper = forms.IntegerField(label="Paper #", min_value=1, error_messages={
        "required": "Give the paper's number.", "invalid": "Give the paper's number, e.g. 12."})
    user = forms.ModelChoiceField(label="PC member", queryset=None, empty_label="Choose a PC member", error_messages={
        "required": "Choose a PC member.", "invalid_choice": "Choose a PC member from the list."})
    reason = forms.ChoiceField(label="Reason", choices=ConflictReason.choices, initial=ConflictReason.OTHER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = pc_members()


class ConflictWaiveForm(forms.Form):
    paper = forms.IntegerField(min_value=1)
    conflict = forms.IntegerField(min_value=1, error_messages={
        "invalid": "That conflict does not exist any more; reload the page.",
        "required": "That conflict does not exist any more; reload the page."})
