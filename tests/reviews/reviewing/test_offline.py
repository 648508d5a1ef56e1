"""Offline review forms: rendering, parsing, scores, the paper header and field markers."""

import pytest

from tests.reviews.reviewing.offline_forms import (
    FIELDS,
    FULL_VALUES,
    KNOWN,
    MERIT_CHOICES,
    MINIMAL_VALUES,
    minimal,
    parse,
    parse_error,
    render,
)


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
