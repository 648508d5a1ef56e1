"""Issue 17, item 7: a reset key, confirmation key or invitation token in a URL never reaches the log."""

import inspect
import json
import logging
import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pythonjsonlogger.json import JsonFormatter

from reviews.committee.services import invitation_create
from tests.factories import DEFAULT_PASSWORD, UserFactory
from workshop.models import OutgoingMail
from workshop.ops.log_masking import SecretMaskFilter, mask_secrets


@pytest.fixture
def json_log():
    """The configured console handler, writing production's JSON lines into a list for the test."""
    lines: list[str] = []

    class Lines:
        def write(self, text):
            lines.extend(line for line in text.splitlines() if line.strip())

        def flush(self):
            pass

    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    config = django_settings.LOGGING["formatters"]["json"]
    old_formatter, old_stream = handler.formatter, handler.setStream(Lines())
    handler.setFormatter(JsonFormatter(fmt=config["fmt"], rename_fields=config["rename_fields"]))
    cache.clear()  # allauth's rate limits
    yield lines
    handler.setFormatter(old_formatter)
    handler.setStream(old_stream)
    cache.clear()


def _link(pattern: str, kind: str) -> str:
    return re.search(pattern, OutgoingMail.objects.filter(kind=kind).latest("pk").body).group(1)


def _leaks(lines: list[str], secrets: dict[str, str]) -> list[tuple[str, str]]:
    return [(name, line) for line in lines for name, secret in secrets.items() if secret in line]


@pytest.mark.django_db
def test_password_reset_and_email_confirmation_keys_are_masked_in_every_log_line(
    client, json_log, django_capture_on_commit_callbacks,
):
    UserFactory(email="forgetful@lakeside.edu")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "forgetful@lakeside.edu"})
        client.post(reverse("account_signup"), {
            "full_name": "Nora New", "affiliation": "", "email": "nora@lakeside.edu",
            "password1": "a-long enough passphrase", "password2": "a-long enough passphrase"})
    reset = _link(r"(/accounts/password/reset/key/[^/\s]+/)", "account:password_reset_key")
    confirm = _link(r"(/accounts/confirm-email/[^/\s]+/)", "account:email_confirmation_signup")

    set_password = client.get(reset).url
    client.post(set_password, {"password1": "another long passphrase", "password2": "another long passphrase"})
    client.get(reset)  # used up: "bad token"
    client.get(confirm)
    client.post(confirm)
    client.get(confirm.replace("/confirm-email/", "/confirm-email/x"))  # a wrong key: Not Found
    client.get("/accounts/orcid/login/callback/?code=Orcid0ne7imeC0de&state=St4teB1nd1ng")

    secrets = {"reset key": reset.split("-", 1)[1].strip("/"), "confirmation key": confirm.split("/")[-2],
               "oauth code": "Orcid0ne7imeC0de", "oauth state": "St4teB1nd1ng"}
    assert _leaks(json_log, secrets) == []
    records = [json.loads(line) for line in json_log]
    assert {r["path"] for r in records if r["logger"] == "workshop.access"} >= {
        "/accounts/password/reset/key/" + reset.split("/")[-2].split("-")[0] + "-***/", "/accounts/confirm-email/***/"}
    assert any(r["logger"] == "django.request" and "code=***" in r["request"] for r in records)


