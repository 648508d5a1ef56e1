"""Mass actions as jobs at conference scale, on PostgreSQL: applying an automatic-assignment
proposal, and releasing every paper's decision (issue 20's first two target rows).

Run: .venv/bin/python bench/jobs.py [--papers 5000 --reviewers 2000] [--reuse]
     [--database-url postgres://postgres@127.0.0.1:5432/bench_assign] [--mail digest|each|none]

It fills (or, with --reuse, keeps) the database of bench/assignment_app.py, computes a
proposal with the app's automatic assignment (not counted), then:
- the request: the chair's POST that applies it, through the test client: it queues the
  job and returns (the Celery broker is in memory, so nothing runs inside the request);
- the job: what the worker does (`job_drive` with the apply kind), in this process, with
  its queries counted, and the mails it queued.
Then the release: every paper decided (not counted), the release page and a page of its
letters as the chair opens them, the chair's POST that releases them,
and the job (letters rendered, mails inserted, decisions marked released).
One line each: seconds, queries, queries per item (pair or paper)."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.assignment_app import database, database_parser  # noqa: E402


def main() -> None:
    parser = database_parser(__doc__)
    parser.add_argument("--mail", default="digest", choices=["digest", "each", "none"])
    parser.add_argument("--deliver", action="store_true",
                        help="release on a real worker (compose's command) on Redis into an SMTP sink, "
                             "timing until every mail is queued and until every mail is delivered")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13", help="with --deliver: flushed")
    args = parser.parse_args()
    database(parser, args)
    from workshop.celery import app as celery_app

    celery_app.conf.broker_url = args.redis_url if args.deliver else "memory://"  # before any use caches it
    rows = _apply(args) + _others() + (_deliver(args) if args.deliver else _release())
    print(f"\n{'step':<62} {'seconds':>8} {'queries':>8} {'per item':>9}")
    for label, seconds, count, per in rows:
        print(f"{label:<62} {seconds:8.2f} {count:8d} {count / per if per else 0:9.3f}")


def _timed(label_of, action, per=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - t0
    return (label_of(result), seconds, len(queries), per(result) if per else None)


def _others() -> list:
    """The other mass actions at this size, each a job run in this process: a bulk decision on
    every paper, then the chair's reminders for every unfinished review (none is submitted here)."""
    from reviews.decisions.bulk import bulk_decide_start, bulk_run
    from reviews.reviewing.reminders import reminders_run, reminders_start
    from submissions.models import Outcome, Submission
    from workshop.models import Job, OutgoingMail, User

    chair = User.objects.get(email="chair@bench.example")
    OutgoingMail.objects.filter(kind="pc:reminder").delete()
    from reviews.models import Assignment

    Assignment.objects.update(reminded_on=None)
    Submission.objects.update(outcome=None, released_outcome=None, decision_released_at=None)  # still reviewing
    numbers = list(Submission.objects.values_list("pk", flat=True))
    decide = _timed(lambda r: f"request: a bulk decision on {len(numbers)} papers (queues the job)",
                    lambda: bulk_decide_start(by=chair, numbers=numbers, outcome=Outcome.objects.get(name="Reject"),
                                              note="", change_released=True, back="/chair/papers/")[0])
    job = Job.objects.get(pk=Job.objects.order_by("-pk").values_list("pk", flat=True)[0])
    decided = _timed(lambda _: "", lambda: bulk_run(job.pk), per=lambda _: Job.objects.get(pk=job.pk).done)
    job.refresh_from_db()
    remind = _timed(lambda _: "request: the chair's reminders (queues the job)",
                    lambda: reminders_start(by=chair)[0])
    reminders = Job.objects.order_by("-pk").first()
    sent = _timed(lambda _: "", lambda: reminders_run(reminders.pk), per=lambda _: Job.objects.get(
        pk=reminders.pk).done)
    mails = OutgoingMail.objects.filter(kind="pc:reminder").count()
    return [decide, (f"job: {job.result['changed']} papers decided", *decided[1:]), remind,
            (f"job: {mails} reminders queued", *sent[1:])]


def _reset_release():
    from submissions.models import Outcome, Submission
    from workshop.models import Job, JobKind, OutgoingMail

    accept = Outcome.objects.get(name="Accept (poster)")
    Submission.objects.update(outcome=accept, released_outcome=None, decision_released_at=None)
    OutgoingMail.objects.filter(kind__startswith="decision:").delete()
    Job.objects.filter(kind=JobKind.DECISIONS_RELEASE).delete()


