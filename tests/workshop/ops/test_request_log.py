import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from workshop.ops.request_log import RequestIdFilter, request_id_var


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client):
    made = client.get("/")
    kept = client.get("/", HTTP_X_REQUEST_ID="proxy-id-12345678")
    replaced = client.get("/", HTTP_X_REQUEST_ID="<script>")

    assert len(made["X-Request-ID"]) == 32
    assert kept["X-Request-ID"] == "proxy-id-12345678"
    assert replaced["X-Request-ID"] not in ("<script>", made["X-Request-ID"])


@pytest.mark.django_db
def test_the_access_line_is_logged_with_its_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="workshop.access"):
        response = client.get("/", HTTP_X_REQUEST_ID="abcdef0123456789")

    line = next(r for r in caplog.records if r.name == "workshop.access")
    assert (line.path, line.status, response["X-Request-ID"]) == ("/", 200, "abcdef0123456789")


def test_json_lines_name_the_request(settings):
    config = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(fmt=config["fmt"], rename_fields=config["rename_fields"])
    record = logging.LogRecord("workshop.mail", logging.INFO, __file__, 1, "queued %s", ("mail",), None)
    token = request_id_var.set("abcdef0123456789")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)

    line = json.loads(formatter.format(record))
    assert line["message"] == "queued mail"
    assert (line["level"], line["logger"], line["request_id"], line["task_id"]) == (
        "INFO", "workshop.mail", "abcdef0123456789", "-")
