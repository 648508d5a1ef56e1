"""A paper as the search sees it, and the search keys the search tests use."""

from reviews.decisions.search import (
    PaperFacts,
    matches,
    parse,
)

SCORE_KEYS = ("overall_merit", "expertise", "threat_model", "relevance", "reproducibility", "originality")


PAPER = PaperFacts(
    number=14,
    title="Backdoor Poisoning of Malware Détectors",
    abstract="We poison the training data of  learned detectors.\nData poisoning at scale.",
    authors=("Ada Smith <ada@uni.example> Universität Zürich", "Bo Chen <bo@lab.example> Lab Inc"),
    topics=("Data poisoning", "Malware detection"),
    threat_terms=(("goal", "Integrity"), ("knowledge", "White-box"), ("phase", "Training time")),
    reviewers=("Rita Levi <rita@pc.example>", "Sam Oak <sam@pc.example>"),
    scores={"overall_merit": (2.0, 4.0), "expertise": (3.0, 1.0), "threat_model": (3.0,)},
    decision="accept",
    outcome="Accept (poster)",
    decision_known=True,
    status="complete",
    tags=("Shortlist", "needs-shepherd"),
)


OUTCOMES = (("Accept (oral)", "accept"), ("Accept (poster)", "accept"), ("Reject", "reject"))


def found(query: str, paper: PaperFacts = PAPER) -> bool:
    return matches(parse(query, score_keys=SCORE_KEYS, outcomes=OUTCOMES), paper)
