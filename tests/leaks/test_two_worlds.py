"""Leak scenarios: two worlds that differ only in what one persona must not learn.

Each case names the base world, the hidden difference (world b only) and the
persona; the harness (tests/leaks/two_worlds.py) crawls everything that persona
can reach in both worlds and fails on any difference. Known leaks (issue 9) are
strict xfails: when one is fixed its case passes, the strict xfail fails, and
the marker comes off.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest

from reviews.assignments import runs
from reviews.assignments.services import assignment_add
from reviews.models import Assignment, AssignmentRun, Bid, Comment, Review, ReviewField, ReviewStatus
from reviews.reviewing.services import comment_add
from submissions.models import Author, Conflict, Outcome, Submission
from submissions.services.papers import pdf_upload
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from tests.leaks.two_worlds import FROZEN_AT, assert_no_differences, compare_worlds
from tests.submissions import pdf_corpus
from tests.submissions.pdf import papers
from workshop.models import Topic, VocabularyTerm
from workshop.runs import RunState
from workshop.selectors import workshop_current

pytestmark = pytest.mark.django_db(transaction=True)


NOW = FROZEN_AT

# Everyone in the base world, by persona name: full name, email, roles.
PEOPLE = {
    "author": ("Alice Author", "alice@lakeside.example", ()),
    "other_author": ("Oscar Other", "oscar@hillside.example", ()),
    "reviewer": ("Rita Reviewer", "rita@north.example", ("pc",)),  # assigned to #1, submitted
    "second_reviewer": ("Sam Second", "sam@east.example", ("pc",)),  # assigned to #1, submitted
    "pending_reviewer": ("Pat Pending", "pat@south.example", ("pc",)),  # assigned to #1, not submitted
    "unassigned_pc": ("Uma Unassigned", "uma@west.example", ("pc",)),
    "conflicted_pc": ("Cody Conflicted", "cody@lakeside-alumni.example", ("pc",)),  # conflict with #1
    "chair": ("Carol Chair", "carol@chairs.example", ("chair", "pc")),
    "other_chair": ("Dana Deputy", "dana@chairs.example", ("chair", "pc")),
    "conflicted_chair": ("Conrad Conflicted", "conrad@lakeside.example", ("chair", "pc")),  # conflict with #1
    "organizer": ("Olga Organizer", "olga@proceedings.example", ("organizer",)),
}
COAUTHOR = ("Chen Coauthor", "chen@lakeside.example")
STRANGER = ("Bruno Bystander", "bruno@elsewhere.example")

REVIEW = {"overall_merit": "4", "expertise": "3", "threat_model": "3", "relevance": "2", "reproducibility": "2",
          "summary": "Backdoors a malware detector through label flips.", "strengths": "A clear threat model.",
          "weaknesses": "One dataset only.", "comments_for_authors": "Please add a second dataset.",
          "comments_for_pc": "I reviewed an earlier version at another venue.", "questions_for_response": ""}

# Every crawl starts at the home page; the direct URLs of the base world's
# objects are typed in as well, where no page links them for this persona.
START = ["/"]
DIRECT = ["/submissions/", "/pc/", "/pc/bids/", "/chair/submissions/", "/chair/outbox/", "/chair/assignments/auto/",
          "/chair/", "/chair/papers/", "/chair/decisions/release/", "/chair/decisions/release/letters/",
          "/chair/reminders/",
          *[f"/chair/papers/?q={q}" for q in ("dec:none", "dec:accept", "re:rita", "ovemer:>=4", "au:alice",
                                               "%23discuss", "status:complete")],
          *[f"/submissions/{n}/{tail}" for n in (1, 2)
            for tail in ("", "paper.pdf", "pdf/1/", "review/", "review/offline.txt", "response/", "meta-review/",
                         "camera-ready/")],
          "/proceedings/", "/proceedings/order/", "/proceedings/statistics/",
          *[f"/proceedings/export/{kind}" for kind in ("papers.csv", "papers.json", "volume.bib", "ceur.zip")],
          "/program/", "/program/1.pdf", "/program/volume.pdf"]
# Chairs also type in every mail of the outbox (their ids are repeatable in these worlds) and the first
# assignment runs.
CHAIR_DIRECT = [*DIRECT, *[f"/chair/outbox/{uuid.UUID(int=n)}/" for n in range(1, 8)],
                *[f"/chair/assignments/auto/{n}/{tail}" for n in (1, 2) for tail in ("", "proposal.csv")]]
CHAIR_FRAGMENTS = ["/chair/assignments/auto/1/", "/chair/assignments/auto/2/"]


@dataclass(frozen=True)
class Base:
    """The knobs of the base world. A case may set them differently for world b."""

    decisions_released: bool = False
    reviewer_names_to_pc: str = "after_own"
    coauthor: tuple[str, str] = COAUTHOR
    pdf_author: str | None = None  # /Info Author of the uploaded PDF (None: no metadata)
    pdf_signer: str | None = None  # who digitally signed the uploaded PDF, with a visible stamp (None: unsigned)
    chairs_only_field: bool = False  # the review form has a field only chairs may read


def _people() -> dict:
    people = {}
    for key, (name, email, roles) in PEOPLE.items():
        people[key] = UserFactory(full_name=name, email=email, affiliation=email.split("@")[1].split(".")[0])
        for role in roles:
            RoleFactory(user=people[key], name=role)
    return people


def _pdf(author: str | None, signer: str | None = None) -> bytes:
    if signer is not None:
        return papers.signed(signer, f"{signer.split()[0].lower()}@example.org")
    return pdf_corpus.paper() if author is None else pdf_corpus.with_metadata(pdf_corpus.paper(), author=author)


def base_world(options: Base) -> dict:
    """The reviewing phase of a small double-blind workshop, frozen at NOW.

    #1 "Backdooring malware detectors" by Alice Author and Chen Coauthor, PDF
    uploaded before the deadline (receipt in the outbox); Carol (chair) assigned
    Rita, Sam and Pat (three mails); Rita and Sam submitted reviews, Pat has
    not; Rita left a comment. Cody (PC) and Conrad (chair) are conflicted with
    #1. #2 by Oscar Other: registered, no PDF, no reviewers.
    """
    workshop = workshop_current()
    workshop.submission_opens = NOW - timedelta(days=30)
    workshop.abstract_deadline = NOW - timedelta(days=20)
    workshop.paper_deadline = NOW - timedelta(days=15)
    workshop.bidding_closes = NOW - timedelta(days=10)
    workshop.review_deadline = NOW + timedelta(days=10)
    workshop.reviewer_names_to_pc = options.reviewer_names_to_pc
    workshop.save()
    world = _people()
    paper = SubmissionFactory(created_by=world["author"], title="Backdooring malware detectors",
                              authors=[("Alice Author", "alice@lakeside.example"), options.coauthor])
    other = SubmissionFactory(created_by=world["other_author"], title="Certified robustness for URL filters",
                              authors=[("Oscar Other", "oscar@hillside.example")])
    for key in ("conflicted_pc", "conflicted_chair"):
        Conflict.objects.create(submission=paper, user=world[key], reason="institution", source="author")
    pdf_upload(submission=paper, by=world["author"],
                                   data=_pdf(options.pdf_author, options.pdf_signer), filename="paper.pdf",
                                   workshop=workshop,
                                   now=workshop.paper_deadline - timedelta(days=1))
    for key in ("reviewer", "second_reviewer", "pending_reviewer"):
        assignment_add(submission=paper, reviewer=world[key], by=world["chair"])
    for key, merit in (("reviewer", "4"), ("second_reviewer", "2")):
        Review.objects.create(submission=paper, reviewer=world[key], status=ReviewStatus.SUBMITTED,
                              submitted_at=NOW - timedelta(days=1), values={**REVIEW, "overall_merit": merit})
    Comment.objects.create(submission=paper, author=world["reviewer"], body="I lean towards accepting.")
    if options.chairs_only_field:
        ReviewField.objects.create(key="note_to_chairs", label="Note to the chairs", kind="text", required=False,
                                   visibility="chairs", position=len(REVIEW))
        for review in Review.objects.all():
            review.values = {**review.values, "note_to_chairs": f"Only for the chairs, from review {review.pk}."}
            review.save()
    if options.decisions_released:
        workshop.decisions_released = True
        workshop.save()
        poster = Outcome.objects.get(name="Accept (poster)")
        Submission.objects.update(outcome=poster, released_outcome=poster, decision_released_at=NOW)
    world.update(paper=paper, other=other, workshop=workshop)
    return world


@dataclass(frozen=True)
class Worlds:
    """A `build` for the harness: the base world with options `a`; world b
    with `a` changed by `b`, then `change(world)` on top."""

    change: Callable[[dict], object] | None = None
    a: Base = Base()
    b: dict = field(default_factory=dict, hash=False)

    def __call__(self, variant: str) -> dict:
        world = base_world(replace(self.a, **self.b) if variant == "b" else self.a)
        if variant == "b" and self.change is not None:
            self.change(world)
        return world


def worlds(change=None, *, b: dict | None = None, **options) -> Worlds:
    return Worlds(change=change, a=Base(**options), b=b or {})


def assert_same(build: Worlds, persona: str | None) -> None:
    """`persona` gets the same responses in both worlds. World a is the base
    world with `build.a`, so its crawl is shared by every case with those options."""
    chair = persona is not None and "chair" in PEOPLE[persona][2]
    differences = compare_worlds(build, persona=persona, start_urls=START,
                                 extra_urls=CHAIR_DIRECT if chair else DIRECT,
                                 fragment_urls=CHAIR_FRAGMENTS if chair else (), reuse_a=build.a)
    assert_no_differences(differences)


def xfail(item: int, reason: str):
    return pytest.mark.xfail(strict=True, reason=f"issue 9 item {item}: {reason}")


# --- Hidden differences (each runs in world b only) -----------------------------------


def other_coauthor(world):
    Author.objects.filter(submission=world["paper"], position=1).update(name=STRANGER[0], email=STRANGER[1])


def other_review_scores(world):
    review = Review.objects.get(submission=world["paper"], reviewer=world["second_reviewer"])
    review.values = {**review.values, "overall_merit": "5", "summary": "A different reading of the paper."}
    review.save()


def busier_conflicted_paper(world):
    """More activity on #1, written directly (no mail): another reviewer and a
    submitted review from Pat, different scores, another comment."""
    other_review_scores(world)
    Assignment.objects.create(submission=world["paper"], reviewer=world["unassigned_pc"], assigned_by=world["chair"])
    Review.objects.create(submission=world["paper"], reviewer=world["pending_reviewer"], values=REVIEW,
                          status=ReviewStatus.SUBMITTED, submitted_at=NOW - timedelta(hours=2))
    Comment.objects.create(submission=world["paper"], author=world["second_reviewer"], body="Reject: no threat model.")


def chairs_only_comment(world):
    comment_add(submission=world["paper"], by=world["chair"], chairs_only=True,
                body="The authors asked for Conrad to be kept away.", workshop=world["workshop"])


def pc_only_field(world):
    review = Review.objects.get(submission=world["paper"], reviewer=world["reviewer"])
    review.values = {**review.values, "comments_for_pc": "Same group as last year's rejected paper."}
    review.save()


def chairs_only_field_differs(world):
    review = Review.objects.get(submission=world["paper"], reviewer=world["second_reviewer"])
    review.values = {**review.values, "note_to_chairs": "Conflict of interest with Carol? Please check."}
    review.save()


def draft_of_pending_reviewer(world):
    Review.objects.create(submission=world["paper"], reviewer=world["pending_reviewer"], status=ReviewStatus.DRAFT,
                          values={**REVIEW, "overall_merit": "1", "summary": "Draft: probably a reject."})


def _run(world, *, by: str, state=RunState.DONE, reviewer_for_1: str = "pending_reviewer") -> AssignmentRun:
    """An automatic-assignment run by `by`, as the worker leaves it: #1 to Rita
    and `reviewer_for_1`, #2 to Sam."""
    pairs = [{"paper": world["paper"].pk, "reviewer": world[r].pk, "score": score, "text": 0.2, "topic": 0.5,
              "threat": 0.1, "bid": 0.0, "kept": False}
             for r, score in (("reviewer", 0.9), (reviewer_for_1, 0.7))]
    pairs.append({"paper": world["other"].pk, "reviewer": world["second_reviewer"].pk, "score": 0.8, "text": 0.3,
                  "topic": 0.5, "threat": 0.0, "bid": 0.0, "kept": False})
    loads: dict[str, int] = {}
    for pair in pairs:
        loads[str(pair["reviewer"])] = loads.get(str(pair["reviewer"]), 0) + 1
    done = state == RunState.DONE
    return AssignmentRun.objects.create(
        created_by=world[by], params=runs.default_params(world["workshop"]), state=state, total=100,
        done=100 if done else 60, step="Done" if done else "Solving the min-cost flow",
        finished_at=NOW if done else None,
        result={"pairs": pairs, "objective": 2.4, "total": 2.4, "min_paper": 0.8, "seconds": 0.01, "loads": loads}
        if done else {},
    )


