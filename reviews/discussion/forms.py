"""The meta-review and the authors' response."""

from django import forms


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
