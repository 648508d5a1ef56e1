"""The discussion lead and meta-review, and the authors' response to the reviews."""

import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reviews.decisions.letters import author_reviews_text, paper_values
from reviews.models import AuthorResponse, MetaReview
from submissions.models import Submission
from submissions.selectors import with_related
from workshop import policy
from workshop.errors import Refused
from workshop.mail import absolute_url, mail_batch_create, mail_queue_template, mail_queue_text
from workshop.models import User, Workshop
from workshop.phases import response_window_open
from workshop.selectors import chairs, workshop_current

WORD = re.compile(r"\S+")


def lead_set(*, submission: Submission, lead: User | None, by: User) -> MetaReview | None:
    """Name the paper's discussion lead, or with None clear it; clearing where
    nobody leads writes nothing (no empty meta-review row)."""
    if not policy.can_name_lead(by, submission):
        raise Refused("You cannot name the discussion lead of this paper.")
    if lead is not None:
        refusal = policy.lead_refusal(submission=submission, lead=lead)
        if refusal:
            raise Refused(refusal)
    with transaction.atomic():
        if lead is None:
            meta = MetaReview.objects.select_for_update().filter(submission=submission).first()
            if meta is None or meta.lead_id is None:
                return meta
        else:
            meta, _ = MetaReview.objects.select_for_update().get_or_create(submission=submission)
        meta.lead = lead
        meta.save(update_fields=["lead", "updated_at"])
    return meta


def meta_review_save(*, submission: Submission, by: User, author_text: str, pc_text: str) -> MetaReview:
    with transaction.atomic():
        meta = MetaReview.objects.select_for_update().filter(submission=submission).first()
        if not policy.can_write_meta_review(by, submission, meta):
            raise Refused("Only the discussion lead or a chair writes the meta-review, until the decision is "
                          "released.")
        meta = meta or MetaReview(submission=submission)
        meta.author_text, meta.pc_text, meta.written_by = author_text.strip(), pc_text.strip(), by
        meta.save()
    return meta


def word_count(text: str) -> int:
    return len(WORD.findall(text or ""))


def response_save(*, submission: Submission, by: User, text: str, workshop: Workshop, now=None) -> AuthorResponse:
    """Save the authors' one response; the paper's reviewers (and the chairs)
    are mailed when it first arrives, not on every edit."""
    now = now or timezone.now()
    refusal = policy.response_refusal(by, submission, workshop, now=now)
    if refusal:
        raise Refused(refusal)
    text = text.strip()
    if not text:
        raise Refused("The response is empty.")
    words, limit = word_count(text), workshop.response_word_limit
    if words > limit:
        raise Refused(f"The response has {words} words; the limit is {limit}. Nothing was saved.")
    with transaction.atomic():
        response, created = AuthorResponse.objects.select_for_update().get_or_create(
            submission=submission, defaults={"text": text, "updated_by": by})
        if not created:
            response.text, response.updated_by = text, by
            response.save(update_fields=["text", "updated_by", "updated_at"])
        else:
            link = absolute_url(reverse("submission_detail", args=[submission.pk]) + "#response")
            readers = {a.reviewer for a in submission.assignments.select_related("reviewer")} | set(chairs())
            for reader in sorted(readers, key=lambda u: u.pk):
                if policy.can_view_response(reader, submission, workshop=workshop):
                    mail_queue_template(to=reader.email, template="reviews/email/response",
                                        context={"submission": submission, "link": link},
                                        kind="pc:response", paper=submission.pk, related=response)
    return response


def response_open_mails(*, now=None) -> int:
    """Celery beat: once the response window opens, each author of each
    complete paper gets the reviews and the link, once."""
    now = now or timezone.now()
    workshop = workshop_current()
    if workshop.response_mail_sent_at is not None or not response_window_open(workshop, now):
        return 0
    with transaction.atomic():
        claimed = type(workshop).objects.filter(pk=workshop.pk, response_mail_sent_at__isnull=True).update(
            response_mail_sent_at=now)
        if not claimed:
            return 0
        papers = [p for p in with_related(Submission.objects.filter(withdrawn_at__isnull=True)).order_by("pk")
                  if p.current_pdf is not None]
        batch = mail_batch_create(label="Author response period is open", by=None)
        count = 0
        for paper in papers:
            values = paper_values(paper, workshop) | {
                "reviews": author_reviews_text(paper),
                "link": absolute_url(reverse("author_response", args=[paper.pk]))}
            for author in paper.authors.all():
                mail_queue_text(key="response-open", to=author.email, values=values, kind="author:response-open",
                                paper=paper.pk, related=paper, batch=batch)
                count += 1
    return count
