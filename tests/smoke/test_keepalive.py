"""Gunicorn (workshop/gunicorn_conf.py, as production runs it) keeps an idle connection open
well past the moment a slow client sends its next request on it. With gunicorn's default
2 s it closed connections just as a request arrived, and the client got no response at all
(README, "Deadline day")."""

import http.client
import time


def test_a_connection_idle_for_seconds_still_gets_its_next_request_answered(stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    connection.request("GET", "/healthz")
    first = connection.getresponse()
    first.read()
    client_port = connection.sock.getsockname()[1]

    time.sleep(5)  # a busy author between two pages; gunicorn's default gave up after 2 s
    connection.request("GET", "/healthz")
    second = connection.getresponse()
    second.read()

    assert (first.status, first.getheader("Connection")) == (200, "keep-alive")
    assert second.status == 200
    assert connection.sock.getsockname()[1] == client_port  # the same connection, not a new one
    connection.close()
