"""Demo papers with real PDFs, rendered by WeasyPrint, so the first run shows
complete and registered submissions."""

import secrets

from submissions.models import Submission
from submissions.services import AuthorEntry, SubmissionData, pdf_upload, submission_create
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


def _demo_pdf(title: str, abstract: str) -> bytes:
    import weasyprint

    body = "".join(f"<h2>{n} Section</h2><p>{abstract * 6}</p>" for n in range(1, 5))
    html = (f"<html><head><title>{title}</title><style>@page {{ size: A4; margin: 2.2cm }}"
            f" body {{ font: 11pt DejaVu Serif }}</style></head><body><h1>{title}</h1>"
            f"<p><em>Anonymous submission</em></p>{body}<h2>References</h2>"
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
            pdf_upload(submission=submission, by=author, data=_demo_pdf(spec["title"], spec["abstract"]),
                       filename="paper.pdf", workshop=workshop)
    return Submission.objects.count()