@pytest.mark.django_db
def test_pc_invitation_tokens_are_masked_in_every_log_line(client, client_for, chair, json_log):
    accepted = invitation_create(email="nora@lakeside.edu", name="Nora", affiliation="", roles=["pc"], by=chair)
    declined = invitation_create(email="ned@lakeside.edu", name="Ned", affiliation="", roles=["pc"], by=chair)
    nora, ned = UserFactory(email="nora@lakeside.edu"), UserFactory(email="ned@lakeside.edu")
    accept_url = reverse("pc_invitation", args=[accepted.token])
    decline_url = reverse("pc_invitation", args=[declined.token])

    client.get(accept_url)  # signed out: the invitation, with sign-in links that come back to it
    login = f"{reverse('account_login')}?next={accept_url}"
    client.get(login)
    # A form posted without its CSRF cookie: refused (403) and logged with the full URL, query included.
    Client(enforce_csrf_checks=True).post(login, {"login": "nora@lakeside.edu", "password": DEFAULT_PASSWORD})
    as_nora, as_ned = client_for(nora), client_for(ned)
    as_nora.get(accept_url)
    as_nora.post(accept_url, {"accept": "1"})
    as_nora.get(accept_url)  # used: Not Found, the token in Django's warning
    as_ned.post(decline_url, {"decline": "1"})
    as_ned.post(decline_url, {"decline": "1"})

    assert _leaks(json_log, {"accepted token": accepted.token, "declined token": declined.token}) == []
    records = [json.loads(line) for line in json_log]
    warnings = [r for r in records if r["level"] == "WARNING"]
    assert [r["message"] for r in warnings] == [
        "Forbidden (CSRF cookie not set.): /accounts/login/",
        "Not Found: /pc/invitation/***/", "Not Found: /pc/invitation/***/"]
    assert warnings[0]["request"] == "<WSGIRequest: POST '/accounts/login/?next=/pc/invitation/***/'>"


def test_a_secret_in_an_argument_an_extra_field_or_a_traceback_is_masked():
    token = "Zq3-secret_Token"
    try:
        raise ValueError(f"no invitation at /pc/invitation/{token}/")
    except ValueError as error:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed on %s", (f"/pc/invitation/{token}/",),
                                   (type(error), error, error.__traceback__))
    record.data = {"args": [f"/pc%2Finvitation%2F{token}%2F"]}

    SecretMaskFilter().filter(record)

    line = JsonFormatter().format(record)
    assert token not in line
    assert (record.getMessage(), record.data) == (
        "failed on /pc/invitation/***/", {"args": ["/pc%2Finvitation%2F***%2F"]})
    assert "ValueError: no invitation at /pc/invitation/***/" in record.exc_text


def test_a_confirmation_key_url_encoded_in_a_query_is_masked_whole():
    assert mask_secrets("/accounts/login/?next=%2Faccounts%2Fconfirm-email%2FMQ%3A1tXyz%3Aab-Cd%2F&x=1") == (
        "/accounts/login/?next=%2Faccounts%2Fconfirm-email%2F***%2F&x=1")


def test_paths_without_secrets_are_left_alone():
    assert mask_secrets("/accounts/password/reset/key/done/ /submissions/12/ /chair/outbox/") == (
        "/accounts/password/reset/key/done/ /submissions/12/ /chair/outbox/")


def test_gunicorn_logs_through_the_same_mask():
    from workshop import gunicorn_conf

    config = gunicorn_conf.logconfig_dict
    assert config["filters"]["secrets"] == {"()": "workshop.ops.log_masking.SecretMaskFilter"}
    assert [h["filters"] for h in config["handlers"].values()] == [["secrets"]]
    assert {name: logger["handlers"] for name, logger in config["loggers"].items()} == {
        "gunicorn.error": ["console"], "gunicorn.access": []}  # access off: Django logs the masked line
    assert gunicorn_conf.accesslog is None


def test_tasks_take_only_ids_so_no_secret_rides_in_their_logged_arguments():
    import reviews.tasks  # noqa: F401 - every app's tasks registered, whatever ran before
    import submissions.tasks  # noqa: F401
    from workshop.celery import app

    apps = {"workshop", "submissions", "reviews"}
    ours = {name: task for name, task in app.tasks.items() if name.split(".")[0] in apps}
    arguments = {name: list(inspect.signature(task.run).parameters) for name, task in ours.items()}

    assert len(arguments) >= 6
    assert {name: [a for a in args if not a.endswith(("_id", "_ids"))] for name, args in arguments.items()} == {
        name: [] for name in arguments}
