"""A chair's message to the authors of chosen papers: previewed, then sent as one
batch, one mail per author."""

from django.db import transaction

from reviews.decisions.letters import paper_values
from submissions.models import Submission
from workshop import mailtext, policy
from workshop.errors import Refused
from workshop.mail import mail_batch_create, mail_queue, subject_prefix
from workshop.models import MailBatch, User
from workshop.selectors import workshop_current


def authors_message(*, submissions: list[Submission], subject: str, body: str, by: User,
                    send: bool) -> tuple[int, tuple[str, str, str] | None, MailBatch | None]:
    """A chair's message to the authors of chosen papers, one mail per author.
    Returns (number of mails, the first mail as (to, subject, body), the batch
    when `send`). {outcome} is refused for a paper whose decision is embargoed."""
    for paper in submissions:
        if not policy.can_decide(by, paper):
            raise Refused(f"You cannot write to the authors of #{paper.pk}.")
    embargoed = [p.pk for p in submissions if not policy.decision_released(p)]
    if embargoed and "{outcome}" in subject + body:
        raise Refused("{outcome} would tell authors an unreleased decision (papers "
                      + ", ".join(f"#{n}" for n in embargoed) + "); release the decisions first or remove it.")
    workshop = workshop_current()
    mails = []
    for paper in submissions:
        values = paper_values(paper, workshop)
        mail_subject, mail_body = subject_prefix() + mailtext.render(subject, values), mailtext.render(body, values)
        mails += [(author.email, mail_subject, mail_body, paper) for author in paper.authors.all()]
    sample = mails[0][:3] if mails else None
    if not send or not mails:
        return len(mails), sample, None
    with transaction.atomic():
        batch = mail_batch_create(label=f"Message to the authors of {len(submissions)} paper"
                                        f"{'s' if len(submissions) > 1 else ''}", by=by)
        for to, mail_subject, mail_body, paper in mails:
            mail_queue(to=to, subject=mail_subject, body=mail_body, kind="author:message", paper=paper.pk,
                       related=paper, batch=batch)
    return len(mails), sample, batch
