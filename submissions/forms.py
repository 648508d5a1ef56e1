import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from submissions.models import ConflictReason, Outcome
from submissions.services.papers import AuthorEntry, SubmissionData
from workshop.models import VocabularyKind
from workshop.orcid import normalize_orcid, validate_orcid
from workshop.selectors import topics_ordered, vocabulary_by_kind
from workshop.validators import SingleLineFields, validate_plain_url

MAX_TEXT_CHARS = 20000


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


class WithOrcid(SingleLineFields, forms.Form):
    """An optional ORCID iD (a pasted orcid.org URL is accepted), for both author forms."""

    orcid = forms.CharField(label="ORCID iD", max_length=60, required=False)

    def clean_orcid(self):
        value = normalize_orcid(self.cleaned_data.get("orcid") or "")
        validate_orcid(value)
        return value


class AuthorForm(WithOrcid):
    name = forms.CharField(max_length=200)
    email = forms.EmailField()
    affiliation = forms.CharField(max_length=200, required=False)
    field_order = ["name", "email", "affiliation", "orcid"]


class BaseAuthorFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # A filled-in row is validated even when it equals its initial value
        # (an unchanged author list on edit must not read as "no authors").
        form = super()._construct_form(i, **kwargs)
        if self.is_bound and any(self.data.get(f"{form.prefix}-{name}") for name in ("name", "email")):
            form.empty_permitted = False
        return form

    def clean(self):
        if any(self.errors):
            return
        emails = [f.cleaned_data["email"].lower() for f in self.forms
                  if f.cleaned_data and not self._should_delete_form(f)]
        if not emails:
            raise forms.ValidationError("List at least one author.")
        duplicates = sorted({e for e in emails if emails.count(e) > 1})
        if duplicates:
            raise forms.ValidationError(f"Each author needs their own email address; listed twice: "
                                        f"{', '.join(duplicates)}.")


AuthorFormSet = formset_factory(AuthorForm, formset=BaseAuthorFormSet, extra=1, max_num=30,
                                validate_max=True)


