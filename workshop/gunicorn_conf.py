"""Gunicorn's settings for production (docker-compose.yml's web command loads them).

2 x cores + 1 workers of 4 threads: uploads mostly wait on the network and the
file store, so threads keep a worker answering while one body trickles in
(bench/deadline.py: 1.27 accepted 5 MB uploads/s on 2 cores against 0.71 with
sync workers; README "Deadline day"). Idle connections are kept 75 s (below)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104 - inside a container
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# Threads, so a worker waiting for a slow upload's body still answers other requests.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
preload_app = True  # load Django once, then fork: workers share its pages and start at once
timeout = 120  # a 20 MB PDF's checks and its upload to the store fit well inside
# How long an idle connection stays open for the client's next request. Gunicorn's default, 2 s, is
# shorter than a busy author's browser (or the deadline benchmark's client) may take between
# receiving one page and sending the next request on the same connection: gunicorn then closed the
# connection just as the request arrived, and the client got no response at all, for a POST no
# retry (bench/deadline.py, 500 authors: 14-47 registrations and uploads a run, each on a
# connection gunicorn had let expire after 2 s; README "Deadline day"). 75 s, like nginx's
# keepalive_timeout, is also longer than a proxy's or load balancer's idle timeout (60 s), so the
# side that closes an idle connection is always the one that would have reused it. Idle connections
# wait in the worker's poller, not in a thread; a connection that has sent nothing yet waits as long.
keepalive = 75
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeat files, in RAM
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Off: Django logs one line per request, with its request id and the secrets masked (workshop/ops/request_log.py).
accesslog = None
errorlog = "-"

# Gunicorn's own lines ("Error handling request <uri>") pass the same mask as Django's (workshop/ops/log_masking.py).
_json = os.environ.get("LOG_FORMAT", "json" if os.environ.get("DEBUG", "true").lower() == "false" else "text") == "json"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"secrets": {"()": "workshop.ops.log_masking.SecretMaskFilter"}},
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
        "text": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
                 "datefmt": "[%Y-%m-%d %H:%M:%S %z]"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json" if _json else "text",
                             "filters": ["secrets"], "stream": "ext://sys.stderr"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
                # Only if someone turns `accesslog` on: its request line carries the path and query.
                "gunicorn.access": {"handlers": ["console"] if accesslog else [], "level": "INFO",
                                    "propagate": False}},
}
