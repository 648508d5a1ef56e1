"""Demo papers with real PDFs, rendered by WeasyPrint, so the first run shows
complete and registered submissions."""

import secrets

from submissions.models import Submission
from submissions.services.papers import AuthorEntry, SubmissionData, pdf_upload, submission_create
from workshop.models import Topic, User, VocabularyTerm

PAPERS = [
    {
        "title": "Label-Flipping Backdoors in Crowd-Sourced Malware Detectors",
        "abstract": "We show that flipping $0.5\\%$ of crowd-sourced labels plants a backdoor in "
                    "gradient-boosted malware detectors that survives retraining.",
        "attack_model": "A gray-box attacker contributes labels to a public feed used for training.",
        "security": "Malware carrying the trigger evades detection at deployment.",
        "topic": 2, "terms": {"phase": 0, "goal": 0, "knowledge": 1, "domain": 4, "contribution": 0},
        "pdf": True,
    },
    {
        "title": "Certified Robustness for URL Classifiers under Character Edits",
        "abstract": "We certify phishing-URL classifiers against bounded character edits with "
                    "randomised smoothing over edit operations.",
        "attack_model": "A black-box attacker edits up to $k$ characters of a malicious URL.",
        "security": "Certified bounds stop phishing URLs from slipping past filters.",
        "topic": 6, "terms": {"phase": 1, "goal": 4, "knowledge": 2, "domain": 2, "contribution": 1},
        "pdf": True,
    },
    {
        "title": "Stealing Spam Filters Through Their Bounce Messages",
        "abstract": "Bounce messages leak enough of a spam filter's decisions to extract a "
                    "functionally equivalent copy with 20k queries.",
        "attack_model": "A black-box attacker sends mail and reads bounces.",
        "security": "A stolen filter lets spammers test evasions offline.",
        "topic": 4, "terms": {"phase": 2, "goal": 3, "knowledge": 2, "domain": 0, "contribution": 0},
        "pdf": False,
    },
]


# More papers by other groups, so the paper table, search and plots have something to show:
# (title, abstract, topic index, threat terms, author email).
MORE_PAPERS = [
    ("Membership Inference Against Federated Intrusion Detectors",
     "Shared gradient updates reveal whether a host's traffic trained a federated detector.", 0,
     {"phase": 3, "goal": 2, "knowledge": 1, "domain": 3, "contribution": 0}, "bea@harbor.example"),
    ("A Threat Model for LLM-Assisted Phishing Triage",
     "We define attacker goals and capabilities against language models that sort reported phishing mail.", 1,
     {"phase": 1, "goal": 4, "knowledge": 2, "domain": 2, "contribution": 5}, "kai@ridge.example"),
    ("Provable Defenses Against Patch Attacks on Malware Images",
     "Derandomized smoothing certifies malware-image classifiers against byte patches of bounded size.", 6,
     {"phase": 1, "goal": 4, "knowledge": 0, "domain": 4, "contribution": 2}, "lin@meadow.example"),
    ("Fuzzing Tokenizers: Memory Bugs in ML Preprocessing Pipelines",
     "Coverage-guided fuzzing of tokenizers used before text classifiers finds 14 memory-safety bugs.", 7,
     {"phase": 4, "goal": 1, "knowledge": 0, "domain": 6, "contribution": 6}, "kai@ridge.example"),
    ("Query-Efficient Extraction of Fraud Detection Models",
     "A black-box attacker copies a bank's fraud model with $10^4$ queries by exploiting score rounding.", 4,
     {"phase": 2, "goal": 3, "knowledge": 2, "domain": 5, "contribution": 0}, "bea@harbor.example"),
    ("Clean-Label Poisoning of Network Intrusion Datasets",
     "Correctly labelled but crafted flows poison intrusion datasets and hide a chosen scanner.", 2,
     {"phase": 0, "goal": 0, "knowledge": 1, "domain": 3, "contribution": 0}, "lin@meadow.example"),
    ("Universal Adversarial Perturbations for Speech Keyword Spotting",
     "One inaudible perturbation makes wake-word detectors miss their keyword in 80% of clips.", 3,
     {"phase": 1, "goal": 0, "knowledge": 0, "domain": 8, "contribution": 0}, "bea@harbor.example"),
    ("On the Sample Complexity of Robust Spam Classification",
     "Robust spam filters need $O(d/\\epsilon^2)$ more samples than standard ones; we show it is tight.", 5,
     {"phase": 1, "goal": 0, "knowledge": 0, "domain": 0, "contribution": 3}, "kai@ridge.example"),
    ("Backdoor Triggers That Survive Model Distillation",
     "Triggers planted in a teacher model carry over to students distilled from it, in 9 of 10 settings.", 2,
     {"phase": 0, "goal": 0, "knowledge": 0, "domain": 7, "contribution": 0}, "kai@ridge.example"),
    ("Prioritizing ML Misuse Risks with Attack Trees",
     "Attack trees weighted by attacker cost rank misuse risks of deployed models for security teams.", 8,
     {"phase": 4, "goal": 5, "knowledge": 3, "domain": 10, "contribution": 7}, "lin@meadow.example"),
]


