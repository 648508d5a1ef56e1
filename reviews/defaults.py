"""The review form this workshop starts with; chairs edit it afterwards."""

REVIEW_FORM = [
    # key, label, kind, options, required, visibility, help
    ("overall_merit", "Overall merit", "score",
     [["1", "Strong reject"], ["2", "Weak reject"], ["3", "Borderline"], ["4", "Weak accept"],
      ["5", "Strong accept"]], True, "authors", ""),
    ("expertise", "Reviewer expertise", "score",
     [["1", "No familiarity"], ["2", "Some familiarity"], ["3", "Knowledgeable"], ["4", "Expert"]],
     True, "authors", ""),
    ("threat_model", "Threat model clarity and realism", "score",
     [["1", "Missing or unrealistic"], ["2", "Vague"], ["3", "Clear"], ["4", "Clear and realistic"]],
     True, "authors", "Is the attacker's goal, knowledge and capability stated, and is it realistic?"),
    ("relevance", "Relevance to security", "score",
     [["1", "Weak"], ["2", "Clear"], ["3", "Central"]], True, "authors", ""),
    ("reproducibility", "Reproducibility", "score",
     [["1", "Not reproducible"], ["2", "Partly (some code or data)"], ["3", "Fully (code and data)"]],
     True, "authors", ""),
    ("summary", "Paper summary", "text", [], True, "authors", ""),
    ("strengths", "Strengths", "text", [], True, "authors", ""),
    ("weaknesses", "Weaknesses", "text", [], True, "authors", ""),
    ("comments_for_authors", "Comments for the authors", "text", [], False, "authors", ""),
    ("comments_for_pc", "Confidential comments for the PC", "text", [], False, "pc",
     "Never shown to the authors."),
    ("questions_for_response", "Questions for the author response", "text", [], False, "authors", ""),
]


def seed(field_model) -> None:
    if field_model.objects.exists():
        return
    field_model.objects.bulk_create(
        field_model(key=key, label=label, kind=kind, options=options, required=required,
                    visibility=visibility, help=help_text, position=i)
        for i, (key, label, kind, options, required, visibility, help_text) in enumerate(REVIEW_FORM)
    )
