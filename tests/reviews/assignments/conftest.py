"""What the assignment tests share: two PC experts and their papers, run parameters, a PC of n."""

import pytest

from reviews.committee.services import pc_profile_save
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from workshop.models import Topic


def run_params(**changes):
    params = {"mode": "fresh", "k": 1, "min_load": 0, "max_load": 2, "fair": False,
              "weights": {"text": 1.0, "topic": 0.5, "threat": 0.25, "bid": 0.3}}
    params.update(changes)
    return params


@pytest.fixture
def experts(workshop):
    topics = list(Topic.objects.order_by("position"))
    people = {}
    for key, statement, topic in [
        ("poison", "Data poisoning and backdoor attacks on training pipelines; label flipping.", topics[2]),
        ("verify", "Formal verification of neural networks with SMT solvers and abstract interpretation.",
         topics[6]),
    ]:
        person = UserFactory(email=f"{key}@{key}.example", full_name=f"{key.title()} Expert")
        RoleFactory(user=person, name="pc")
        pc_profile_save(user=person, research_statement=statement, recent_papers="", collaborators="",
                        threat_terms=[], topic_levels={topic: 3})
        people[key] = person
    poisoning = SubmissionFactory(title="Backdoors by label flipping",
                                  abstract="A data poisoning attack that flips training labels.")
    poisoning.topics.set([topics[2]])
    verification = SubmissionFactory(title="Verifying robustness with SMT",
                                     abstract="Formal verification of neural networks by abstract interpretation.")
    verification.topics.set([topics[6]])
    return people, poisoning, verification


def pc_of(n: int) -> list:
    people = [UserFactory(email=f"member{i}@pc{i}.example", full_name=f"Member {i:02d}") for i in range(n)]
    for person in people:
        RoleFactory(user=person, name="pc")
    return people


def apply_run(run, by, *, mail="digest"):
    """Apply a proposal as the chair's button does: queue the job, let the (eager) worker
    run it; (added, removed, skipped) as its page tells them."""
    from django.test import TestCase

    from reviews.assignments.apply import run_apply_start

    with TestCase.captureOnCommitCallbacks(execute=True):  # the job starts when the request commits
        job, _ = run_apply_start(run=run, by=by, mail=mail)
    job.refresh_from_db()
    return job.result.get("added"), job.result.get("removed"), job.result.get("skipped"), job