def demo_pdf(title: str, abstract: str, byline: str = "Anonymous submission") -> bytes:
    import weasyprint

    body = "".join(f"<h2>{n} Section</h2><p>{abstract * 6}</p>" for n in range(1, 5))
    html = (f"<html><head><title>{title}</title><style>@page {{ size: A4; margin: 2.2cm }}"
            f" body {{ font: 11pt DejaVu Serif }}</style></head><body><h1>{title}</h1>"
            f"<p><em>{byline}</em></p>{body}<h2>References</h2>"
            f"<p>[1] A. Researcher. Adversarial machine learning. 2026.</p></body></html>")
    return weasyprint.HTML(string=html).write_pdf()


def load_demo_papers(workshop) -> int:
    """Create the demo papers once (by title); returns how many exist."""
    author = User.objects.get(email="author@lakeside.example")
    coauthor = User.objects.get(email="coauthor@lakeside.example")
    topics = list(Topic.objects.order_by("position"))
    terms = {kind: list(VocabularyTerm.objects.filter(kind=kind).order_by("position"))
             for kind in ("goal", "knowledge", "phase", "domain", "contribution")}
    pc1 = User.objects.get(email="pc1@northbridge.example")
    for spec in PAPERS:
        if Submission.objects.filter(title=spec["title"]).exists():
            continue
        data = SubmissionData(
            title=spec["title"], abstract=spec["abstract"], attack_model=spec["attack_model"],
            security_relationship=spec["security"], artifact_url="https://example.org/artifact",
            will_open_source=True, topics=[topics[spec["topic"]]],
            threat_terms=[terms[kind][index] for kind, index in spec["terms"].items()],
            authors=[AuthorEntry(author.full_name, author.email, author.affiliation),
                     AuthorEntry(coauthor.full_name, coauthor.email, coauthor.affiliation)],
            conflicts={pc1: "coauthor"} if spec is PAPERS[0] else {},
        )
        submission, _ = submission_create(by=author, data=data, token=secrets.token_urlsafe(16),
                                          workshop=workshop)
        if spec["pdf"]:
            pdf_upload(submission=submission, by=author, data=demo_pdf(spec["title"], spec["abstract"]),
                       filename="paper.pdf", workshop=workshop)
    for title, abstract, topic, chosen, email in MORE_PAPERS:
        if Submission.objects.filter(title=title).exists():
            continue
        writer = User.objects.get(email=email)
        data = SubmissionData(
            title=title, abstract=abstract, attack_model="See the threat model section of the paper.",
            security_relationship="The attack (or defense) targets a deployed security system.",
            artifact_url=f"https://example.org/{secrets.token_hex(3)}", will_open_source=True,
            topics=[topics[topic]], threat_terms=[terms[kind][index] for kind, index in chosen.items()],
            authors=[AuthorEntry(writer.full_name, writer.email, writer.affiliation)], conflicts={},
        )
        submission, _ = submission_create(by=writer, data=data, token=secrets.token_urlsafe(16), workshop=workshop)
        pdf_upload(submission=submission, by=writer, data=demo_pdf(title, abstract), filename="paper.pdf",
                   workshop=workshop)
    return Submission.objects.count()