def finished_run_of_other_chair(world):
    _run(world, by="other_chair")


def running_run_of_other_chair(world):
    _run(world, by="other_chair", state=RunState.RUNNING)


def others_bids_and_conflicts(world):
    Bid.objects.create(user=world["second_reviewer"], submission=world["other"], preference="eager", expertise=3)
    Conflict.objects.create(submission=world["other"], user=world["pending_reviewer"], reason="advisor", source="pc")


def other_reviewer_wrote_review(world):
    Review.objects.filter(reviewer=world["second_reviewer"]).update(reviewer=world["pending_reviewer"])


def everything_differs(world):
    """What an anonymous visitor must not learn: any of it."""
    other_coauthor(world)
    busier_conflicted_paper(world)
    chairs_only_comment(world)
    SubmissionFactory(created_by=world["other_author"], title="A third paper")
    finished_run_of_other_chair(world)


# --- Cases that hold ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["reviewer", "pending_reviewer", "unassigned_pc", "conflicted_pc"])
def test_double_blind_author_list_hidden_from_pc(persona):
    assert_same(worlds(other_coauthor), persona)


@pytest.mark.parametrize("persona", ["pending_reviewer", "unassigned_pc", "author"])
def test_other_reviews_hidden_before_own_review(persona):
    assert_same(worlds(other_review_scores), persona)


