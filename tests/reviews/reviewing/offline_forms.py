"""The review form the offline-form tests use, hand-written forms, and shortcuts to
render and parse them."""

import pytest

from reviews.reviewing.offline import OfflineField, OfflineParseError, parse_offline_form, render_offline_form

FIELDS = [
    OfflineField(
        "overall_merit",
        "Overall merit",
        "score",
        True,
        (
            ("1", "Strong reject"),
            ("2", "Weak reject"),
            ("3", "Borderline"),
            ("4", "Weak accept"),
            ("5", "Strong accept"),
        ),
    ),
    OfflineField(
        "expertise",
        "Reviewer expertise",
        "score",
        True,
        (("1", "No familiarity"), ("2", "Some familiarity"), ("3", "Knowledgeable"), ("4", "Expert")),
    ),
    OfflineField(
        "threat_model",
        "Threat model",
        "score",
        True,
        (("1", "Missing or unrealistic"), ("2", "Vague"), ("3", "Clear"), ("4", "Clear and realistic")),
        help="Is the attacker's goal, knowledge and capability stated, and is it realistic?",
    ),
    OfflineField(
        "relevance", "Relevance to security", "score", True, (("1", "Weak"), ("2", "Clear"), ("3", "Central"))
    ),
    OfflineField(
        "reproducibility",
        "Reproducibility",
        "score",
        True,
        (("1", "Not reproducible"), ("2", "Partly (some code or data)"), ("3", "Fully (code and data)")),
    ),
    OfflineField("summary", "Paper summary", "text", True),
    OfflineField("strengths", "Strengths", "text", True),
    OfflineField("weaknesses", "Weaknesses", "text", True),
    OfflineField("comments_for_authors", "Comments for the authors", "text", False),
    OfflineField("comments_for_pc", "Comments for the PC", "text", False, visibility="pc"),
    OfflineField("questions_for_response", "Questions for the author response", "text", False),
]


KNOWN = (
    "Overall merit, Reviewer expertise, Threat model, Relevance to security, Reproducibility, Paper summary, "
    "Strengths, Weaknesses, Comments for the authors, Comments for the PC, Questions for the author response"
)


MERIT_CHOICES = "1. Strong reject, 2. Weak reject, 3. Borderline, 4. Weak accept, 5. Strong accept"


# A form as a reviewer might type it by hand: only the required fields, no instructions.
MINIMAL = [
    "==+== MLSec Paper Review Form",  # 1
    "==+== Paper #12",  # 2
    "==+== Overall merit",  # 3
    "4. Weak accept",  # 4
    "==+== Reviewer expertise",  # 5
    "3",  # 6
    "==+== Threat model",  # 7
    "Clear and realistic",  # 8
    "==+== Relevance to security",  # 9
    "3",  # 10
    "==+== Reproducibility",  # 11
    "2",  # 12
    "==+== Paper summary",  # 13
    "Shows that backdoors survive fine-tuning.",  # 14
    "==+== Strengths",  # 15
    "Adaptive attacker.",  # 16
    "==+== Weaknesses",  # 17
    "Only CIFAR-10.",  # 18
    "==+== End Review",  # 19
]


MINIMAL_VALUES = {
    "overall_merit": "4",
    "expertise": "3",
    "threat_model": "4",
    "relevance": "3",
    "reproducibility": "2",
    "summary": "Shows that backdoors survive fine-tuning.",
    "strengths": "Adaptive attacker.",
    "weaknesses": "Only CIFAR-10.",
    "comments_for_authors": "",
    "comments_for_pc": "",
    "questions_for_response": "",
}


FULL_VALUES = {
    "overall_merit": "5",
    "expertise": "4",
    "threat_model": "3",
    "relevance": "3",
    "reproducibility": "1",
    "summary": (
        "Certifies robustness to $\\ell_2$ perturbations of size $\\epsilon \\le 0.5$.\n\n"
        "The proof uses Lipschitz bounds."
    ),
    "strengths": "- Clear threat model (white-box, adaptive).\n- Code by Zoë Müller & José Núñez.",
    "weaknesses": "Table 2:\n\tcolumn ε is unlabeled.  \n\n\nFigure 3 is 图 unreadable.",
    "comments_for_authors": "Cite Carlini & Wagner (2017).",
    "comments_for_pc": "I reviewed an earlier version at SaTML; it has improved.",
    "questions_for_response": "Does the bound hold for $\\epsilon > 1$?",
}


def minimal(replace=None, drop=()):
    """MINIMAL as text, with 1-based lines replaced (a value may span lines) or dropped."""
    replace = replace or {}
    return "\n".join(replace.get(n, line) for n, line in enumerate(MINIMAL, 1) if n not in drop) + "\n"


def parse(text, number=12):
    return parse_offline_form(text, fields=FIELDS, number=number)


def parse_error(text, number=12):
    with pytest.raises(OfflineParseError) as caught:
        parse(text, number)
    return caught.value


def render(values=None):
    return render_offline_form(fields=FIELDS, number=12, title="Backdoors That Survive Fine-Tuning", values=values)
