"""The review form (built from the chairs' questions), its editor, and a comment."""

from django import forms

from reviews.models import FieldKind, FieldVisibility, ReviewField
from workshop.validators import SingleLineFields


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