@pytest.mark.parametrize("persona", ["conflicted_pc", "conflicted_chair", "author"])
def test_conflicted_paper_reviews_comments_assignments_hidden(persona):
    assert_same(worlds(busier_conflicted_paper), persona)


@pytest.mark.parametrize("persona", ["reviewer", "second_reviewer", "pending_reviewer", "unassigned_pc"])
def test_chairs_only_comment_hidden_from_pc(persona):
    assert_same(worlds(chairs_only_comment), persona)


@pytest.mark.parametrize("persona", ["author", "other_author"])
def test_pc_only_review_field_hidden_from_authors_after_release(persona):
    assert_same(worlds(pc_only_field, decisions_released=True), persona)


@pytest.mark.parametrize(("persona", "released"), [("reviewer", False), ("author", True)])
def test_chairs_only_review_field_hidden(persona, released):
    assert_same(worlds(chairs_only_field_differs, chairs_only_field=True, decisions_released=released), persona)


@pytest.mark.parametrize("persona", ["reviewer", "second_reviewer", "unassigned_pc", "chair"])
def test_draft_review_hidden(persona):
    assert_same(worlds(draft_of_pending_reviewer), persona)


@pytest.mark.parametrize("change", [finished_run_of_other_chair, running_run_of_other_chair])
def test_other_chairs_assignment_run_hidden(change):
    assert_same(worlds(change), "chair")