class SubmissionForm(SingleLineFields, forms.Form):
    title = forms.CharField(max_length=300)
    abstract = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_TEXT_CHARS,
                               help_text="Markdown; write math as $...$.")
    topics = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    attack_model = forms.CharField(
        label="Attack model", widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_TEXT_CHARS,
        help_text="Who is the attacker, what do they want, what can they know and do?",
    )
    security_relationship = forms.CharField(
        label="Relationship to security", widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT_CHARS,
        help_text="How does the work address attacks, or help defend systems?",
    )
    artifact_url = forms.URLField(label="Code / artifact URL", required=False, max_length=500,
                                  assume_scheme="https", validators=[validate_plain_url])
    will_open_source = forms.BooleanField(label="The code will be open-sourced", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, workshop, pc_members, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields["topics"].queryset = topics_ordered()
        self.fields["topics"].help_text = (
            f"Choose {workshop.min_topics} to {workshop.max_topics}."
        )
        for kind, terms in vocabulary_by_kind().items():
            self.fields[f"terms_{kind}"] = forms.MultipleChoiceField(
                label=VocabularyKind(kind).label, required=False,
                choices=[(t.pk, t.label) for t in terms], widget=forms.CheckboxSelectMultiple,
            )
        self._terms = {t.pk: t for terms in vocabulary_by_kind().values() for t in terms}
        self.pc_members = list(pc_members)
        for member in self.pc_members:
            self.fields[f"conflict_{member.pk}"] = forms.ChoiceField(
                label=member.full_name, required=False,
                choices=[("", "No conflict"), *ConflictReason.choices],
            )
        self.fields["abstract"].widget.attrs["data-word-limit"] = workshop.abstract_word_limit
        for name in ("attack_model", "security_relationship"):
            self.fields[name].widget.attrs["data-word-limit"] = workshop.statement_word_limit

    def term_fields(self):
        return [self[f"terms_{kind}"] for kind in VocabularyKind.values]

    def conflict_fields(self):
        return [self[f"conflict_{m.pk}"] for m in self.pc_members]

    def _check_words(self, name, limit):
        text = self.cleaned_data.get(name, "")
        if word_count(text) > limit:
            self.add_error(name, f"Please keep this to {limit} words; it has {word_count(text)}.")

    def clean(self):
        data = super().clean()
        topics = data.get("topics")
        if topics is not None and not (self.workshop.min_topics <= len(topics) <= self.workshop.max_topics):
            self.add_error("topics", f"Choose between {self.workshop.min_topics} and "
                                     f"{self.workshop.max_topics} topics; you chose {len(topics)}.")
        self._check_words("abstract", self.workshop.abstract_word_limit)
        self._check_words("attack_model", self.workshop.statement_word_limit)
        self._check_words("security_relationship", self.workshop.statement_word_limit)
        return data

    def to_data(self, author_formset) -> SubmissionData:
        data = self.cleaned_data
        authors = [
            AuthorEntry(name=f.cleaned_data["name"].strip(), email=f.cleaned_data["email"].strip(),
                        affiliation=f.cleaned_data.get("affiliation", "").strip(),
                        orcid=f.cleaned_data.get("orcid", ""))
            for f in author_formset.forms if f.cleaned_data
        ]
        term_ids = [int(pk) for kind in VocabularyKind.values for pk in data.get(f"terms_{kind}", [])]
        conflicts = {m: data[f"conflict_{m.pk}"] for m in self.pc_members if data.get(f"conflict_{m.pk}")}
        return SubmissionData(
            title=data["title"].strip(), abstract=data["abstract"], attack_model=data["attack_model"],
            security_relationship=data["security_relationship"], artifact_url=data["artifact_url"],
            will_open_source=data["will_open_source"], topics=list(data["topics"]),
            threat_terms=[self._terms[pk] for pk in term_ids], authors=authors, conflicts=conflicts,
        )


def initial_for(submission) -> tuple[dict, list[dict]]:
    """Form and author-formset initial data from an existing paper."""
    initial = {
        "title": submission.title, "abstract": submission.abstract,
        "attack_model": submission.attack_model, "security_relationship": submission.security_relationship,
        "artifact_url": submission.artifact_url, "will_open_source": submission.will_open_source,
        "topics": [t.pk for t in submission.topics.all()], "version": submission.version,
    }
    for term in submission.threat_terms.all():
        initial.setdefault(f"terms_{term.kind}", []).append(term.pk)
    for conflict in submission.conflicts.all():
        if conflict.source == "author":
            initial[f"conflict_{conflict.user_id}"] = conflict.reason
    authors = [{"name": a.name, "email": a.email, "affiliation": a.affiliation, "orcid": a.orcid}
               for a in submission.authors.all()]
    return initial, authors


class PdfUploadForm(forms.Form):
    pdf = forms.FileField(label="Paper PDF")


class ExtensionForm(forms.Form):
    """A per-paper deadline, typed in the workshop's zone; empty removes it."""

    until = forms.CharField(required=False)

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop

    def clean_until(self):
        raw = self.cleaned_data["until"].strip()
        if not raw:
            return None
        try:
            naive = datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError("Please give the extension as a date and time, e.g. 2027-03-08T23:59.") \
                from None
        now = timezone.now()
        try:
            until = timezone.make_aware(naive, ZoneInfo(self.workshop.timezone))
            until.astimezone(UTC)
        except (OverflowError, ValueError):
            until = None
        if until is None or not now - timedelta(days=365) <= until <= now + timedelta(days=2 * 365):
            raise forms.ValidationError("An extension must be a date within two years from today.")
        return until


class DecisionForm(forms.Form):
    outcome = forms.ModelChoiceField(queryset=Outcome.objects.all(), required=False, empty_label="No decision yet")
    note = forms.CharField(max_length=1000, required=False, label="Note for the log (optional)")
