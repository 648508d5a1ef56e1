from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from workshop.mail import mail_queue


class AccountAdapter(DefaultAccountAdapter):
    """Allauth's mails (confirmation, password reset, ...) go through the outbox."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
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