def test_anonymous_visitor_learns_nothing():
    assert_same(worlds(everything_differs), None)


@pytest.mark.parametrize("persona", ["reviewer", "unassigned_pc"])
def test_other_pc_members_bids_and_conflicts_hidden(persona):
    assert_same(worlds(others_bids_and_conflicts), persona)


def test_reviewer_identity_hidden_when_reviewer_names_never():
    assert_same(worlds(other_reviewer_wrote_review, reviewer_names_to_pc="never"), "reviewer")


# --- Known leaks (issue 9), fixed in parallel --------------------------------------------


def extra_reviewer_by_mail(world):
    assignment_add(submission=world["paper"], reviewer=world["unassigned_pc"], by=world["chair"])


@pytest.mark.parametrize("build", [
    pytest.param(worlds(extra_reviewer_by_mail), id="extra-assignment-mail"),
    pytest.param(worlds(b={"coauthor": STRANGER}), id="receipt-author-list"),
])
def test_outbox_hides_conflicted_papers_mail(build):
    assert_same(build, "conflicted_chair")


def test_comment_author_hidden_when_reviewer_names_never():
    """Issue 9 item 4. World b differs only in who the commenting reviewer is
    (the same review, the same comment): the discussion labels the comment by
    its review ("Reviewer A"), as HotCRP does, never by a name."""
    def someone_else(world):
        type(world["reviewer"]).objects.filter(pk=world["reviewer"].pk).update(
            full_name="Rhea Renamed", email="rhea@renamed.example")

    assert_same(worlds(someone_else, reviewer_names_to_pc="never"), "second_reviewer")


