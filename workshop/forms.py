from django import forms
from django.forms import modelformset_factory

from workshop.models import RoleName, Topic, User, VocabularyTerm, Workshop
from workshop.orcid import normalize_orcid
from workshop.validators import SingleLineFields, validate_plain_url


class SignupForm(SingleLineFields, forms.Form):
    """Extra fields on allauth's sign-up form."""

    full_name = forms.CharField(max_length=200, label="Full name")
    affiliation = forms.CharField(max_length=200, required=False)

    field_order = ["full_name", "affiliation", "email", "password1", "password2"]

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        user.affiliation = self.cleaned_data["affiliation"].strip()
        user.save(update_fields=["full_name", "affiliation"])


class ProfileForm(SingleLineFields, forms.ModelForm):
    orcid = forms.CharField(
        label="ORCID iD", max_length=60, required=False,
        help_text="Optional, e.g. 0000-0002-1825-0097 or its orcid.org link.",
    )
    class Meta:
        model = User
        fields = ["full_name", "affiliation", "email_domains", "orcid"]

    def clean_orcid(self):
        return normalize_orcid(self.cleaned_data.get("orcid") or "")

    def clean_email_domains(self):
        domains = [d.strip().lower().lstrip("@") for d in self.cleaned_data["email_domains"].split(",")]
        bad = [d for d in domains if d and ("." not in d or " " in d)]
        if bad:
            raise forms.ValidationError(
                f"These do not look like email domains: {', '.join(bad)}. Use e.g. cs.example.edu."
            )
        return ", ".join(d for d in domains if d)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class WorkshopForm(SingleLineFields, forms.ModelForm):
    """Dates are entered in the workshop's own time zone (the view activates it)."""

    homepage = forms.URLField(label=Workshop._meta.get_field("homepage").verbose_name.capitalize(), required=False,
                              max_length=300, assume_scheme="https", validators=[validate_plain_url],
                              help_text=Workshop._meta.get_field("homepage").help_text)

    class Meta:
        model = Workshop
        fields = [
            "name", "acronym", "year", "venue", "event_dates", "homepage", "cfp_text", "timezone",
            *Workshop.DEADLINE_FIELDS,
            "phase_override", "anonymity", "page_limit", "unclear_page_limit", "max_pdf_mb",
            "min_topics", "max_topics", "abstract_word_limit", "statement_word_limit",
            "reviews_per_paper", "reviews_visible_to_pc", "reviewer_names_to_pc", "pc_sees_decisions",
            "response_word_limit", "reminder_days_before", "camera_ready_page_limit", "licence_name",
            "licence_text", "preface", "program_published",
        ]
        help_texts = {
            "phase_override": "Leave empty to follow the dates. Set, it holds the workshop in that phase, which then "
                              "decides what is open whatever the dates say: registration and changes to papers only "
                              "in “Submissions open”, the author response only in “Discussion”, camera-ready "
                              "changes only once decisions are released.",
        }
        widgets = {
            **{field: DateTimeLocalInput() for field in Workshop.DEADLINE_FIELDS},
            "cfp_text": forms.Textarea(attrs={"rows": 14}),
            "licence_text": forms.Textarea(attrs={"rows": 6}),
            "preface": forms.Textarea(attrs={"rows": 8}),
        }

    SECTIONS = [
        ("The workshop", ["name", "acronym", "year", "venue", "event_dates", "homepage", "cfp_text", "timezone"]),
        ("Dates", [*Workshop.DEADLINE_FIELDS, "phase_override"]),
        ("Submissions", ["anonymity", "page_limit", "unclear_page_limit", "max_pdf_mb", "min_topics", "max_topics",
                         "abstract_word_limit", "statement_word_limit"]),
        ("Reviewing", ["reviews_per_paper", "reviews_visible_to_pc", "reviewer_names_to_pc", "reminder_days_before"]),
        ("Decisions and responses", ["pc_sees_decisions", "response_word_limit"]),
        ("Camera-ready and proceedings", ["camera_ready_page_limit", "licence_name", "licence_text", "preface",
                                          "program_published"]),
    ]

    def sections(self):
        """The fields in labelled groups, for the settings page."""
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_timezone(self):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        name = self.cleaned_data["timezone"].strip()
        if name.upper() == "AOE":
            return "Etc/GMT+12"
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                f'"{name}" is not a time zone name; use e.g. Etc/GMT+12 (AoE) or Europe/Berlin.'
            ) from None
        return name

    def clean(self):
        data = super().clean()
        order = [f for f in ("submission_opens", "abstract_deadline", "paper_deadline",
                             "bidding_closes", "review_deadline") if data.get(f)]
        for earlier, later in zip(order, order[1:], strict=False):
            if data[earlier] > data[later]:
                label = Workshop._meta.get_field(later).verbose_name
                self.add_error(later, f"The {label} must come after the "
                               f"{Workshop._meta.get_field(earlier).verbose_name}.")
        opens, closes = data.get("response_opens"), data.get("response_closes")
        if opens and closes and opens > closes:
            self.add_error("response_closes", "The author response must close after it opens.")
        return data


class _SingleLineModelForm(SingleLineFields, forms.ModelForm):
    pass


TopicFormSet = modelformset_factory(
    Topic, form=_SingleLineModelForm, fields=["name", "position"], extra=1, can_delete=True,
    widgets={"position": forms.NumberInput(attrs={"class": "narrow"})},
)

VocabularyFormSet = modelformset_factory(
    VocabularyTerm, form=_SingleLineModelForm, fields=["label", "position"], extra=1, can_delete=True,
    widgets={"position": forms.NumberInput(attrs={"class": "narrow"})},
)


class RolesForm(SingleLineFields, forms.Form):
    email = forms.EmailField()
    roles = forms.MultipleChoiceField(
        choices=RoleName.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                "No account uses this address yet. Ask them to sign up first "
                "(PC invitations by email come with the program-committee pages)."
            )
        self.user = user
        return email
