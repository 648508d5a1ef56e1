"""Which mails of the outbox a chair sees, and whose bodies."""



from workshop.policy.papers import can_manage_submission
from workshop.policy.roles import can_view_outbox


def can_view_mail(user, mail, submission=None) -> bool:
    """A mail about a paper tells who wrote it (receipts) or who reviews it
    (assignments, comments): a chair sees it, recipient included, only if
    they may see that paper's authors and reviewers, i.e. manage it. The
    outbox list applies the same rule as a query (`conflicted_submissions_q`)."""
    if not can_view_outbox(user):
        return False
    return mail.paper_number is None or (submission is not None and can_manage_submission(user, submission))


def can_view_mail_body(user, mail) -> bool:
    """Account mails carry sign-in and password-reset links: only their
    recipient may read them, never a chair looking at the outbox."""
    return can_view_outbox(user) and not mail.kind.startswith("account:")
