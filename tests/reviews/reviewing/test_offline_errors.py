"""Offline review forms: the line numbers of parse errors (required and duplicate fields,
stray text, encodings, sizes) and what cannot be rendered."""

import pytest

from reviews.reviewing.offline import OfflineParseError
from tests.reviews.reviewing.offline_forms import (
    FULL_VALUES,
    MINIMAL_VALUES,
    minimal,
    parse,
    parse_error,
    render,
)


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
