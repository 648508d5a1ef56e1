"""Automatic assignment runs: what they propose, store and apply."""

import pytest
from django.urls import reverse

from reviews.assignments import runs
from reviews.models import Assignment, AssignmentRun, Review
from submissions.models import Conflict
from tests.factories import SubmissionFactory
from tests.reviews.assignments.conftest import apply_run, pc_of, run_params
from tests.reviews.conftest import submitted_review
from workshop import policy
from workshop.errors import Refused
from workshop.models import OutgoingMail
from workshop.runs import RunState


@pytest.mark.django_db
def test_run_matches_each_paper_with_its_expert_and_explains_why(experts, chair, django_capture_on_commit_callbacks):
    people, poisoning, verification = experts

    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params())
    run.refresh_from_db()

    pairs = {(p["paper"], p["reviewer"]) for p in runs.stored_pairs(run.result)}
    assert run.state == RunState.DONE
    assert {(poisoning.pk, people["poison"].pk), (verification.pk, people["verify"].pk)} <= pairs
    poison_pair = next(p for p in runs.stored_pairs(run.result) if p["paper"] == poisoning.pk)
    assert poison_pair["topic"] == 1.0 and poison_pair["text"] > 0


@pytest.mark.django_db
def test_run_never_assigns_a_conflict(experts, chair, django_capture_on_commit_callbacks):
    people, poisoning, _ = experts
    Conflict.objects.create(submission=poisoning, user=people["poison"], reason="advisor", source="author")

    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params(k=2, max_load=3))
    run.refresh_from_db()

    pairs = {(p["paper"], p["reviewer"]) for p in runs.stored_pairs(run.result)}
    assert (poisoning.pk, people["poison"].pk) not in pairs


@pytest.mark.django_db
def test_run_that_cannot_be_satisfied_names_the_papers(experts, chair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params(k=4, max_load=5))
    run.refresh_from_db()

    assert run.state == RunState.FAILED
    assert "#" in run.error and "Traceback" not in run.error


@pytest.mark.django_db
def test_apply_adds_the_new_pairs_mails_them_and_keeps_started_reviews(experts, chair,
                                                                        django_capture_on_commit_callbacks):
    people, poisoning, verification = experts
    started = Assignment.objects.create(submission=verification, reviewer=people["poison"])
    submitted_review(verification, people["poison"])
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params(k=2, max_load=2))
    run.refresh_from_db()

    added, removed, skipped, _ = apply_run(run, chair, mail="each")

    assert Assignment.objects.filter(pk=started.pk).exists()
    assert (added, removed, skipped) == (3, 0, [])
    assert OutgoingMail.objects.filter(kind="pc:assignment").count() == 3
    with pytest.raises(Refused):
        apply_run(AssignmentRun.objects.get(pk=run.pk), chair)


@pytest.mark.django_db
def test_conflicted_chair_runs_leave_out_their_conflicts(experts, chair, django_capture_on_commit_callbacks):
    _, poisoning, verification = experts
    Conflict.objects.create(submission=poisoning, user=chair, reason="advisor", source="author")

    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params())
    run.refresh_from_db()

    assert {p["paper"] for p in runs.stored_pairs(run.result)} == {verification.pk}


@pytest.mark.django_db
def test_run_conflicts_are_the_policys_for_every_pair(chair):
    """The run asks the policy only about creators, authors and recorded conflicts:
    the same pairs as asking it about every paper and PC member."""
    creator, by_email, declared, waived, free = pc_of(5)
    papers = [
        SubmissionFactory(created_by=creator),
        SubmissionFactory(authors=[("Someone", "someone@else.example"), ("B", by_email.email.upper())]),
        SubmissionFactory(),
        SubmissionFactory(),
        SubmissionFactory(),
    ]
    Conflict.objects.create(submission=papers[2], user=declared, reason="advisor", source="pc")
    Conflict.objects.create(submission=papers[3], user=waived, reason="advisor", source="author", waived_by=chair)
    Conflict.objects.create(submission=papers[4], user=chair, reason="advisor", source="author")

    inputs = runs._inputs(chair)

    brute = [(i, j) for i, p in enumerate(inputs.papers) for j, u in enumerate(inputs.reviewers)
             if policy.is_conflicted(u, p)]
    assert [p.pk for p in inputs.papers] == [p.pk for p in papers[:4]]  # the chair's conflict is left out
    assert inputs.conflicts == brute
    assert {(inputs.papers[i].pk, inputs.reviewers[j].pk) for i, j in brute} == {
        (papers[0].pk, creator.pk), (papers[1].pk, by_email.pk), (papers[2].pk, declared.pk)}
    assert free not in {inputs.reviewers[j] for _, j in brute}


