"""Issue 18, item 3: a changed released decision is released as a change, with its own letter, and
chairs can read every letter of the batch."""


import pytest
from django.urls import reverse

from reviews.decisions.pending import release_letters, release_summary
from reviews.decisions.services import decision_record
from reviews.models import MetaReview
from submissions.models import Outcome, Submission
from submissions.selectors import with_related
from tests.factories import SubmissionFactory
from tests.reviews.conftest import release_now
from workshop.errors import Refused
from workshop.models import Job, MailStatus, OutgoingMail

pytestmark = pytest.mark.django_db


def _outcome(name):
    return Outcome.objects.get(name=name)


@pytest.fixture
def changed(pc_world):
    """#paper released as Accept (poster), then changed to Reject; `fresh` decided for the first time."""
    people, paper = pc_world
    decision_record(submission=paper, outcome=_outcome("Accept (poster)"), by=people["chair"])
    release_now(by=people["chair"])
    decision_record(submission=Submission.objects.get(pk=paper.pk), outcome=_outcome("Reject"), by=people["chair"],
                    change_released=True, note="Flaw found in the proof")
    fresh = SubmissionFactory(title="A first decision", authors=[("Fay First", "fay@first.example")])
    decision_record(submission=fresh, outcome=_outcome("Accept (oral)"), by=people["chair"])
    OutgoingMail.objects.all().delete()
    return people, Submission.objects.get(pk=paper.pk), fresh


def test_the_release_page_shows_changed_decisions_apart_with_from_to_who_and_when(client_for, changed):
    people, paper, fresh = changed

    page = client_for(people["chair"]).get(reverse("release")).content.decode()

    changed_part, first = page.split("Changed since release", 1)[1].split("First decisions", 1)
    assert f"<td>#{fresh.pk}</td><td>A first decision</td><td>Accept (oral)</td>" in first
    assert f"#{paper.pk}</td>" not in first
    assert (f"<td>#{paper.pk}</td><td>{paper.title}</td><td>Accept (poster)</td><td><strong>Reject</strong></td>"
            f"<td>{people['chair'].full_name}</td>") in changed_part
    assert "Release 2 decisions (1 changed since the last release) and send 3 mails." in page


def test_a_changed_decision_gets_a_letter_that_says_it_changed(changed):
    people, paper, fresh = changed

    release_now(by=people["chair"])

    changed_mails = list(OutgoingMail.objects.filter(kind="decision:changed").order_by("recipient"))
    first_mails = list(OutgoingMail.objects.filter(kind="decision:notification"))
    assert [m.recipient for m in changed_mails] == sorted([people["author"].email, people["coauthor"].email])
    assert changed_mails[0].subject == f"[MLSec] The decision on #{paper.pk} has changed: Reject"
    assert "it was Accept (poster) and is now Reject" in changed_mails[0].body
    assert [m.recipient for m in first_mails] == ["fay@first.example"]
    paper = Submission.objects.get(pk=paper.pk)
    assert paper.released_outcome.name == "Reject"


def test_the_second_release_finds_nothing_and_the_authors_see_the_new_decision(client_for, changed):
    people, paper, _fresh = changed
    release_now(by=people["chair"])

    page = client_for(people["chair"]).get(reverse("release")).content.decode()
    author = client_for(people["author"]).get(reverse("submissions_dashboard")).content.decode()

    assert "Nothing to release" in page
    assert "Reject" in author and "Accept (poster)" not in author


def test_every_letter_of_the_batch_can_be_read_page_by_page(client_for, changed):
    people, paper, _fresh = changed
    for n in range(30):
        decision_record(submission=SubmissionFactory(title=f"Bulk paper {n}", authors=[(f"A{n}", f"a{n}@x.example")]),
                        outcome=_outcome("Reject"), by=people["chair"])
    client = client_for(people["chair"])

    first = client.get(reverse("release_letters")).content.decode()
    second = client.get(reverse("release_letters"), {"page": 2}).content.decode()

    assert "Letters of the next release <span class=\"muted\">(33)</span>" in first
    assert first.count('class="card letter"') == 25 and second.count('class="card letter"') == 8
    assert f"The decision on #{paper.pk} has changed: Reject" in first  # the changed letters come with the rest
    assert "Page 2 of 2, 33 letters" in second


def test_release_letters_are_exactly_what_is_sent(changed):
    people, _paper, _fresh = changed

    letters = {(to, subject, body) for to, subject, body, _ in release_letters(by=people["chair"], start=0,
                                                                               count=100)}
    release_now(by=people["chair"])

    assert letters == {(m.recipient, m.subject, m.body) for m in OutgoingMail.objects.all()}
    assert len(letters) == 3


