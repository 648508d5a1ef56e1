"""A real Celery worker on Redis, delivering to a local SMTP sink (aiosmtpd)."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import connection

from workshop.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SinkHandler:
    """Collects messages; `hold` makes it stall before accepting (a slow server)."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.hold = threading.Event()
        self.stalled = threading.Event()
        self.hold_after: int | None = None  # stall once this many messages are in

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.hold_after is not None and len(self.messages) >= self.hold_after:
            self.hold.set()
            self.hold_after = None
        while self.hold.is_set():
            self.stalled.set()
            await asyncio.sleep(0.05)
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_sink():
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    handler.hold.clear()
    controller.stop()


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, smtp_port: int):
        self.smtp_port = smtp_port
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),  # the files the test's server stores
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workshop", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("Celery worker exited: " + self.process.stdout.read())
            if celery_app.control.ping(timeout=0.5):
                return self
        raise RuntimeError("Celery worker did not start within 60 s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def real_celery(settings):
    """Publish to Redis instead of running tasks in-process."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: a real Redis broker for the Celery worker")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def start_worker(real_celery, smtp_sink):
    workers = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(smtp_sink[1]).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_for(predicate, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