@pytest.mark.django_db
def test_run_stores_one_short_row_per_pair_and_old_runs_still_read(experts, chair,
                                                                   django_capture_on_commit_callbacks):
    people, poisoning, _ = experts
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params())
    run.refresh_from_db()
    old = {"pairs": [{"paper": poisoning.pk, "reviewer": people["poison"].pk, "score": 0.9, "text": 0.2,
                      "topic": 1.0, "threat": 0.0, "bid": 0.0, "kept": False}]}

    assert run.result["fields"] == list(runs.PAIR_FIELDS)
    assert all(isinstance(row, list) and len(row) == len(runs.PAIR_FIELDS) for row in run.result["pairs"])
    assert runs.stored_pairs(old) == old["pairs"]
    assert runs.stored_pairs({}) == []


def _shown(run) -> list[tuple]:
    return sorted((p["paper"], p["reviewer"], p["kept"]) for p in runs.stored_pairs(run.result))


@pytest.mark.django_db
def test_a_draft_changes_nothing_in_a_run_and_an_applied_run_keeps_it_for_its_writer_only(
    client_for, experts, chair, django_capture_on_commit_callbacks,
):
    """Issue 17, item 14: any review row used to lock its pair ("kept"), so starting and
    discarding runs told a chair who had started which review."""
    people, poisoning, verification = experts
    Assignment.objects.create(submission=verification, reviewer=people["poison"])  # a poor match
    with django_capture_on_commit_callbacks(execute=True):
        without_draft = runs.run_create(by=chair, params=run_params())
    draft = Review.objects.create(submission=verification, reviewer=people["poison"],
                                  draft_values={"summary": "Half-written doubts."})
    with django_capture_on_commit_callbacks(execute=True):
        with_draft = runs.run_create(by=chair, params=run_params())
    without_draft.refresh_from_db()
    with_draft.refresh_from_db()

    added, removed, _, _ = apply_run(with_draft, chair)

    assert _shown(with_draft) == _shown(without_draft)
    assert (verification.pk, people["poison"].pk, False) not in _shown(with_draft)
    assert (added, removed) == (2, 1)
    assert Review.objects.get(pk=draft.pk).draft_values == {"summary": "Half-written doubts."}
    form_url = reverse("review_edit", args=[verification.pk])
    assert client_for(people["poison"]).get(form_url).status_code == 404
    assert "Half-written doubts." not in client_for(people["verify"]).get(form_url).content.decode()
    assert "Half-written doubts." not in client_for(chair).get(
        reverse("submission_detail", args=[verification.pk])).content.decode()


@pytest.mark.django_db
def test_a_submitted_review_keeps_its_pair_in_a_fresh_run(experts, chair, django_capture_on_commit_callbacks):
    people, _, verification = experts
    Assignment.objects.create(submission=verification, reviewer=people["poison"])
    submitted_review(verification, people["poison"])

    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params())
    run.refresh_from_db()

    assert (verification.pk, people["poison"].pk, True) in _shown(run)


@pytest.mark.django_db
def test_an_ensure_run_when_every_paper_has_its_reviewers_proposes_nothing(experts, chair,
                                                                            django_capture_on_commit_callbacks):
    """The solver's minimum over no paper is NaN, which PostgreSQL refused in the stored JSON:
    the run failed with a database error instead of saying there is nothing to add."""
    people, poisoning, verification = experts
    Assignment.objects.create(submission=poisoning, reviewer=people["poison"])
    Assignment.objects.create(submission=verification, reviewer=people["verify"])

    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params(mode="ensure", k=1))
    run.refresh_from_db()

    assert run.state == RunState.DONE
    assert run.result["min_paper"] is None
    assert all(pair["kept"] for pair in runs.stored_pairs(run.result))


@pytest.mark.django_db
def test_a_run_that_breaks_says_so_instead_of_working_forever(experts, chair, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(runs, "_affinity", broken)

    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params())
    run.refresh_from_db()

    assert run.state == RunState.FAILED
    assert run.error.startswith("The computation stopped on an error (RuntimeError); nothing was changed.")