def test_a_cleared_released_decision_is_shown_and_sends_nothing(client_for, pc_world):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_outcome("Accept (poster)"), by=people["chair"])
    release_now(by=people["chair"])
    decision_record(submission=Submission.objects.get(pk=paper.pk), outcome=None, by=people["chair"],
                    change_released=True)

    page = client_for(people["chair"]).get(reverse("release")).content.decode()

    assert "Cleared since release" in page and "authors see <strong>Accept (poster)</strong>" in page
    assert "Nothing to release" in page


def _fresh(paper):
    return with_related(Submission.objects.filter(pk=paper.pk)).get()


def _accept():
    return Outcome.objects.get(name="Accept (poster)")


@pytest.mark.django_db
def test_release_mails_each_author_once_with_reviews_but_no_names_or_pc_text(pc_world,
                                                                            django_capture_on_commit_callbacks):
    people, paper = pc_world
    MetaReview.objects.create(submission=paper, author_text="Meta for the authors.", pc_text="Meta for the PC.")
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])

    with django_capture_on_commit_callbacks(execute=True):
        batch = release_now(by=people["chair"])

    mails = list(OutgoingMail.objects.filter(kind="decision:notification").order_by("recipient"))
    assert [m.recipient for m in mails] == sorted([people["author"].email, people["coauthor"].email])
    assert all(m.batch_id == batch.pk and m.status == MailStatus.SENT for m in mails)
    body = mails[0].body
    assert "Poisons detectors." in body and "Meta for the authors." in body and "Accept (poster)" in body
    for secret in ("Secret note", "Meta for the PC.", people["reviewer_after"].full_name,
                   people["reviewer_after"].email):
        assert secret not in body
    assert mails[0].subject.startswith("[MLSec] #")


@pytest.mark.django_db
def test_release_twice_sends_nothing_new_and_later_decisions_go_separately(pc_world):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    release_now(by=people["chair"])

    with pytest.raises(Refused) as nothing_new:
        release_now(by=people["chair"])
    later = SubmissionFactory(authors=[("Lena Later", "lena@later.example")])
    decision_record(submission=_fresh(later), outcome=Outcome.objects.get(name="Reject"), by=people["chair"])
    release_now(by=people["chair"])

    assert nothing_new.value.message.startswith("Nothing new to release")
    assert list(OutgoingMail.objects.filter(kind="decision:notification").values_list("paper_number", flat=True)
                .order_by("paper_number")) == [paper.pk, paper.pk, later.pk]


@pytest.mark.django_db
def test_release_by_a_conflicted_chair_leaves_that_paper_for_another(pc_world):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])

    plan = release_summary(by=people["conflicted_chair"])

    assert plan.papers == 0 and plan.mails == 0 and plan.page.object_list == []
    with pytest.raises(Refused):
        release_now(by=people["conflicted_chair"])


@pytest.mark.django_db
def test_release_page_previews_the_exact_mail_and_count_then_shows_progress(client_for, pc_world,
                                                                           django_capture_on_commit_callbacks):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    client = client_for(people["chair"])

    preview = client.get(reverse("release")).content.decode()
    unconfirmed = client.post(reverse("release"), follow=True).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("release"), {"confirm": "yes"}, follow=True)
    job_url = queued.redirect_chain[-1][0]
    job_page = client.get(job_url).content.decode()
    progress_url = reverse("mail_batch", args=[Job.objects.get().result["batch"]])
    finished = client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()

    assert "sends <strong>2 mails</strong>" in preview and "Poisons detectors." in preview
    assert "tick the box" in unconfirmed
    assert "Waiting for a worker" in queued.content.decode()  # the request only queued the job
    assert "Released <strong>1</strong> decision: <strong>2</strong> mails to their authors." in job_page
    assert f'href="{progress_url}"' in job_page
    assert "<strong>2</strong> sent · <strong>0</strong> queued · <strong>0</strong> failed, of 2." in finished
    assert "hx-trigger" not in finished  # the polling stops when everything went out
    # any chair may watch a chairs' batch (issue 18), but no mail about a paper they are conflicted with counts
    conflicted = client_for(people["conflicted_chair"]).get(progress_url).content.decode()
    assert "failed, of 0." in conflicted and "Decisions on" not in conflicted and paper.title not in conflicted


