"""What a paper's mails say: the placeholders every paper mail has, the decision
letter of its outcome, and the reviews as the authors get them (never a reviewer's
name or PC-only text: `reviews_for_authors`, the view authors get on the site)."""

from django.urls import reverse

from reviews.models import MetaReview, ReviewField
from reviews.reviewing.selectors import reviews_for_authors
from submissions.models import Submission
from workshop import mailtext
from workshop.mail import absolute_url, subject_prefix
from workshop.models import Workshop
from workshop.phases import format_moment


def paper_values(submission: Submission, workshop: Workshop) -> dict[str, str]:
    """The placeholders every paper mail has ({number}, {title}, {authors}, ...)."""
    names = [a.name for a in submission.authors.all()]
    authors = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    return {
        "number": str(submission.pk), "title": submission.title, "authors": authors,
        "outcome": submission.outcome.name if submission.outcome else "",
        "workshop": f"{workshop.name} ({workshop.acronym} {workshop.year})",
        "camera_ready_deadline": format_moment(workshop.camera_ready_deadline, workshop.timezone),
        "review_deadline": format_moment(workshop.review_deadline, workshop.timezone),
        "response_closes": format_moment(workshop.response_closes, workshop.timezone),
        "link": absolute_url(reverse("submission_detail", args=[submission.pk])),
    }


def decision_mail(submission: Submission, workshop: Workshop, *,
                  fields: list[ReviewField] | None = None) -> tuple[str, str]:
    outcome = submission.outcome
    values = paper_values(submission, workshop) | {
        "outcome": outcome.name, "reviews": author_reviews_text(submission, fields=fields)}
    subject = subject_prefix(workshop) + mailtext.render(outcome.mail_subject, values)
    return subject, mailtext.render(outcome.mail_body, values)


def author_reviews_text(submission: Submission, *, fields: list[ReviewField] | None = None) -> str:
    """The meta-review's author part and the reviews' author-visible answers, as plain text
    (no query of its own when the meta-review, the reviews and `fields` come with the paper)."""
    parts = []
    try:
        meta = submission.meta_review
    except MetaReview.DoesNotExist:
        meta = None
    if meta and meta.author_text.strip():
        parts.append(f"Meta-review\n===========\n{meta.author_text.strip()}")
    for view in reviews_for_authors(submission=submission, fields=fields):
        lines = [view.label, "=" * len(view.label)]
        for f, value, shown in view.answers:
            lines.append(f"{f.label}:\n{value.strip()}\n" if f.kind == "text" else f"{f.label}: {value}. {shown}")
        parts.append("\n".join(lines).rstrip())
    return "\n\n".join(parts) if parts else "(No reviews.)"