@pytest.mark.parametrize("url", ["/chair/assignments/auto/1/", "/chair/assignments/auto/1/proposal.csv"])
def test_own_run_hides_paper_chair_became_conflicted_with(url):
    def build(variant):
        world = base_world(Base())
        _run(world, by="chair", reviewer_for_1="pending_reviewer" if variant == "a" else "unassigned_pc")
        Conflict.objects.create(submission=world["paper"], user=world["chair"], reason="other", source="pc")
        return world

    # This URL alone (max_urls=1), so each of the two is struck off when it is fixed.
    assert_no_differences(compare_worlds(build, persona="chair", start_urls=[url], max_urls=1))


JOB_URL = f"/jobs/{uuid.UUID(int=1)}/"


@pytest.mark.parametrize("persona", ["conflicted_chair", "reviewer", "author"])
def test_another_chairs_apply_job_and_its_mails_say_nothing_of_a_conflicted_paper(persona):
    """World b's proposal gives #1 one more reviewer (and drops an unsubmitted one): the job's
    page shows another chair only its share done, and the reviewer's one mail listing their
    papers names #1, so the outbox hides it from who is conflicted with #1."""
    from reviews.assignments.apply import run_apply_start
    from workshop.models import Job

    def build(variant):
        world = base_world(Base())
        run = _run(world, by="other_chair",
                   reviewer_for_1="pending_reviewer" if variant == "a" else "unassigned_pc")
        run_apply_start(run=run, by=world["other_chair"])  # the eager worker runs it on commit
        Job.objects.update(public_id=uuid.UUID(int=1))
        return world

    chair = "chair" in PEOPLE[persona][2]
    assert_no_differences(compare_worlds(build, persona=persona, start_urls=START,
                                         extra_urls=[*(CHAIR_DIRECT if chair else DIRECT), JOB_URL]))


