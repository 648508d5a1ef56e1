"""The production stack as local processes on loopback.

The web, worker and beat commands are read from docker-compose.yml and run as
they are written there (so the two cannot drift), with the environment the
compose file and .env.example name, pointed at loopback services: a fresh
PostgreSQL database, an own Redis database, an S3-compatible store (moto's
server), and an SMTP sink. `Stack.stop()` stops every process it started, by
PID. Used by tests/smoke and by bench/deadline.py; run by hand with

    .venv/bin/python -m tests.smoke.stack      # prints the addresses, Ctrl-C stops
"""

from __future__ import annotations

import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from email import message_from_bytes
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SERVICES = ("web", "worker", "beat")
HOSTNAME = "mlsec.localhost"  # resolves to loopback in Chromium; not a "local" SITE_URL for check --deploy
POSTGRES = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_commands() -> dict[str, list[str]]:
    """Each service's command as argv, `$$` (compose's escape) read as `$`."""
    commands = {}
    for name in SERVICES:
        command = compose()["services"][name]["command"]
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        commands[name] = [arg.replace("$$", "$") for arg in argv]
    return commands


def production_variables() -> set[str]:
    """What production sets: compose's app environment plus the .env.example keys."""
    names = set(compose()["x-app"]["environment"])
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.lstrip("# ").strip()
        if "=" in line and line.split("=", 1)[0].isupper():
            names.add(line.split("=", 1)[0])
    return names


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


class MailSink:
    """An SMTP server (aiosmtpd) keeping every message it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if address in m["To"]]


class Stack:
    def __init__(self, *, web_workers: int = 2, worker_concurrency: int | None = None, extra_env=None,
                 database_prefix: str | None = None, redis_db: int | None = None):
        self.tag = secrets.token_hex(4)
        self.secret_key = secrets.token_urlsafe(50)
        self.dir = Path(tempfile.mkdtemp(prefix=f"stack-{self.tag}-"))
        self.port = free_port()
        self.s3_port = free_port()
        self.url = f"http://{HOSTNAME}:{self.port}"
        self.database = f"{database_prefix or os.environ.get('SMOKE_DATABASE_PREFIX', 'smoke')}_{self.tag}"
        self.bucket = f"uploads-{self.tag}"
        self.redis_db = redis_db if redis_db is not None else int(os.environ.get("SMOKE_REDIS_DB", "9"))
        self.web_workers = web_workers
        self.worker_concurrency = worker_concurrency
        self.extra_env = extra_env or {}
        self.processes: dict[str, subprocess.Popen] = {}
        self.sink = MailSink()

    # --- environment -------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        inherited = {k: v for k, v in os.environ.items()
                     if k not in production_variables() and not k.startswith(("AWS_", "DJANGO_", "SMOKE_"))
                     and k not in ("REDIS_URL", "TEST_REDIS_DB", "PYTEST_CURRENT_TEST")}
        return {
            **inherited,
            "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "false",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": f"{HOSTNAME},127.0.0.1",
            "SITE_URL": self.url,
            "CSRF_TRUSTED_ORIGINS": self.url,
            "DEFAULT_FROM_EMAIL": "MLSec Workshop <chairs@mlsec.localhost>",
            "DATABASE_URL": f"{POSTGRES}/{self.database}",
            "REDIS_URL": f"{REDIS}/{self.redis_db}",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.sink.controller.port}",
            "MEDIA_ROOT": str(self.dir / "media"),  # unused with S3; compose names it
            "STATIC_ROOT": str(self.dir / "static"),
            "LOG_FORMAT": "json",
            "ORCID_CLIENT_ID": "", "ORCID_SECRET": "",  # sign-in with ORCID needs orcid.org: off here
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "smoke",
            "AWS_SECRET_ACCESS_KEY": "smoke-secret",
            # Loopback has no TLS terminator in front: the one deviation from production.
            "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(self.web_workers),
            **({"CELERY_WORKER_CONCURRENCY": str(self.worker_concurrency)} if self.worker_concurrency else {}),
            **self.extra_env,
        }

    # --- lifecycle --------------------------------------------------------------------

    def start(self) -> Stack:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        import psycopg2
        import redis

        admin = psycopg2.connect(f"{POSTGRES}/postgres")
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{self.database}"')
        admin.close()
        redis.Redis.from_url(f"{REDIS}/{self.redis_db}").flushdb()
        self.sink.controller.start()
        self._spawn("s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)])
        self._wait(lambda: self._get(f"http://127.0.0.1:{self.s3_port}/moto-api/") is not None, "the S3 store")
        self.s3().create_bucket(Bucket=self.bucket)
        # The image's build step (Dockerfile): static files for whitenoise.
        self.manage("collectstatic", "--noinput", "--verbosity=0")
        for name, argv in compose_commands().items():
            self._spawn(name, argv)
        self._wait(lambda: self._get(f"http://127.0.0.1:{self.port}/healthz") == 200, "gunicorn's /healthz",
                   watch="web", timeout=180)

    def stop(self) -> None:
        """SIGTERM to each process group started, then wait until the group is empty (the
        leader may be `sh`, which exits before gunicorn's graceful shutdown ends); SIGKILL after 30 s."""
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            while _group_alive(process.pid) and time.monotonic() < deadline:
                process.poll()  # reap the leader once it exits
                time.sleep(0.1)
            if _group_alive(process.pid):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if self.sink.controller._thread is not None:
            self.sink.controller.stop()
        try:
            import psycopg2

            admin = psycopg2.connect(f"{POSTGRES}/postgres")
            admin.autocommit = True
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            admin.close()
        except Exception as error:  # noqa: BLE001 - cleanup must not hide the test's own failure
            print(f"could not drop {self.database}: {error}", file=sys.stderr)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- helpers ----------------------------------------------------------------------

    def log(self, name: str) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.processes.items()}

    def manage(self, *args: str, input: str | None = None) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env(), input=input,
                                capture_output=True, text=True, timeout=300, check=False)
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code)

    def s3(self):
        import boto3

        return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{self.s3_port}", region_name="us-east-1",
                            aws_access_key_id="smoke", aws_secret_access_key="smoke-secret")

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.dir / f"{name}.log", "w")  # noqa: SIM115 - the child keeps it open
        self.processes[name] = subprocess.Popen(argv, cwd=ROOT, env=self.env(), stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def _wait(self, ready, what: str, *, watch: str | None = None, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited ({process.returncode}):\n{self.log(name)[-4000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"{what} did not answer within {timeout} s:\n{self.log(watch or 's3')[-4000:]}")

    @staticmethod
    def _get(url: str) -> int | None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop what we started on `kill` too
    with Stack() as stack:
        print(f"web {stack.url}  (gunicorn on 127.0.0.1:{stack.port})\n"
              f"S3 http://127.0.0.1:{stack.s3_port} bucket {stack.bucket}\n"
              f"SMTP 127.0.0.1:{stack.sink.controller.port}\nlogs {stack.dir}\npids {stack.pids()}")
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
