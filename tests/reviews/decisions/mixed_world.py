"""A workshop with a bit of everything the chair pages count (withdrawn, complete and
registered papers, decisions, released ones, tags, reviews on time and late, drafts, odd
answers, a reviewer off the PC, a review nobody assigned), and a second chair conflicted
with some of its papers (by declared conflicts, one waived, and by authorship)."""

import random
from datetime import timedelta

from django.utils import timezone

from reviews.models import Assignment, Review, ReviewStatus
from submissions.models import Author, Conflict, Outcome, Submission, Tag
from tests.factories import PdfVersionFactory, RoleFactory, SubmissionFactory, UserFactory

ANSWERS = ["1", "2", "3", "4", "5", "3.5", "n/a", "", None, 4]  # None: the answer is missing


def mixed_world(chair, *, papers: int = 24, seed: int = 7) -> dict:
    """{"papers": [...], "conflicted_chair": User, "members": [...]} over `papers` papers."""
    rng = random.Random(seed)
    now = timezone.now()
    other_chair = UserFactory(email="other.chair@chairs.example", full_name="Other Chair")
    RoleFactory(user=other_chair, name="chair")
    members = [UserFactory(email=f"m{i}@pc.example", full_name=f"Member {i % 3}") for i in range(5)]
    for member in members:
        RoleFactory(user=member, name="pc")
    outsider = UserFactory(email="outsider@nowhere.example", full_name="Not On The PC")
    outcomes = list(Outcome.objects.all())
    created = []
    for n in range(papers):
        paper = SubmissionFactory(title=rng.choice(["Backdoors", "backdoors", "Évasion", "Zebra", "alpha"]) + f" {n}")
        outcome = rng.choice([None, None, *outcomes])
        released = outcome is not None and rng.random() < 0.4
        Submission.objects.filter(pk=paper.pk).update(
            withdrawn_at=now if rng.random() < 0.15 else None, outcome=outcome,
            released_outcome=rng.choice([outcome, outcomes[0]]) if released else None,
            decision_released_at=now - timedelta(days=1) if released else None)
        if rng.random() < 0.4:
            PdfVersionFactory(submission=paper)
        if rng.random() < 0.2:
            Tag.objects.create(submission=paper, name=rng.choice(["discuss", "urgent"]))
        reviewers = rng.sample([*members, outsider], rng.randint(0, 4))
        for reviewer in reviewers:
            Assignment.objects.create(submission=paper, reviewer=reviewer)
            roll = rng.random()
            if roll < 0.6:
                values = {key: answer for key in ("overall_merit", "expertise", "threat_model")
                          if (answer := rng.choice(ANSWERS)) is not None}
                Review.objects.create(submission=paper, reviewer=reviewer, status=ReviewStatus.SUBMITTED,
                                      values=values, is_late=rng.random() < 0.3,
                                      submitted_at=now - timedelta(days=rng.randint(0, 4), hours=rng.randint(0, 23)))
            elif roll < 0.75:
                Review.objects.create(submission=paper, reviewer=reviewer, values={"overall_merit": "5"})
        created.append(paper)
    # A review by someone not assigned (assignments removed since), and the conflicted chair's papers.
    Review.objects.create(submission=created[1], reviewer=members[4], status=ReviewStatus.SUBMITTED,
                          values={"overall_merit": "2", "expertise": "0"}, submitted_at=now)
    for paper in created[::5]:
        Conflict.objects.create(submission=paper, user=other_chair, reason="advisor", source="author")
    Conflict.objects.create(submission=created[3], user=other_chair, reason="other", source="chair",
                            waived_by=chair)
    Author.objects.create(submission=created[7], position=5, name="Other Chair", email="OTHER.chair@chairs.example")
    return {"papers": created, "conflicted_chair": other_chair, "members": members, "outsider": outsider}