def test_another_chairs_release_job_says_nothing_of_a_conflicted_papers_decision():
    """World b's release also tells #1's decision: the job's page shows the conflicted chair only
    its share done, and its mail batch counts no mail about #1."""
    from reviews.decisions.release import decisions_release_start, release_run
    from reviews.decisions.services import decision_record
    from workshop.models import Job, MailBatch, OutgoingMail

    def build(variant):
        world = base_world(Base())
        poster = Outcome.objects.get(name="Accept (poster)")
        decision_record(submission=world["other"], outcome=poster, by=world["other_chair"])
        if variant == "b":
            decision_record(submission=world["paper"], outcome=poster, by=world["other_chair"])
        job, _ = decisions_release_start(by=world["other_chair"])
        release_run(job.pk)
        Job.objects.update(public_id=uuid.UUID(int=1))
        # The harness numbers new ids in order, so world b's hidden mails would shift the visible ones'.
        for n, mail in enumerate(OutgoingMail.objects.filter(paper_number=world["other"].pk).order_by("recipient")):
            OutgoingMail.objects.filter(pk=mail.pk).update(public_id=uuid.UUID(int=1000 + n))
        MailBatch.objects.filter(pk=job.params["batch"]).update(public_id=uuid.UUID(int=2))
        return world

    assert_no_differences(compare_worlds(build, persona="conflicted_chair", start_urls=START,
                                         extra_urls=[*CHAIR_DIRECT, JOB_URL, f"/chair/mail/{uuid.UUID(int=2)}/",
                                                     f"/chair/outbox/{uuid.UUID(int=1000)}/"]))


def _bulk_job(kind, by, numbers):
    """Another chair's bulk job over `numbers`, done by the (eager) worker."""
    from reviews.decisions.bulk import bulk_decide_start, bulk_run, bulk_tag_start
    from reviews.decisions.compose import authors_message_run, authors_message_start

    papers = list(Submission.objects.filter(pk__in=numbers).prefetch_related("authors", "conflicts"))
    if kind == "tag":
        job, _ = bulk_tag_start(by=by, numbers=numbers, tag="discuss", add=True, back="/chair/papers/")
        bulk_run(job.pk)
    elif kind == "decide":
        job, _ = bulk_decide_start(by=by, numbers=numbers, outcome=Outcome.objects.get(name="Reject"), note="",
                                   change_released=False, back="/chair/papers/")
        bulk_run(job.pk)
    else:
        job, _ = authors_message_start(submissions=papers, subject="About #{number}", body="Dear {authors}", by=by)
        authors_message_run(job.pk)
    return job


@pytest.mark.parametrize("kind", ["tag", "decide", "message"])
def test_another_chairs_bulk_job_says_nothing_of_a_conflicted_paper(kind):
    """World b's job (a bulk tag, a bulk decision, a message to authors) also covers #1: the
    conflicted chair sees the job's share done only, and its mail batch counts no mail about #1."""
    from workshop.models import Job, MailBatch, OutgoingMail

    def build(variant):
        world = base_world(Base())
        numbers = [world["other"].pk] + ([world["paper"].pk] if variant == "b" else [])
        job = _bulk_job(kind, world["other_chair"], numbers)
        Job.objects.update(public_id=uuid.UUID(int=1))
        for n, mail in enumerate(OutgoingMail.objects.filter(paper_number=world["other"].pk).order_by("recipient")):
            OutgoingMail.objects.filter(pk=mail.pk).update(public_id=uuid.UUID(int=1000 + n))
        if "batch" in job.params:
            MailBatch.objects.filter(pk=job.params["batch"]).update(public_id=uuid.UUID(int=2))
        return world

    assert_no_differences(compare_worlds(build, persona="conflicted_chair", start_urls=START,
                                         extra_urls=[*CHAIR_DIRECT, JOB_URL, f"/chair/mail/{uuid.UUID(int=2)}/",
                                                     f"/chair/outbox/{uuid.UUID(int=1000)}/"]))


def other_topic(world):  # #1 has the first topic (pk 1) in world a
    world["paper"].topics.set([Topic.objects.order_by("position")[3]])


