"""Allauth form tweaks. Kept apart from workshop/forms.py: allauth imports
that module (ACCOUNT_SIGNUP_FORM_CLASS) while building its own forms."""

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"
