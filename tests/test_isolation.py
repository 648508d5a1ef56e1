"""Tests own their state, so the suite passes twice back to back (issue 9)."""

import os

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from tests.conftest import TEST_REDIS_DB


def test_cache_and_broker_use_the_test_sessions_own_redis_database():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    from workshop.celery import app

    cache.set("isolation-probe", "here", 30)

    own = redis.Redis.from_url(settings.REDIS_URL)
    assert settings.REDIS_URL.endswith(f"/{TEST_REDIS_DB}")
    assert app.conf.broker_url == settings.REDIS_URL == os.environ["REDIS_URL"]
    assert any(b"isolation-probe" in key for key in own.keys("*isolation-probe*"))


def test_uploads_go_to_the_test_sessions_media_folder():
    assert "pytest" in str(settings.MEDIA_ROOT)
