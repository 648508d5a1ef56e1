"""An open response period (a day each side of now, ten words)."""

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def response_window(workshop):
    workshop.response_opens = timezone.now() - timedelta(days=1)
    workshop.response_closes = timezone.now() + timedelta(days=1)
    workshop.response_word_limit = 10
    workshop.save()
    return workshop
