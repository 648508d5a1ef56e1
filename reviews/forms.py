from django import forms

from reviews.models import FieldKind, FieldVisibility, Level, Preference, ReviewField
from submissions.models import ConflictReason, Outcome
from workshop import mailtext
from workshop.models import MailTemplate, RoleName, VocabularyKind
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


class ReviewForm(forms.Form):
    """Built from the review form's fields; values keyed by field key."""

    def __init__(self, *args, fields: list[ReviewField], **kwargs):
        super().__init__(*args, **kwargs)
        self.review_fields = fields
        for f in fields:
            hint = {"pc": " (PC only)", "chairs": " (chairs only)"}.get(f.visibility, "")
            if f.kind == FieldKind.TEXT:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 5, "data-markdown": "1"}),
                                        max_length=30000)
            else:
                field = forms.ChoiceField(choices=[(v, f"{v}. {label}") for v, label in f.options],
                                          widget=forms.RadioSelect)
            field.required = False  # drafts may be partial; `review_save` checks on submit
            field.label = f.label + hint + (" *" if f.required else "")
            field.help_text = f.help
            self.fields[f.key] = field


class ReviewFieldForm(SingleLineFields, forms.ModelForm):
    options_text = forms.CharField(
        label="Scale", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One option per line, e.g. “1 = Strong reject”. Leave empty for text fields.",
    )

    class Meta:
        model = ReviewField
        fields = ["label", "key", "kind", "required", "visibility", "help", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["options_text"] = "\n".join(f"{v} = {label}" for v, label in self.instance.options)
        self.fields["visibility"].choices = FieldVisibility.choices

    def clean(self):
        data = super().clean()
        options = []
        for number, line in enumerate((data.get("options_text") or "").splitlines(), start=1):
            if not line.strip():
                continue
            value, sep, label = line.partition("=")
            if not sep or not value.strip() or not label.strip():
                self.add_error("options_text", f"Line {number}: write it as “value = label”.")
                return data
            options.append([value.strip(), label.strip()])
        if data.get("kind") in (FieldKind.SCORE, FieldKind.CHOICE) and len(options) < 2:
            self.add_error("options_text", "A score or choice needs at least two options.")
        self.instance.options = options if data.get("kind") != FieldKind.TEXT else []
        return data


ReviewFieldFormSet = forms.modelformset_factory(ReviewField, form=ReviewFieldForm, extra=1, can_delete=True)


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    chairs_only = forms.BooleanField(label="Visible to chairs only", required=False)


class AutoAssignForm(forms.Form):
    mode = forms.ChoiceField(choices=[("fresh", "Fresh assignment (replace assignments without a submitted review)"),
                                      ("ensure", "Ensure every paper has k (only add)"),
                                      ("rebalance", "Rebalance (keep good existing pairs)")])
    k = forms.IntegerField(label="Reviews per paper (k)", min_value=1, max_value=10)
    min_load = forms.IntegerField(label="Minimum papers per PC member", min_value=0, max_value=50)
    max_load = forms.IntegerField(label="Maximum papers per PC member", min_value=1, max_value=100)
    fair = forms.BooleanField(label="Fair: first lift the weakest paper's reviewers, then the total", required=False)
    w_text = forms.FloatField(label="Weight: text similarity", min_value=0, max_value=10)
    w_topic = forms.FloatField(label="Weight: topic expertise", min_value=0, max_value=10)
    w_threat = forms.FloatField(label="Weight: threat-model expertise", min_value=0, max_value=10)
    w_bid = forms.FloatField(label="Weight: bids", min_value=0, max_value=10)

    def clean(self):
        data = super().clean()
        if data.get("min_load") is not None and data.get("max_load") is not None and \
                data["min_load"] > data["max_load"]:
            self.add_error("min_load", "The minimum load cannot be above the maximum.")
        return data

    def params(self) -> dict:
        d = self.cleaned_data
        return {"mode": d["mode"], "k": d["k"], "min_load": d["min_load"], "max_load": d["max_load"],
                "fair": d["fair"], "weights": {"text": d["w_text"], "topic": d["w_topic"],
                                               "threat": d["w_threat"], "bid": d["w_bid"]}}

    @staticmethod
    def initial_from(params: dict) -> dict:
        return {"mode": params["mode"], "k": params["k"], "min_load": params["min_load"],
                "max_load": params["max_load"], "fair": params["fair"],
                **{f"w_{k}": v for k, v in params["weights"].items()}}


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


class MetaReviewForm(forms.Form):
    author_text = forms.CharField(label="For the authors (mailed with the decision)", required=False,
                                  widget=forms.Textarea(attrs={"rows": 6, "data-markdown": "1"}), max_length=20000)
    pc_text = forms.CharField(label="For the PC only", required=False,
                              widget=forms.Textarea(attrs={"rows": 4, "data-markdown": "1"}), max_length=20000)


class ResponseForm(forms.Form):
    text = forms.CharField(label="Your response", widget=forms.Textarea(attrs={"rows": 12}), max_length=30000)

    def __init__(self, *args, word_limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["data-word-limit"] = word_limit
        self.fields["text"].help_text = (f"At most {word_limit} words. Reviewers see it above the discussion; you "
                                         "can change it until the response period closes.")
