"""Demo program-committee work: profiles, bids, assignments, reviews and a
comment, made through the same services the pages use."""

from datetime import timedelta

from django.utils import timezone

from reviews.assignments.services import assignment_add
from reviews.committee.services import bid_set, pc_profile_save
from reviews.decisions.release import decisions_release_start, release_run
from reviews.decisions.services import decision_record
from reviews.discussion.services import lead_set, meta_review_save, response_save
from reviews.models import Bid, Review
from reviews.reviewing.selectors import review_fields
from reviews.reviewing.services import comment_add, review_save
from submissions.models import Outcome, Submission
from submissions.selectors import with_related
from workshop.models import Topic, User, VocabularyTerm
from workshop.selectors import workshop_current

PROFILES = {
    "pc1@northbridge.example": ("I study data poisoning and backdoors in learned detectors.", {2: 3, 0: 2}),
    "pc2@southgate.example": ("Adversarial examples and certified robustness for classifiers.", {3: 3, 6: 2, 2: 1}),
    "pc3@eastwood.example": ("Privacy attacks on ML: membership inference, model stealing.", {4: 3, 8: 1}),
    "pc4@westfield.example": ("Formal verification of neural networks and robustness proofs.", {6: 3, 5: 3}),
}

REVIEW = {"overall_merit": "4", "expertise": "3", "threat_model": "3", "relevance": "3", "reproducibility": "2",
          "summary": "The paper shows that flipping a tiny fraction of crowd-sourced labels plants a backdoor.",
          "strengths": "- Realistic gray-box attacker\n- Evaluated against retraining",
          "weaknesses": "- One malware family only", "comments_for_authors": "Please add a defense baseline.",
          "comments_for_pc": "Solid workshop paper.", "questions_for_response": "How many labels per day?"}


# Early decisions (released with #1): (title, outcome, session)
EARLY_ACCEPTS = [
    ("Provable Defenses Against Patch Attacks on Malware Images", "Accept (oral)", "Robustness"),
    ("Fuzzing Tokenizers: Memory Bugs in ML Preprocessing Pipelines", "Accept (oral)", "Systems"),
    ("Membership Inference Against Federated Intrusion Detectors", "Accept (poster)", "Privacy"),
]


def load_demo_pc(workshop) -> None:
    if Review.objects.exists():
        return  # already loaded
    topics = list(Topic.objects.order_by("position"))
    for email, (statement, levels) in PROFILES.items():
        member = User.objects.get(email=email)
        pc_profile_save(
            user=member, research_statement=statement, recent_papers="", collaborators="",
            threat_terms=list(VocabularyTerm.objects.filter(kind="phase")[:2]),
            topic_levels={topics[i]: level for i, level in levels.items()},
        )
    first, second, third = Submission.objects.order_by("pk")[:3]
    chair = User.objects.get(email="chair@example.org")
    people = {e: User.objects.get(email=e) for e in PROFILES}
    bids = [("pc2@southgate.example", first, "eager"), ("pc3@eastwood.example", first, "willing"),
            ("pc4@westfield.example", second, "eager"), ("pc2@southgate.example", second, "willing"),
            ("pc3@eastwood.example", third, "eager"), ("pc1@northbridge.example", second, "not_willing")]
    for email, paper, preference in bids:
        if not Bid.objects.filter(user=people[email], submission=paper).exists():
            bid_set(user=people[email], submission=_fresh(paper), preference=preference, expertise=2,
                    workshop=workshop)
    pairs = [("pc2@southgate.example", first), ("pc3@eastwood.example", first),
             ("pc4@westfield.example", second), ("pc2@southgate.example", second)]
    for email, paper in pairs:
        assignment_add(submission=_fresh(paper), reviewer=people[email], by=chair)
    fields = review_fields()
    for email, paper, submit in [("pc2@southgate.example", first, True), ("pc3@eastwood.example", first, False),
                                 ("pc4@westfield.example", second, True)]:
        values = REVIEW if submit else {"summary": "Draft: still reading the evaluation."}
        review_save(submission=_fresh(paper), by=people[email], values=values, expected_version=0,
                    submit=submit, workshop=workshop, fields=fields)
    comment_add(submission=_fresh(first), by=chair, body="Two reviews agree; pc3, your view?",
                chairs_only=False, workshop=workshop)
    _more_reviews(workshop, chair, people, fields)


