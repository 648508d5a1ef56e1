"""The jobs that write mails (a message to authors, reviewer reminders, CSV invitations) cost
the same number of queries a batch whatever its size: each renders from what it read once."""

import pytest

from reviews.committee.services import invitations_apply, invitations_batch, invitations_prepare
from reviews.decisions.compose import authors_message_start, message_batch, message_prepare
from reviews.models import Assignment
from reviews.reviewing.reminders import reminders_batch, reminders_prepare, reminders_start
from submissions.models import Outcome, Submission
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from workshop.models import OutgoingMail

pytestmark = pytest.mark.django_db


def _papers(n):
    """`n` decided papers of two authors each (a paper's mail names its outcome: {outcome})."""
    papers = [SubmissionFactory(authors=[(f"A{k}", f"a{k}@x.example"), (f"B{k}", f"b{k}@y.example")])
              for k in range(n)]
    Submission.objects.filter(pk__in=[p.pk for p in papers]).update(outcome=Outcome.objects.get(name="Reject"))
    return papers


@pytest.mark.parametrize("size", [1, 30])
def test_a_message_batch(pc_world, django_assert_max_num_queries, size):
    people, _paper = pc_world
    papers = list(Submission.objects.filter(pk__in=[p.pk for p in _papers(size)]).prefetch_related(
        "authors", "conflicts"))
    job, _ = authors_message_start(submissions=papers, subject="About #{number}", body="Dear {authors}",
                                   by=people["chair"])
    job.total = message_prepare(job)

    with django_assert_max_num_queries(6):
        message_batch(job)

    assert OutgoingMail.objects.filter(kind="author:message").count() == 2 * size == job.result["expected"]


@pytest.mark.parametrize("size", [1, 30])
def test_a_reminders_batch(pc_world, django_assert_max_num_queries, size):
    people, _paper = pc_world
    reviewer = UserFactory()
    RoleFactory(user=reviewer, name="pc")
    Assignment.objects.bulk_create(Assignment(submission=p, reviewer=reviewer) for p in _papers(size))
    job, _ = reminders_start(by=people["chair"])
    job.total = reminders_prepare(job)

    with django_assert_max_num_queries(9):
        reminders_batch(job)

    assert OutgoingMail.objects.filter(kind="pc:reminder").count() == job.total == size + 1  # + pc_world's


@pytest.mark.parametrize("size", [1, 30])
def test_an_invitations_batch(pc_world, django_assert_max_num_queries, size):
    people, _paper = pc_world
    text = "\n".join(f"Person {k},p{k}@uni.example,Uni,pc" for k in range(size))
    job, _ = invitations_apply(text=text, by=people["chair"])
    job.total = invitations_prepare(job)

    with django_assert_max_num_queries(5):
        invitations_batch(job)

    assert OutgoingMail.objects.filter(kind="pc:invitation").count() == size