def threat_term(world):
    world["paper"].threat_terms.add(VocabularyTerm.objects.get(pk=1))


@pytest.mark.parametrize(("change", "url"), [
    (other_topic, "/chair/submissions/?topic=1"),
    (other_topic, "/chair/submissions.csv?topic=1"),
    (threat_term, "/chair/submissions/?term=1"),
    (threat_term, "/chair/submissions.csv?term=1"),
])
def test_filters_hide_conflicted_papers_topics(change, url):
    assert_no_differences(compare_worlds(worlds(change), persona="conflicted_chair", start_urls=[url], max_urls=1))


@pytest.mark.parametrize("persona", ["reviewer", "unassigned_pc"])
def test_original_pdf_metadata_hidden_from_pc(persona):
    assert_same(worlds(pdf_author="Alice Author", b={"pdf_author": "Bruno Bystander"}), persona)


@pytest.mark.parametrize("persona", ["reviewer", "unassigned_pc"])
def test_pdf_signer_hidden_from_pc(persona):
    # The signature, its certificate and its "Digitally signed by ..." stamp leave the reviewer copy,
    # which is then byte for byte the copy of the unsigned paper.
    assert_same(worlds(pdf_signer="Alice Author", b={"pdf_signer": "Bruno Bystander"}), persona)


def test_late_review_hidden_from_author():
    def late(world):
        Review.objects.filter(reviewer=world["second_reviewer"]).update(is_late=True)

    assert_same(worlds(late, decisions_released=True), "author")


# --- Found by this harness, not in issue 9 ---------------------------------------------


def test_withdrawal_of_conflicted_paper_hidden_from_chair():
    """Found by this harness: /chair/assignments/ listed only papers not withdrawn, so a
    conflicted chair saw their conflicted paper's row vanish when it was withdrawn."""
    def withdrawn(world):  # written directly: the receipt the service sends would show in the outbox (item 1)
        Submission.objects.filter(pk=world["paper"].pk).update(withdrawn_at=NOW - timedelta(days=2))

    assert_same(worlds(withdrawn), "conflicted_chair")


# --- Camera-ready and proceedings (issue 12) -------------------------------------------------


def proceedings_worlds(change, *, program_published: bool = False):
    """Decisions out: #1 rejected, #2 accepted (both released); world b then `change`s."""
    def build(variant):
        world = base_world(Base(decisions_released=True))
        reject = Outcome.objects.get(name="Reject")
        Submission.objects.filter(pk=world["paper"].pk).update(outcome=reject, released_outcome=reject)
        if program_published:
            type(world["workshop"]).objects.update(program_published=True)
        if variant == "b":
            change(world)
        return world
    return build


def accepted_after_all(world):
    accept = Outcome.objects.get(name="Accept (oral)")
    Submission.objects.filter(pk=world["paper"].pk).update(outcome=accept, released_outcome=accept)


def rejected_paper_differs(world):
    """What a rejected paper is about: its title, topic and threat model."""
    other_topic(world)
    threat_term(world)
    new_title(world)


def unreleased_acceptance(world):
    Submission.objects.filter(pk=world["paper"].pk).update(outcome=Outcome.objects.get(name="Accept (oral)"),
                                                          released_outcome=None, decision_released_at=None)


def test_conflicted_chair_cannot_learn_the_decision_from_the_proceedings():
    compare = compare_worlds(proceedings_worlds(accepted_after_all), persona="conflicted_chair", start_urls=START,
                             extra_urls=CHAIR_DIRECT, fragment_urls=CHAIR_FRAGMENTS)
    assert_no_differences(compare)


def test_organizer_learns_nothing_about_rejected_papers():
    assert_no_differences(compare_worlds(proceedings_worlds(rejected_paper_differs), persona="organizer",
                                         start_urls=START, extra_urls=DIRECT))


