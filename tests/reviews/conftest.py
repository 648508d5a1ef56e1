from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from reviews.models import Assignment, Review, ReviewStatus
from submissions.models import Conflict, Submission
from submissions.selectors import with_related
from tests.factories import RoleFactory, SubmissionFactory, UserFactory

PERSONAS = ["author", "coauthor", "other_author", "reviewer_before", "reviewer_after", "unassigned_pc",
            "conflicted_pc", "chair", "conflicted_chair", "organizer", "anonymous"]

FULL_REVIEW = {"overall_merit": "4", "expertise": "3", "threat_model": "3", "relevance": "2",
               "reproducibility": "2", "summary": "Poisons detectors.", "strengths": "Clear threat model.",
               "weaknesses": "One dataset.", "comments_for_authors": "", "comments_for_pc": "Secret note",
               "questions_for_response": ""}


@pytest.fixture
def reviewing_workshop(workshop):
    now = timezone.now()
    workshop.submission_opens = now - timedelta(days=30)
    workshop.abstract_deadline = now - timedelta(days=20)
    workshop.paper_deadline = now - timedelta(days=15)
    workshop.bidding_closes = now - timedelta(days=10)
    workshop.review_deadline = now + timedelta(days=10)
    workshop.save()
    return workshop


def submitted_review(submission, reviewer, **values):
    return Review.objects.create(submission=submission, reviewer=reviewer, status=ReviewStatus.SUBMITTED,
                                 submitted_at=timezone.now(), values={**FULL_REVIEW, **values})


@pytest.fixture
def pc_world(reviewing_workshop):
    """One paper seen from every persona's seat."""
    people = {name: UserFactory(email=f"{name}@{name}.example", full_name=name.replace("_", " ").title())
              for name in PERSONAS if name != "anonymous"}
    people["anonymous"] = AnonymousUser()
    for name in ("reviewer_before", "reviewer_after", "unassigned_pc", "conflicted_pc"):
        RoleFactory(user=people[name], name="pc")
    for name in ("chair", "conflicted_chair"):
        RoleFactory(user=people[name], name="chair")
        RoleFactory(user=people[name], name="pc")
    RoleFactory(user=people["organizer"], name="organizer")
    paper = SubmissionFactory(created_by=people["author"], authors=[
        ("Author", people["author"].email), ("Coauthor", people["coauthor"].email)])
    for name in ("conflicted_pc", "conflicted_chair"):
        Conflict.objects.create(submission=paper, user=people[name], reason="advisor", source="author")
    for name in ("reviewer_before", "reviewer_after"):
        Assignment.objects.create(submission=paper, reviewer=people[name])
    submitted_review(paper, people["reviewer_after"])
    return people, with_related(Submission.objects.filter(pk=paper.pk)).get()


def release_decision(paper, outcome_name="Accept (poster)"):
    """The chairs decided this paper and released the decision."""
    from submissions.models import Outcome

    outcome = Outcome.objects.get(name=outcome_name)
    Submission.objects.filter(pk=paper.pk).update(outcome=outcome, released_outcome=outcome,
                                                  decision_released_at=timezone.now())
    paper.outcome, paper.released_outcome, paper.decision_released_at = outcome, outcome, timezone.now()
    return paper


def released(paper) -> Submission:
    """The paper, read again after its decision is released."""
    release_decision(paper)
    return Submission.objects.get(pk=paper.pk)


def in_both_times(when) -> str:
    """How a page shows a moment: in AoE, and in the viewer's local time by script."""
    from workshop.models import AOE
    from workshop.phases import format_moment

    return (f'<span class="dated">{format_moment(when, AOE)} <time datetime="{when.isoformat()}" '
            'data-local-time="short"></time></span>')


def release_now(*, by):
    """A chair releases the decisions and the worker does the job at once: the release's mail batch."""
    from reviews.decisions.release import decisions_release_start, release_run
    from workshop.models import MailBatch

    job, _ = decisions_release_start(by=by)
    release_run(job.pk)
    return MailBatch.objects.get(pk=job.params["batch"])
