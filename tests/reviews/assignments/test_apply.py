"""Applying a proposal as a job (reviews/assignments/apply.py): bulk writes in bounded batches,
one mail per reviewer listing their papers, a conflict declared meanwhile honoured."""

import pytest
from django.urls import reverse

from reviews.assignments import apply, runs
from reviews.models import Assignment, AssignmentRun, Proposal
from submissions.models import Conflict
from submissions.outbox.selectors import mails_visible_to
from tests.factories import RoleFactory, UserFactory, submissions_in_bulk
from tests.reviews.assignments.conftest import apply_run, pc_of, run_params
from workshop.models import Job, JobKind, MailPaper, OutgoingMail
from workshop.runs import RunState

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(chair, django_capture_on_commit_callbacks):
    """Six papers, three PC members, two reviewers a paper: four new papers each."""
    pc_of(3)
    papers = submissions_in_bulk(6, created_by=UserFactory(), title="Paper {n}")
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params(k=2, max_load=4))
    run.refresh_from_db()
    return run, papers


def test_each_new_reviewer_gets_one_mail_listing_every_paper_even_across_batches(proposal, chair, settings):
    settings.JOB_BATCH = 1  # a batch would end inside a reviewer's papers
    run, papers = proposal

    added, removed, skipped, job = apply_run(run, chair)

    mails = list(OutgoingMail.objects.filter(kind="pc:assignment"))
    reviewers = set(Assignment.objects.values_list("reviewer__email", flat=True))
    assert (added, removed, skipped) == (12, 0, [])
    assert (job.state, job.done, job.total) == (RunState.DONE, 12, 12)
    assert sorted(m.recipient for m in mails) == sorted(reviewers)  # one each
    for mail in mails:
        theirs = sorted(Assignment.objects.filter(reviewer__email=mail.recipient).values_list("submission_id",
                                                                                            flat=True))
        assert f"Please review {len(theirs)} papers for " in mail.subject
        assert [n for n in (p.pk for p in papers) if f"#{n} “Paper" in mail.body] == theirs
        assert sorted(MailPaper.objects.filter(mail=mail).values_list("number", flat=True)) == theirs
    assert AssignmentRun.objects.get(pk=run.pk).proposal == Proposal.APPLIED


def test_no_mail_when_the_chair_says_so(proposal, chair):
    run, _ = proposal

    added, _, _, job = apply_run(run, chair, mail="none")

    assert (added, job.result["mails"], OutgoingMail.objects.filter(kind="pc:assignment").count()) == (12, 0, 0)


def test_a_reviewers_mail_about_several_papers_is_hidden_from_a_chair_conflicted_with_one(proposal, chair):
    run, papers = proposal
    apply_run(run, chair)
    other = UserFactory(full_name="Other Chair")
    RoleFactory(user=other, name="chair")
    Conflict.objects.create(submission=papers[0], user=other, reason="advisor", source="author")
    with_first = {m.pk for m in OutgoingMail.objects.filter(papers__number=papers[0].pk)}

    shown = set(mails_visible_to(user=other).filter(kind="pc:assignment").values_list("pk", flat=True))

    assert with_first and not (with_first & shown)
    assert shown == set(OutgoingMail.objects.filter(kind="pc:assignment").values_list("pk", flat=True)) - with_first


def test_a_conflict_declared_while_the_job_runs_is_honoured(proposal, chair, monkeypatch):
    run, papers = proposal
    first = papers[0]
    pair = next(p for p in runs.stored_pairs(run.result) if p["paper"] == first.pk and p["reviewer"] != chair.pk)
    prepare = apply.apply_prepare

    def prepare_then_conflict(job):
        total = prepare(job)
        Conflict.objects.create(submission=first, user_id=pair["reviewer"], reason="advisor", source="pc")
        return total

    monkeypatch.setattr(apply, "apply_prepare", prepare_then_conflict)

    added, _, skipped, _ = apply_run(run, chair)

    name = Assignment._meta.get_field("reviewer").related_model.objects.get(pk=pair["reviewer"]).full_name
    assert added == 11
    assert not Assignment.objects.filter(submission=first, reviewer_id=pair["reviewer"]).exists()
    assert skipped == [f"#{first.pk} → {name} (changed since the job began)"]


@pytest.mark.parametrize("papers", [2, 40])
def test_a_batch_costs_the_same_queries_whatever_its_size(chair, papers, django_assert_num_queries):
    reviewers = pc_of(4)
    numbers = [p.pk for p in submissions_in_bulk(papers, created_by=UserFactory())]
    pairs = sorted(([n, r.pk] for n in numbers for r in reviewers[:2]), key=lambda p: (p[1], p[0]))
    job = Job.objects.create(kind=JobKind.ASSIGNMENT_APPLY, scope="q", created_by=chair, task="t",
                             state=RunState.RUNNING, total=len(pairs),
                             params={"run": 0, "mail": "digest", "drop": [], "add": pairs},
                             result={"added": 0, "removed": 0, "mails": 0, "skipped": []})
    job = Job.objects.select_related("created_by").get(pk=job.pk)

    with django_assert_num_queries(12):
        done = apply.apply_batch(job)

    assert done == len(pairs) and Assignment.objects.count() == len(pairs)


def test_two_chairs_applying_at_once_start_one_job(client_for, proposal, chair, django_capture_on_commit_callbacks):
    run, _ = proposal
    other = UserFactory(full_name="Other Chair")
    RoleFactory(user=other, name="chair")
    AssignmentRun.objects.filter(pk=run.pk).update(created_by=other)  # both may open it: make it the other's
    first = client_for(other).post(reverse("auto_apply", args=[run.pk]))  # queued, not yet run

    again = client_for(other).post(reverse("auto_apply", args=[run.pk]), follow=True)

    assert Job.objects.filter(kind=JobKind.ASSIGNMENT_APPLY).count() == 1
    assert again.redirect_chain[-1][0] == first.url
    assert "already being applied" in again.content.decode()


def test_the_job_page_shows_counts_to_who_started_it_and_only_the_share_to_another_chair(
        client_for, proposal, chair, pc_member):
    run, _ = proposal
    _, _, _, job = apply_run(run, chair)
    other = UserFactory(full_name="Other Chair")
    RoleFactory(user=other, name="chair")
    url = reverse("job_detail", args=[job.public_id])

    own = client_for(chair).get(url).content.decode()
    theirs = client_for(other).get(url).content.decode()

    assert "Assignment applied: <strong>12</strong> new" in own and "12 of 12 changes" in own
    assert "Assignment applied" not in theirs and "changes" not in theirs
    assert '<progress id="job-bar" max="100" value="100">' in theirs
    assert client_for(pc_member).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302  # to sign in
