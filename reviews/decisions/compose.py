"""A chair's message to the authors of chosen papers: previewed, then sent as a
job (one mail per author) whose mail batch shows them go out."""

from django.conf import settings
from django.db.models import Count

from reviews.decisions.letters import paper_values
from reviews.tasks import authors_message_task
from submissions.models import Submission
from workshop import mailtext, policy
from workshop.errors import Refused
from workshop.jobs import job_drive
from workshop.mail import mail_job_queue, mail_job_start, subject_prefix
from workshop.models import Job, JobKind, User
from workshop.selectors import workshop_current


def _check(*, submissions: list[Submission], subject: str, body: str, by: User) -> None:
    """{outcome} is refused for a paper whose decision is embargoed."""
    for paper in submissions:
        if not policy.can_decide(by, paper):
            raise Refused(f"You cannot write to the authors of #{paper.pk}.")
    embargoed = [p.pk for p in submissions if not policy.decision_released(p)]
    if embargoed and "{outcome}" in subject + body:
        raise Refused("{outcome} would tell authors an unreleased decision (papers "
                      + ", ".join(f"#{n}" for n in embargoed) + "); release the decisions first or remove it.")


def _rendered(paper: Submission, subject: str, body: str, workshop) -> tuple[str, str]:
    values = paper_values(paper, workshop)
    return subject_prefix(workshop) + mailtext.render(subject, values), mailtext.render(body, values)


def authors_message_preview(*, submissions: list[Submission], subject: str, body: str,
                            by: User) -> tuple[int, tuple[str, str, str] | None]:
    """(number of mails, the first as (to, subject, body)) of the message, exactly as sent."""
    _check(submissions=submissions, subject=subject, body=body, by=by)
    count = sum(len(p.authors.all()) for p in submissions)
    if not count:
        return 0, None
    first = next(p for p in submissions if p.authors.all())
    return count, (first.authors.all()[0].email, *_rendered(first, subject, body, workshop_current()))


def authors_message_start(*, submissions: list[Submission], subject: str, body: str, by: User) -> tuple[Job, bool]:
    """Queue the message: the worker writes it a batch of papers a transaction."""
    _check(submissions=submissions, subject=subject, body=body, by=by)
    label = f"Message to the authors of {len(submissions)} paper{'s' if len(submissions) > 1 else ''}"
    return mail_job_start(kind=JobKind.AUTHORS_MESSAGE, scope=f"user:{by.pk}", by=by, label=label,
                          task=authors_message_task,
                          params={"numbers": [p.pk for p in submissions], "subject": subject, "body": body})


def message_prepare(job: Job) -> int:
    """The papers of the message the sender may still write about, and how many mails that is."""
    papers = Submission.objects.filter(pk__in=job.params["numbers"]).exclude(
        pk__in=Submission.objects.filter(policy.conflicted_submissions_q(job.created_by)).values("pk"))
    job.params["numbers"] = list(papers.order_by("pk").values_list("pk", flat=True))
    job.result = {"unit": "papers", "mails": 0}
    job.result["expected"] = papers.aggregate(n=Count("authors"))["n"]
    return len(job.params["numbers"])


def message_batch(job: Job) -> int:
    chunk = job.params["numbers"][job.done:job.done + settings.JOB_BATCH]
    workshop = workshop_current()
    mails = []
    papers = Submission.objects.filter(pk__in=chunk).select_related("outcome").prefetch_related("authors")
    for paper in papers.order_by("pk"):
        subject, body = _rendered(paper, job.params["subject"], job.params["body"], workshop)
        mails += [{"to": author.email, "subject": subject, "body": body, "kind": "author:message",
                   "paper": paper.pk, "related": paper} for author in paper.authors.all()]
    mail_job_queue(job, mails)
    return len(chunk)


def authors_message_run(job_id: int) -> None:
    job_drive(job_id, prepare=message_prepare, batch=message_batch)
