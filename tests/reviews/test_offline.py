"""Offline review forms: rendering, parsing and the line numbers of parse errors."""

import pytest

from reviews.offline import OfflineField, OfflineParseError, parse_offline_form, render_offline_form

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


def test_round_trip_all_fields_returns_the_values():
    # Arrange
    text = render(FULL_VALUES)

    # Act
    parsed = parse(text)

    # Assert
    assert parsed == FULL_VALUES


def test_round_trip_outer_whitespace_is_stripped():
    # Arrange
    values = dict(FULL_VALUES, summary="\n\n  Two lines,\n  indented.  \n\n", comments_for_pc="   ")

    # Act
    parsed = parse(render(values))

    # Assert
    assert parsed["summary"] == "Two lines,\n  indented."
    assert parsed["comments_for_pc"] == ""


def test_round_trip_crlf_text_values_come_back_with_lf():
    # Arrange
    values = dict(FULL_VALUES, weaknesses="First.\r\nSecond.")

    # Act
    parsed = parse(render(values))

    # Assert
    assert parsed["weaknesses"] == "First.\nSecond."


def test_minimal_hand_written_form_parses_with_blank_optional_fields():
    # Arrange
    text = minimal()

    # Act
    parsed = parse(text)

    # Assert
    assert parsed == MINIMAL_VALUES
    assert list(parsed) == [f.key for f in FIELDS]


def test_render_form_has_header_choices_hints_and_values():
    # Arrange
    values = {"overall_merit": "4", "comments_for_pc": "Seen at SaTML."}

    # Act
    text = render(values)

    # Assert
    lines = text.split("\n")
    assert lines[0] == "==+== MLSec Paper Review Form"
    assert lines[5:7] == ["==+== Paper #12", "==-== Title: Backdoors That Survive Fine-Tuning"]
    merit = lines.index("==+== Overall merit")
    assert lines[merit + 1 : merit + 11] == [
        "==-== (shown to authors; required)",
        "==-== Choices:",
        "==-==    1. Strong reject",
        "==-==    2. Weak reject",
        "==-==    3. Borderline",
        "==-==    4. Weak accept",
        "==-==    5. Strong accept",
        "==-== Enter the number of your choice:",
        "",
        "4. Weak accept",
    ]
    pc = lines.index("==+== Comments for the PC")
    assert lines[pc + 1 : pc + 4] == ["==-== (hidden from authors)", "", "Seen at SaTML."]
    assert text.endswith("\n==+== End Review\n")


@pytest.mark.parametrize(
    "written",
    ["4", "4. Weak accept", "Weak accept", "4.Weak accept", "4 . weak ACCEPT", "4.", "\t  Weak   accept \t", "  4  "],
)
def test_score_accepted_spellings_parse_to_the_number(written):
    # Arrange
    text = minimal({4: written})

    # Act
    parsed = parse(text)

    # Assert
    assert parsed["overall_merit"] == "4"


def test_score_value_surrounded_by_blank_lines_parses():
    # Arrange
    text = minimal({4: "\n\n  5. Strong accept  \n\n"})

    # Act
    parsed = parse(text)

    # Assert
    assert parsed["overall_merit"] == "5"


def test_score_out_of_range_points_at_value_line():
    # Arrange
    text = minimal({4: "6"})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 4
    assert error.message == f'"6" is not a valid Overall merit. Enter one of: {MERIT_CHOICES}.'


def test_score_number_and_label_disagreeing_is_rejected():
    # Arrange
    text = minimal({4: "4. Strong reject"})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 4
    assert error.message == f'"4. Strong reject" is not a valid Overall merit. Enter one of: {MERIT_CHOICES}.'


def test_score_spread_over_two_lines_points_at_first_line():
    # Arrange
    text = minimal({6: "\n3\nKnowledgeable"})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 7
    assert error.message == (
        '"3 Knowledgeable" is not a valid Reviewer expertise. '
        "Enter one of: 1. No familiarity, 2. Some familiarity, 3. Knowledgeable, 4. Expert."
    )


def test_score_long_garbage_is_shortened_in_message():
    # Arrange
    text = minimal({4: "I think this is a solid paper but the evaluation is thin"})

    # Act
    error = parse_error(text)

    # Assert
    assert error.message.startswith('"I think this is a solid paper but the e…" is not a valid Overall merit.')


def test_paper_wrong_number_points_at_header():
    # Arrange
    text = minimal({2: "==+== Paper #13"})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 2
    assert error.message == "This form is for paper #13, but you uploaded it on paper #12."


def test_paper_wrong_number_is_reported_before_field_errors():
    # Arrange
    text = minimal({2: "==+== Paper #13", 4: "six"})

    # Act
    error = parse_error(text)

    # Assert
    assert (error.line, error.message) == (2, "This form is for paper #13, but you uploaded it on paper #12.")


def test_paper_header_missing_points_at_line_1():
    # Arrange
    text = minimal(drop={2})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 1
    assert error.message == 'The form has no "==+== Paper #12" line saying which paper it is for.'


def test_paper_header_twice_points_at_second():
    # Arrange
    text = minimal({19: "==+== End Review\n==+== Paper #14"})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 20
    assert error.message == "A second paper line (the first is on line 2); upload one review per file."


def test_field_unknown_points_at_marker_and_names_known_fields():
    # Arrange
    text = minimal({17: "==+== Novelty"})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 17
    assert error.message == f'Unknown field "Novelty". Known fields: {KNOWN}.'


