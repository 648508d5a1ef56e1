"""The automatic assignment's parameters."""

from django import forms


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