@pytest.mark.django_db
def test_after_release_the_author_sees_the_outcome_and_reviews_without_names(client_for, pc_world):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    release_now(by=people["chair"])

    page = client_for(people["author"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    dashboard = client_for(people["author"]).get(reverse("submissions_dashboard")).content.decode()

    assert "Accept (poster)</span>" in page and "Accept (poster)</span>" in dashboard
    assert "Poisons detectors." in page
    assert people["reviewer_after"].full_name not in page and "Secret note" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["chair", "conflicted_chair"])
def test_what_a_release_covers_in_sql_agrees_with_the_policy_predicates(pc_world, name):
    """`releasable` is the policy's can_decide and decision_pending written as SQL."""
    from reviews.decisions.pending import releasable
    from workshop import policy

    people, paper = pc_world
    other = SubmissionFactory(title="Decided, released, then changed")
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    decision_record(submission=other, outcome=_accept(), by=people["chair"])
    release_now(by=people["chair"])
    decision_record(submission=Submission.objects.get(pk=other.pk), outcome=Outcome.objects.get(name="Reject"),
                    by=people["chair"], change_released=True)
    third = SubmissionFactory(title="Decided, never released")
    decision_record(submission=third, outcome=_accept(), by=people["chair"])

    quick = set(releasable(people[name]).values_list("pk", flat=True))

    assert quick == {p.pk for p in with_related(Submission.objects.all()) if p.outcome_id
                     and policy.can_decide(people[name], p) and policy.decision_pending(p)}
    assert quick == {other.pk, third.pk}


def _decided(n, outcome="Reject", *, with_meta=True):
    """`n` more decided papers, each with two authors, a submitted review and a meta-review."""
    from tests.factories import UserFactory
    from tests.reviews.conftest import submitted_review

    reviewer = UserFactory()
    for k in range(n):
        paper = SubmissionFactory(title=f"Paper {k}",
                                  authors=[(f"A{k}", f"a{k}@x.example"), (f"B{k}", f"b{k}@y.example")])
        submitted_review(paper, reviewer)
        if with_meta:
            MetaReview.objects.create(submission=paper, author_text=f"Summary {k}")
        Submission.objects.filter(pk=paper.pk).update(outcome=_outcome(outcome))


@pytest.mark.parametrize("extra", [1, 101])
def test_the_release_page_costs_the_same_queries_at_one_paper_and_at_a_page_and_one(client_for, changed,
                                                                                  django_assert_max_num_queries,
                                                                                  extra):
    people, _paper, _fresh = changed
    _decided(extra)
    client = client_for(people["chair"])
    client.get(reverse("release"))  # the session and the workshop read once

    with django_assert_max_num_queries(20):
        page = client.get(reverse("release")).content.decode()

    assert f"Release {extra + 2} decisions (1 changed since the last release)" in page
    assert f"send {2 * extra + 3} mails" in page
    assert page.count("<tr><td>#") == min(extra + 2, 100)


def test_the_release_page_counts_by_outcome(client_for, changed):
    people, _paper, _fresh = changed
    _decided(3, "Accept (poster)")

    page = client_for(people["chair"]).get(reverse("release")).content.decode()

    assert '<th scope="row">Accept (poster)</th><td>3</td><td>0</td><td>6</td>' in page
    assert '<th scope="row">Reject</th><td>0</td><td>1</td><td>2</td>' in page
    assert '<th scope="row">All</th><td>4</td><td>1</td><td>9</td>' in page


@pytest.mark.parametrize("extra", [1, 60])
def test_a_page_of_letters_costs_the_same_queries_at_any_size(client_for, changed, django_assert_max_num_queries,
                                                              extra):
    people, _paper, _fresh = changed
    _decided(extra)
    client = client_for(people["chair"])
    client.get(reverse("release_letters"))

    with django_assert_max_num_queries(13):  # 12, and the decision-changed text where a page has that letter
        page = client.get(reverse("release_letters"), {"page": 2 if extra > 20 else 1}).content.decode()

    assert page.count('class="card letter"') == (25 if extra > 20 else 2 * extra + 3)


@pytest.mark.parametrize("extra", [1, 40])
def test_a_release_batch_costs_the_same_queries_at_any_size(changed, settings, django_assert_max_num_queries, extra):
    """Each batch renders its letters from what it read once: no query per paper or per mail."""
    from reviews.decisions.release import decisions_release_start, release_batch, release_prepare

    people, _paper, _fresh = changed
    _decided(extra)
    settings.JOB_BATCH = 500
    job, _ = decisions_release_start(by=people["chair"])
    job.total = release_prepare(job)

    with django_assert_max_num_queries(12):
        done = release_batch(job)

    assert done == extra + 2 and job.result["mails"] == 2 * extra + 3
    assert OutgoingMail.objects.filter(body__contains="Summary 0").count() == 2