# For the papers of the other groups: (paper index, reviewer, overall merit or None = not submitted yet).
MORE_REVIEWS = [
    (3, "pc3@eastwood.example", "4"), (3, "pc1@northbridge.example", "3"), (3, "pc4@westfield.example", "4"),
    (4, "pc2@southgate.example", "3"), (4, "pc3@eastwood.example", "2"), (4, "pc1@northbridge.example", None),
    (5, "pc4@westfield.example", "5"), (5, "pc2@southgate.example", "4"), (5, "pc1@northbridge.example", "4"),
    (6, "pc1@northbridge.example", "2"), (6, "pc4@westfield.example", "1"), (6, "pc3@eastwood.example", "2"),
    (7, "pc3@eastwood.example", "4"), (7, "pc1@northbridge.example", "5"), (7, "pc2@southgate.example", None),
    (8, "pc1@northbridge.example", "5"), (8, "pc2@southgate.example", "4"), (8, "pc4@westfield.example", "3"),
    (9, "pc2@southgate.example", "3"), (9, "pc4@westfield.example", "2"), (9, "pc3@eastwood.example", "5"),
    (10, "pc4@westfield.example", "3"), (10, "pc3@eastwood.example", "3"), (10, "pc1@northbridge.example", None),
    (11, "pc3@eastwood.example", "4"), (11, "pc1@northbridge.example", "4"), (11, "pc4@westfield.example", "3"),
    (12, "pc3@eastwood.example", "2"), (12, "pc2@southgate.example", "3"), (12, "pc4@westfield.example", "3"),
]
_WORDS = {"1": "Strong reject", "2": "Weak reject", "3": "Borderline", "4": "Weak accept", "5": "Strong accept"}


def _more_reviews(workshop, chair, people, fields) -> None:
    papers = list(Submission.objects.order_by("pk"))
    for index, (paper_index, email, merit) in enumerate(MORE_REVIEWS):
        paper = _fresh(papers[paper_index])
        assignment_add(submission=paper, reviewer=people[email], by=chair)
        if merit is None:
            continue
        values = {**REVIEW, "overall_merit": merit, "expertise": str(2 + index % 3),
                  "threat_model": str(1 + index % 4), "reproducibility": str(1 + index % 3),
                  "summary": f"{_WORDS[merit]}: {paper.title}.", "comments_for_pc": f"My score: {merit}."}
        review = review_save(submission=_fresh(paper), by=people[email], values=values,
                             expected_version=0, submit=True, workshop=workshop, fields=fields)
        # Spread the submissions over the last days, so the completion plot has a shape.
        Review.objects.filter(pk=review.pk).update(submitted_at=timezone.now() - timedelta(days=12 - index // 3))


def load_demo_decisions(workshop) -> None:
    """Five decided papers: four accepts released (#1 with a meta-review; one changed since, from
    poster to oral, not released yet), a reject not yet released, and an author response on it."""
    if Submission.objects.filter(outcome__isnull=False).exists():
        return
    first, second = (_fresh(p) for p in Submission.objects.order_by("pk")[:2])
    chair = User.objects.get(email="chair@example.org")
    lead = User.objects.get(email="pc2@southgate.example")
    lead_set(submission=first, lead=lead, by=chair)
    meta_review_save(submission=first, by=lead, pc_text="We agree it is in scope and sound.",
                     author_text="The PC liked the realistic attacker; please add a defense baseline.")
    decision_record(submission=first, outcome=Outcome.objects.get(name="Accept (poster)"), by=chair,
                    note="Unanimous after discussion.")
    for title, outcome, _session in EARLY_ACCEPTS:
        decision_record(submission=_fresh(Submission.objects.get(title=title)),
                        outcome=Outcome.objects.get(name=outcome), by=chair)
    release_run(decisions_release_start(by=chair)[0].pk)  # now: the story goes on from the released state
    decision_record(submission=_fresh(second), outcome=Outcome.objects.get(name="Reject"), by=chair,
                    note="Out of scope for this year.")
    # A released decision changed since: its authors still see "Accept (poster)" until the next release.
    decision_record(submission=_fresh(Submission.objects.get(title=EARLY_ACCEPTS[2][0])),
                    outcome=Outcome.objects.get(name="Accept (oral)"), by=chair, change_released=True,
                    note="Moved to an oral slot: a talk was withdrawn.")
    author = User.objects.get(email="author@lakeside.example")
    response_save(submission=_fresh(second), by=author, workshop=workshop_current(),
                  text="Thank you for the reviews. The certified radius holds for all edit operations; "
                       "we will make the proof in Section 4 self-contained.")


def _fresh(paper):
    return with_related(Submission.objects.filter(pk=paper.pk)).get()
