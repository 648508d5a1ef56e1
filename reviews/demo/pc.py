"""Demo program-committee work: profiles, bids, assignments, reviews and a
comment, made through the same services the pages use."""

from reviews import services
from reviews.models import Bid, Review
from reviews.selectors import review_fields
from submissions.models import Submission
from submissions.selectors import with_related
from workshop.models import Topic, User, VocabularyTerm

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


def load_demo_pc(workshop) -> None:
    if Review.objects.exists():
        return  # already loaded
    topics = list(Topic.objects.order_by("position"))
    for email, (statement, levels) in PROFILES.items():
        member = User.objects.get(email=email)
        services.pc_profile_save(
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
            services.bid_set(user=people[email], submission=_fresh(paper), preference=preference, expertise=2,
                             workshop=workshop)
    pairs = [("pc2@southgate.example", first), ("pc3@eastwood.example", first),
             ("pc4@westfield.example", second), ("pc2@southgate.example", second)]
    for email, paper in pairs:
        services.assignment_add(submission=_fresh(paper), reviewer=people[email], by=chair)
    fields = review_fields()
    for email, paper, submit in [("pc2@southgate.example", first, True), ("pc3@eastwood.example", first, False),
                                 ("pc4@westfield.example", second, True)]:
        values = REVIEW if submit else {"summary": "Draft: still reading the evaluation."}
        services.review_save(submission=_fresh(paper), by=people[email], values=values, expected_version=0,
                             submit=submit, workshop=workshop, fields=fields)
    services.comment_add(submission=_fresh(first), by=chair, body="Two reviews agree; pc3, your view?",
                         chairs_only=False, workshop=workshop)


def _fresh(paper):
    return with_related(Submission.objects.filter(pk=paper.pk)).get()