@pytest.mark.parametrize("persona", [None, "other_author"])
def test_public_program_shows_only_released_acceptances(persona):
    assert_no_differences(compare_worlds(proceedings_worlds(unreleased_acceptance, program_published=True),
                                         persona=persona, start_urls=START, extra_urls=DIRECT))


# --- The harness itself --------------------------------------------------------------------


def test_harness_sees_no_difference_between_identical_worlds():
    assert_same(worlds(), "chair")


def new_title(world):
    Submission.objects.filter(pk=world["paper"].pk).update(title="Backdooring malware detectors, revisited")


def second_paper(world):
    SubmissionFactory(created_by=world["author"], title="My second paper")


@pytest.mark.parametrize(("change", "url", "what", "needle"), [
    (new_title, "GET /submissions/1/", "body",
     '+<span class="muted">#1</span> Backdooring malware detectors, revisited</h1>'),
    (second_paper, "GET /submissions/3/", "reached", "reached in world b only"),
])
def test_harness_reports_what_the_persona_may_see(change, url, what, needle):
    """The harness can fail: the author's own paper differs in world b, and that shows."""
    differences = compare_worlds(worlds(change), persona="author", start_urls=START, extra_urls=DIRECT,
                                 reuse_a=Base())
    matching = [d for d in differences if d.request == url and d.what == what]
    assert len(matching) == 1, [str(d) for d in differences]
    assert needle in matching[0].detail.splitlines()
    with pytest.raises(pytest.fail.Exception, match="revisited|world b only"):
        assert_no_differences(differences)


def test_harness_takes_the_persona_from_build():
    """`build` may return the persona itself instead of a dict."""
    differences = compare_worlds(lambda variant: worlds(new_title)(variant)["author"], persona=None,
                                 start_urls=["/submissions/1/"], max_urls=1)
    assert [(d.request, d.what) for d in differences] == [("GET /submissions/1/", "body")]


# --- Decisions (issue 11) ------------------------------------------------------------------


def decided_unreleased(world):
    """#1 is decided, with a meta-review and a tag, but nothing is released."""
    from reviews.models import MetaReview
    from submissions.models import Tag

    Submission.objects.filter(pk=world["paper"].pk).update(outcome=Outcome.objects.get(name="Reject"))
    MetaReview.objects.create(submission=world["paper"], lead=world["reviewer"], author_text="Sorry.",
                              pc_text="Clear reject.")
    Tag.objects.create(submission=world["paper"], name="discuss")


@pytest.mark.parametrize("persona", ["author", "other_author", "conflicted_pc", "conflicted_chair"])
def test_unreleased_decision_hidden(persona):
    """Before release nothing about a decision reaches the authors, and nothing
    reaches the PC unless the chairs said so: the same pages, searches and files."""
    assert_same(worlds(decided_unreleased), persona)


def released_decision_changed(world):
    """#1 was released as "Accept (poster)"; a chair has since changed it, not released yet."""
    from submissions.models import DecisionChange

    Submission.objects.filter(pk=world["paper"].pk).update(outcome=Outcome.objects.get(name="Reject"))
    DecisionChange.objects.create(submission=world["paper"], by=world["chair"], old="Accept (poster)", new="Reject")


@pytest.mark.parametrize("persona", ["author", "other_author", "organizer", "conflicted_chair"])
def test_a_changed_released_decision_reaches_nobody_before_the_next_release(persona):
    """Issue 18, items 1 and 3: authors keep what the last release told them."""
    assert_same(worlds(released_decision_changed, decisions_released=True), persona)


@pytest.mark.parametrize("persona", ["reviewer", "unassigned_pc"])
def test_unreleased_decision_and_tags_hidden_from_the_pc(persona):
    def decided(world):
        from submissions.models import Tag

        Submission.objects.filter(pk=world["paper"].pk).update(outcome=Outcome.objects.get(name="Reject"))
        Tag.objects.create(submission=world["paper"], name="discuss")

    assert_same(worlds(decided), persona)