@pytest.mark.parametrize(
    "marker",
    ["==+== [overall_merit]", "==+==   [ OVERALL_MERIT ]  ", "==+==\toverall   MERIT\t", "==+==Overall merit"],
)
def test_field_marker_by_key_or_odd_spacing_and_case_is_recognised(marker):
    # Arrange
    text = minimal({3: marker})

    # Act
    parsed = parse(text)

    # Assert
    assert parsed["overall_merit"] == "4"


def test_required_field_empty_points_at_its_marker():
    # Arrange
    text = minimal({14: "   "})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 13
    assert error.message == 'Required field "Paper summary" is empty.'


def test_required_field_absent_points_at_line_1():
    # Arrange
    text = minimal(drop={11, 12})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 1
    assert error.message == 'Required field "Reproducibility" is missing.'


def test_blank_rendered_form_reports_first_required_field():
    # Arrange
    text = render()
    merit_line = text.split("\n").index("==+== Overall merit") + 1

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == merit_line == 9
    assert error.message == 'Required field "Overall merit" is empty.'


def test_duplicate_field_points_at_second_marker():
    # Arrange
    text = minimal({18: "Only CIFAR-10.\n==+== [overall_merit]\n2"})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 19
    assert error.message == 'Field "Overall merit" appears twice; the first is on line 3.'


def test_crlf_and_bom_parse_like_plain_text():
    # Arrange
    text = "\ufeff" + minimal({18: "Only CIFAR-10.  \t\nNo ImageNet."}).replace("\n", "\r\n")

    # Act
    parsed = parse(text)

    # Assert
    assert parsed == dict(MINIMAL_VALUES, weaknesses="Only CIFAR-10.  \t\nNo ImageNet.")


def test_crlf_and_bom_errors_keep_line_numbers():
    # Arrange
    text = "\ufeff" + minimal({2: "==+== Paper #13"}).replace("\n", "\r\n")

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 2


def test_comments_are_ignored_everywhere():
    # Arrange
    text = minimal(
        {
            1: "==-== My notes for paper 12\n==+== MLSec Paper Review Form",
            4: "==-== (shown to authors)\n4. Weak accept\n==-== was 3 before the rebuttal",
            14: "First line.\n==-== a comment inside a text value\nSecond line.",
        }
    )

    # Act
    parsed = parse(text)

    # Assert
    assert parsed["overall_merit"] == "4"
    assert parsed["summary"] == "First line.\nSecond line."


def test_text_outside_any_field_points_at_it():
    # Arrange
    text = minimal({2: "==+== Paper #12\nI liked this paper."})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 3
    assert error.message == 'Text outside any field: write it below the "==+==" line of its field.'


def test_text_after_end_review_points_at_it():
    # Arrange
    text = minimal({19: "==+== End Review\n\nP.S. great work"})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 21


@pytest.mark.parametrize("text", ["", "\n\n   \n", "\ufeff", "\r\n\t\r\n"])
def test_empty_file_points_at_line_1(text):
    # Act
    error = parse_error(text)

    # Assert
    assert (error.line, error.message) == (1, "The file is empty.")


def test_garbage_bytes_raise_parse_error_at_line_1():
    # Arrange
    raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    text = raw.decode("utf-8", errors="replace")

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 1
    assert error.message == 'This is not an offline review form: no line starts with "==+==".'


def test_plain_text_without_markers_is_not_a_form():
    # Arrange
    text = "Overall merit: 4\nGreat paper, Zoë.\n"

    # Act
    error = parse_error(text)

    # Assert
    assert (error.line, error.message) == (1, 'This is not an offline review form: no line starts with "==+==".')


def test_huge_file_is_rejected_at_line_1():
    # Arrange
    text = minimal({18: "x" * 200_000})

    # Act
    error = parse_error(text)

    # Assert
    assert error.line == 1
    assert error.message == f"The file has {len(text):,} characters; the limit is 200,000."


def test_file_at_size_limit_is_accepted():
    # Arrange
    base = minimal()
    text = minimal({18: "Only CIFAR-10." + "x" * (200_000 - len(base))})

    # Act
    parsed = parse(text)

    # Assert
    assert len(text) == 200_000
    assert parsed["weaknesses"].startswith("Only CIFAR-10.xxx")


def test_error_str_names_the_line():
    # Act
    error = OfflineParseError(12, 'Required field "Strengths" is empty.')

    # Assert
    assert str(error) == 'Line 12: Required field "Strengths" is empty.'


@pytest.mark.parametrize("line", ["==+== Strengths", "==-== note to self"])
def test_render_text_with_marker_line_raises(line):
    # Arrange
    values = dict(FULL_VALUES, weaknesses=f"Fine.\n{line}\nMore.")

    # Act / Assert
    with pytest.raises(ValueError, match="weaknesses: lines starting with"):
        render(values)


def test_render_marker_text_inside_a_line_is_written_verbatim():
    # Arrange
    values = dict(FULL_VALUES, weaknesses="The ==+== marker <b>& co</b> \\n is fine mid-line.")

    # Act
    text = render(values)

    # Assert
    assert "\nThe ==+== marker <b>& co</b> \\n is fine mid-line.\n" in text
    assert parse(text)["weaknesses"] == values["weaknesses"]


def test_render_value_for_unknown_field_raises():
    # Act / Assert
    with pytest.raises(ValueError, match="unknown fields: novelty"):
        render({"novelty": "high"})
