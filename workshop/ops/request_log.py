"""One request id per web request and per Celery task, on every log line.

The web node takes a sane `X-Request-ID` from the proxy or makes one, answers
with it, and logs one access line per request. A task sent while handling a
request carries the id in its headers, so the worker's lines for that task
share it; a task without one (beat) logs its own task id."""

import contextvars
import logging
import re
import time
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

from workshop.ops.log_masking import mask_secrets

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
task_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="-")
HEADER = "X-Request-ID"
SANE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("workshop.access")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.task_id = task_id_var.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if SANE.match(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx/5xx after the last middleware returns, and those
        # lines need the id too; the next request (each thread has its own context) sets its own.
        request_id_var.set(request.request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request.request_id
        user = getattr(request, "user", None)
        path = mask_secrets(request.path)  # reset keys and invitation tokens are in paths (workshop/ops/log_masking.py)
        access_log.info("%s %s %s", request.method, path, response.status_code, extra={
            "method": request.method, "path": path, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
        })
        return response


@before_task_publish.connect
def _send_request_id(headers=None, **_):
    if headers is not None and request_id_var.get() != "-":
        headers.setdefault("request_id", request_id_var.get())


@task_prerun.connect
def _bind_task(task_id=None, task=None, **_):
    request_id_var.set(getattr(task.request, "request_id", None) or task_id or "-")
    task_id_var.set(task_id or "-")


@task_postrun.connect
def _unbind_task(**_):
    request_id_var.set("-")
    task_id_var.set("-")
