"""The production files cannot be run here (no Docker engine); check what can be checked."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-like-secret-" + "x" * 30,
    "ALLOWED_HOSTS": "mlsec.example.org",
    "DATABASE_URL": "postgres://workshop:workshop@127.0.0.1:5432/workshop",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://user:pw@smtp.example.org:587",
    "SITE_URL": "https://mlsec.example.org",
}


def _manage(*args, env_overrides):
    inherited = set(PRODUCTION_ENV) | {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )


def test_docker_compose_names_the_production_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat", "mailcatcher"}


def test_docker_compose_commands_point_at_this_project():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert "gunicorn --config python:workshop.gunicorn_conf workshop.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "workshop", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "workshop", "beat"]
    assert (ROOT / "workshop" / "wsgi.py").exists()
    assert (ROOT / "Dockerfile").exists()
    assert shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert shutil.which("celery", path=str(Path(sys.executable).parent))


def test_celery_app_loads_the_beat_schedule_and_tasks():
    from workshop.celery import app

    app.loader.import_default_modules()

    assert "workshop.tasks.outbox_sweep" in app.tasks
    assert app.conf.beat_schedule["outbox-sweep"]["task"] == "workshop.tasks.outbox_sweep"
    assert (app.conf.task_acks_late, app.conf.task_reject_on_worker_lost) == (True, True)


def test_check_deploy_is_clean_under_production_variables():
    result = _manage("check", "--deploy", env_overrides=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_warns_when_production_runs_on_development_backends():
    result = _manage("check", env_overrides={
        "DEBUG": "false", "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"], "ALLOWED_HOSTS": "x.org",
    })

    assert "workshop.W001" in result.stderr + result.stdout
    assert "workshop.W002" in result.stderr + result.stdout
    assert "workshop.W003" in result.stderr + result.stdout


def test_orcid_sign_in_is_enabled_by_its_credentials():
    code = "from django.conf import settings; print('orcid' in ' '.join(settings.INSTALLED_APPS))"
    without = _manage("shell", "-c", code, env_overrides={})
    with_credentials = _manage("shell", "-c", code, env_overrides={"ORCID_CLIENT_ID": "id", "ORCID_SECRET": "s"})

    assert (without.stdout.split()[-1], with_credentials.stdout.split()[-1]) == ("False", "True")


def test_check_deploy_fails_without_a_public_site_url():
    unset = {k: v for k, v in PRODUCTION_ENV.items() if k != "SITE_URL"}

    missing = _manage("check", "--deploy", env_overrides=unset)
    local = _manage("check", "--deploy", env_overrides={**unset, "SITE_URL": "http://127.0.0.1:8000"})

    assert missing.returncode == local.returncode == 1
    assert "workshop.E001" in missing.stderr and "SITE_URL is not set" in missing.stderr
    assert "SITE_URL is 'http://127.0.0.1:8000'" in local.stderr


def test_the_smoke_stack_runs_the_compose_commands_with_every_production_variable():
    """`make prod-smoke` (tests/smoke) runs what production runs; here, that the two cannot drift."""
    from tests.smoke.stack import Stack, compose_commands, production_variables

    commands = compose_commands()
    stack_env = Stack().env()

    assert set(commands) == {"web", "worker", "beat"}
    assert commands["web"][:2] == ["sh", "-c"]
    assert "gunicorn --config python:workshop.gunicorn_conf" in commands["web"][2]
    assert production_variables() - set(stack_env) == set()
    assert stack_env["DEBUG"] == "false"
    assert "manage.py collectstatic --noinput" in (ROOT / "Dockerfile").read_text()  # the build step the stack runs
    assert "make prod-smoke" in (ROOT / ".ci" / "run").read_text()


def _make_run(*args, **env_overrides) -> list[str]:
    """The commands `make run` would run, as make prints them (-n: nothing runs)."""
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "MAKEFLAGS"}}
    result = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, env={**env, **env_overrides},
                            capture_output=True, text=True, timeout=60, check=True)
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_make_run_on_another_port_mails_links_to_that_port():
    commands = _make_run("PORT=8201")

    assert commands[1:] == [
        "SITE_URL='http://127.0.0.1:8201' .venv/bin/python manage.py load_demo",
        "SITE_URL='http://127.0.0.1:8201' .venv/bin/python manage.py runserver 127.0.0.1:8201",
    ]


def test_make_run_keeps_a_site_url_given_to_it():
    commands = _make_run("PORT=8201", SITE_URL="https://mlsec.example.org")

    assert [c.split(" ", 1)[0] for c in commands[1:]] == ["SITE_URL='https://mlsec.example.org'"] * 2
