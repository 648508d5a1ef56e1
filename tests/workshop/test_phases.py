from datetime import UTC, datetime, timedelta

import pytest

from workshop.models import Phase, Workshop
from workshop.phases import phase_at, response_window_open, upcoming_deadlines

T0 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def make_workshop(**overrides) -> Workshop:
    fields = {
        "submission_opens": T0,
        "abstract_deadline": T0 + timedelta(days=7),
        "paper_deadline": T0 + timedelta(days=14),
        "bidding_closes": T0 + timedelta(days=21),
        "review_deadline": T0 + timedelta(days=42),
        "notification_date": T0 + timedelta(days=56),
        "camera_ready_deadline": T0 + timedelta(days=70),
    }
    fields.update(overrides)
    return Workshop(name="W", acronym="W", year=2027, **fields)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (-1, Phase.SETUP),
        (0, Phase.SUBMISSION),
        (10, Phase.SUBMISSION),
        (14, Phase.BIDDING),
        (21, Phase.REVIEWING),
        (41, Phase.REVIEWING),
        (42, Phase.DISCUSSION),
        (100, Phase.DISCUSSION),  # decisions are released by a chair, not by the calendar
    ],
)
def test_phase_at_follows_dates(days, expected):
    workshop = make_workshop()

    assert phase_at(workshop, T0 + timedelta(days=days)) == expected


def test_phase_at_released_decisions_mean_camera_ready_until_its_deadline():
    workshop = make_workshop(decisions_released=True)

    assert phase_at(workshop, T0 + timedelta(days=60)) == Phase.CAMERA_READY
    assert phase_at(workshop, T0 + timedelta(days=71)) == Phase.CLOSED


def test_phase_at_released_decisions_without_camera_ready_is_notification():
    workshop = make_workshop(decisions_released=True, camera_ready_deadline=None)

    assert phase_at(workshop, T0 + timedelta(days=60)) == Phase.NOTIFICATION


def test_phase_at_chair_override_wins_over_dates():
    workshop = make_workshop(phase_override=Phase.BIDDING)

    assert phase_at(workshop, T0 + timedelta(days=1)) == Phase.BIDDING


def test_phase_at_without_dates_is_setup():
    assert phase_at(Workshop(name="W", acronym="W", year=2027), T0) == Phase.SETUP


def test_response_window_open_only_between_its_dates():
    workshop = make_workshop(response_opens=T0, response_closes=T0 + timedelta(days=3))

    assert response_window_open(workshop, T0 + timedelta(days=1)) is True
    assert response_window_open(workshop, T0 + timedelta(days=4)) is False


def test_upcoming_deadlines_marks_only_the_next_one():
    workshop = make_workshop()

    rows = upcoming_deadlines(workshop, T0 + timedelta(days=8))

    assert [row["field"] for row in rows if row["is_next"]] == ["paper_deadline"]
    assert [row["field"] for row in rows if row["past"]] == ["submission_opens", "abstract_deadline"]