def _deliver(args) -> list:
    """The release as production does it: the request, then the worker until every mail is queued,
    then until the SMTP sink has received every one."""
    import shlex
    import socket
    import subprocess

    import redis
    import yaml
    from aiosmtpd.controller import Controller
    from django.db import connection
    from django.test import Client

    from workshop.celery import app as celery_app
    from workshop.models import Job, JobKind, MailStatus, OutgoingMail, User

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    _reset_release()
    redis.Redis.from_url(args.redis_url).flushdb()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Controller(Sink(), hostname="127.0.0.1", port=port)
    sink.start()
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["worker"]["command"]
    db = connection.settings_dict
    env = {**os.environ, "REDIS_URL": args.redis_url, "EMAIL_URL": f"smtp://127.0.0.1:{port}",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
           "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 50, "ALLOWED_HOSTS": "*",
           "SITE_URL": "https://bench.example"}
    worker = subprocess.Popen([sys.executable, "-m", *command], cwd=ROOT, env=env,  # noqa: S603
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    celery_app.conf.task_always_eager = False
    try:
        while not celery_app.control.ping(timeout=0.5):
            time.sleep(0.5)
        client = Client()
        client.force_login(User.objects.get(email="chair@bench.example"))
        client.get("/chair/")
        t0 = time.perf_counter()
        response = client.post("/chair/decisions/release/", {"confirm": "yes"})
        request_s = time.perf_counter() - t0
        job = Job.objects.get(kind=JobKind.DECISIONS_RELEASE)
        while Job.objects.filter(pk=job.pk, state__in=["queued", "running"]).exists():
            time.sleep(0.2)
        queued_s = time.perf_counter() - t0
        job.refresh_from_db()
        mails = OutgoingMail.objects.filter(kind__startswith="decision:")
        total = mails.count()
        while mails.filter(status=MailStatus.QUEUED).exists() and time.perf_counter() - t0 < 900:
            time.sleep(0.5)
        delivered_s = time.perf_counter() - t0
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        sink.stop()
    sent = mails.filter(status=MailStatus.SENT).count()
    print(f"worker: {shlex.join(command)}; release job {job.state}; {sent}/{total} mails sent, "
          f"{Sink.received} received by the sink", flush=True)
    return [(f"request: the chair's release POST ({response.status_code})", request_s, 0, None),
            (f"worker: {job.result['released']} decisions released, {total} mails queued", queued_s, 0, None),
            (f"worker: {Sink.received} mails delivered to the SMTP sink", delivered_s, 0, None)]


def _release() -> list:
    from django.test import Client

    from reviews.decisions.release import release_run
    from workshop.models import Job, JobKind, OutgoingMail, User

    chair = User.objects.get(email="chair@bench.example")
    _reset_release()
    client = Client()
    client.force_login(chair)
    client.get("/chair/")
    pages = [_timed(lambda r, label=label: f"page: {label} ({r.status_code}, {len(r.content) // 1024} KB)",
                    lambda url=url: client.get(url))
             for label, url in [("release", "/chair/decisions/release/"),
                                ("release, page 20", "/chair/decisions/release/?page=20"),
                                ("letters of the release, page 150", "/chair/decisions/release/letters/?page=150")]]
    request = _timed(lambda r: f"request: the chair's release POST ({r.status_code})",
                     lambda: client.post("/chair/decisions/release/", {"confirm": "yes"}))
    job = Job.objects.get(kind=JobKind.DECISIONS_RELEASE)
    run = _timed(lambda _: "", lambda: release_run(job.pk), per=lambda _: Job.objects.get(pk=job.pk).done)
    job.refresh_from_db()
    mails = OutgoingMail.objects.filter(kind__startswith="decision:").count()
    return [*pages, request, (f"job: {job.result['released']} decisions released, {mails} mails queued", *run[1:])]


def _apply(args) -> list:
    from django.db import connection
    from django.db.models import Exists, OuterRef
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reviews.assignments import apply, runs
    from reviews.models import Assignment, AssignmentRun, Review
    from workshop.celery import app as celery_app
    from workshop.jobs import job_drive
    from workshop.models import Job, OutgoingMail, User
    from workshop.runs import RunState
    from workshop.selectors import workshop_current

    chair = User.objects.get(email="chair@bench.example")
    # Every assignment without a review goes (an earlier run of this script applied them), so the
    # proposal covers every paper again.
    reviewed = Review.objects.filter(submission=OuterRef("submission"), reviewer=OuterRef("reviewer"))
    Assignment.objects.exclude(Exists(reviewed)).delete()
    Job.objects.all().delete()
    AssignmentRun.objects.all().delete()
    OutgoingMail.objects.filter(kind="pc:assignment").delete()
    params = runs.default_params(workshop_current())
    params.update(mode="ensure", k=3, max_load=-(-3 * args.papers // args.reviewers) + 2)
    t0 = time.perf_counter()
    celery_app.conf.task_always_eager = True
    run = runs.run_create(by=chair, params=params)  # the proposal, computed in-process (not counted)
    run.refresh_from_db()
    assert run.state == RunState.DONE, run.error
    print(f"proposal computed in {time.perf_counter() - t0:.1f} s (not counted): "
          f"{len(runs.stored_pairs(run.result))} pairs", flush=True)

    celery_app.conf.task_always_eager = False  # from here the broker only receives
    client = Client()
    client.force_login(chair)
    client.get("/chair/assignments/auto/")  # a warm server
    before = Assignment.objects.count()
    rows = []
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        response = client.post(f"/chair/assignments/auto/{run.pk}/apply/", {"mail": args.mail})
        request_s = time.perf_counter() - t0
    assert response.status_code == 302, response.status_code
    job = Job.objects.get()
    rows.append(("request: the chair's POST (queues the job)", request_s, len(queries), None))

    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        job_drive(job.pk, prepare=apply.apply_prepare, batch=apply.apply_batch, finish=apply.apply_finish)
        job_s = time.perf_counter() - t0
    job.refresh_from_db()
    pairs = Assignment.objects.count() - before
    mails = OutgoingMail.objects.filter(kind="pc:assignment").count()
    rows.append((f"job: {pairs} pairs added, {mails} mails queued ({args.mail})", job_s, len(queries), pairs))
    assert job.state == "done", job.error
    return rows


if __name__ == "__main__":
    main()
