"""The chairs' view of the mail outbox: the list, one mail, a retry."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from submissions.outbox.selectors import mail_visible_or_404, mails_visible_to
from workshop import policy
from workshop.http import require
from workshop.mail import mail_retry
from workshop.models import MailStatus
from workshop.ops.log_masking import mask_secrets

PAGE_ROWS = 100


@require(policy.can_view_outbox)
def outbox(request):
    status = request.GET.get("status") or ""
    if status not in MailStatus.values:
        status = ""
    # Paged in the database (COUNT, then LIMIT/OFFSET): hidden mails are left out in the same query, so they
    # neither take a place on a page nor count in the total. The list does not show the texts.
    mails = mails_visible_to(user=request.user, status=status or None).defer("body", "html_body", "last_error")
    page = Paginator(mails, PAGE_ROWS).get_page(request.GET.get("page"))
    return render(request, "workshop/outbox.html", {
        "mails": page, "page": page, "status": status, "statuses": MailStatus.choices,
    })


@require(policy.can_view_outbox)
def outbox_detail(request, public_id):
    mail = mail_visible_or_404(user=request.user, public_id=public_id)
    # An invitation's link is the invitee's seat: the chairs read that it was sent, not the token.
    return render(request, "workshop/outbox_detail.html", {
        "mail": mail, "show_body": policy.can_view_mail_body(request.user, mail), "body": mask_secrets(mail.body),
    })


@require_POST
@require(policy.can_view_outbox)
def outbox_retry(request, public_id):
    mail = mail_visible_or_404(user=request.user, public_id=public_id)
    if mail.status != MailStatus.FAILED:
        messages.info(request, "Only failed mails can be retried; this one is "
                      f"{mail.get_status_display().lower()}.")
    else:
        mail_retry(mail=mail)
        messages.success(request, f"Mail to {mail.recipient} queued again.")
    return redirect("outbox_detail", public_id=mail.public_id)
