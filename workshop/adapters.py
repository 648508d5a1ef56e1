from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings

from workshop.mail import absolute_url, mail_queue
from workshop.selectors import workshop_current

PENDING_INVITATION = "pending_invitation_url"  # session key: where an invited person lands after signing in


@dataclass(frozen=True)
class _MailSite:
    """What allauth's mail templates call `current_site`: the workshop, not django.contrib.sites."""

    name: str
    domain: str


def _on_site_url(url: str) -> str:
    """The same path on SITE_URL, the address people reach the site at."""
    parts = urlsplit(url)
    return absolute_url(parts.path + (f"?{parts.query}" if parts.query else ""))


class AccountAdapter(DefaultAccountAdapter):
    """Allauth's mails (confirmation, password reset, ...) go through the outbox,
    speak in the workshop's name, and link to SITE_URL."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        workshop = workshop_current()
        ctx = {"request": allauth_context.request, "email": email, **context,
               "current_site": _MailSite(name=workshop.name, domain=urlsplit(settings.SITE_URL).netloc)}
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (body for body, mimetype in getattr(message, "alternatives", [])
             if mimetype == "text/html"),
            "",
        )
        mail_queue(
            to=email,
            subject=message.subject,
            body=message.body,
            html_body=html,
            kind=f"account:{template_prefix.rsplit('/', 1)[-1]}",
        )

    def format_email_subject(self, subject: str) -> str:
        return f"[{workshop_current().acronym}] {subject}"

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return _on_site_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return _on_site_url(super().get_reset_password_from_key_url(key))

    def _pending_invitation(self, request):
        return request.session.get(PENDING_INVITATION) if request is not None else None

    def get_login_redirect_url(self, request):
        return self._pending_invitation(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self._pending_invitation(request) or super().get_signup_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address):
        return self._pending_invitation(self.request) or super().get_email_verification_redirect_url(email_address)
