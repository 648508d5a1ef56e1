from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import SubmissionFactory
from tests.submissions import pdf_corpus


@pytest.fixture
def open_workshop(workshop):
    """Submissions open: abstracts due in 3 days, papers in 7."""
    now = timezone.now()
    workshop.submission_opens = now - timedelta(days=10)
    workshop.abstract_deadline = now + timedelta(days=3)
    workshop.paper_deadline = now + timedelta(days=7)
    workshop.bidding_closes = now + timedelta(days=14)
    workshop.review_deadline = now + timedelta(days=30)
    workshop.save()
    return workshop


@pytest.fixture
def closed_workshop(open_workshop):
    now = timezone.now()
    open_workshop.submission_opens = now - timedelta(days=20)
    open_workshop.abstract_deadline = now - timedelta(days=9)
    open_workshop.paper_deadline = now - timedelta(days=2)
    open_workshop.save()
    return open_workshop


@pytest.fixture
def paper_pdf():
    return pdf_corpus.paper()


@pytest.fixture
def submission(open_workshop, author):
    return SubmissionFactory(created_by=author)


@pytest.fixture
def coauthor(db):
    from tests.factories import UserFactory

    return UserFactory(full_name="Chen Coauthor", email="chen@lakeside.example")


@pytest.fixture
def shared_submission(open_workshop, author, coauthor):
    return SubmissionFactory(created_by=author, authors=[(author.full_name, author.email),
                                                         (coauthor.full_name, coauthor.email)])


def accept(paper, outcome_name="Accept (oral)"):
    """Decide and release: the paper is in the proceedings."""
    from submissions.models import Outcome, Submission

    outcome = Outcome.objects.get(name=outcome_name)
    Submission.objects.filter(pk=paper.pk).update(outcome=outcome, released_outcome=outcome,
                                                  decision_released_at=timezone.now())
    paper.refresh_from_db()
    return paper


@pytest.fixture
def camera_workshop(closed_workshop):
    """Decisions out; camera-ready versions due in 10 days."""
    closed_workshop.camera_ready_deadline = timezone.now() + timedelta(days=10)
    closed_workshop.decisions_released = True
    closed_workshop.save()
    return closed_workshop


@pytest.fixture
def accepted(camera_workshop, shared_submission):
    return accept(shared_submission)
