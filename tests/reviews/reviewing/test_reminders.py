"""Reminders to reviewers: the automatic ones."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.reviewing.reminders import reminders_automatic
from workshop.models import MailBatch


@pytest.mark.django_db
def test_automatic_reminders_start_the_set_number_of_days_before_the_deadline(pc_world, workshop,
                                                                             django_capture_on_commit_callbacks):
    people, _paper = pc_world
    workshop.review_deadline = timezone.now() + timedelta(days=5)
    workshop.reminder_days_before = 3
    workshop.save()

    too_early = reminders_automatic()
    with django_capture_on_commit_callbacks(execute=True):
        sent, _started = reminders_automatic(now=timezone.now() + timedelta(days=3))
    same_day = reminders_automatic(now=timezone.now() + timedelta(days=3, minutes=1))

    assert too_early is None and same_day is None
    assert MailBatch.objects.get(pk=sent.params["batch"]).mails.count() == 1
