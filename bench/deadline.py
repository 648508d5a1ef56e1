"""Deadline day: N signed-in authors each register a paper and upload a 5 MB PDF
within the last WINDOW seconds before the paper deadline, against the production
stack on loopback (tests/smoke/stack.py: gunicorn, Celery worker and beat, PostgreSQL,
Redis, S3 on moto), driven by locust (bench/deadline_locustfile.py), headless.

    .venv/bin/python bench/deadline.py                       # 500 authors, 60 s, 5 web workers
    .venv/bin/python bench/deadline.py --authors 20 --window 20   # what CI runs

Prints latency percentiles, errors and throughput (locust), the peak memory of the
web and worker process groups, then checks every 2xx upload against the database
and the store (row present, stored file's SHA-256 = what was sent), that no version
is dated after the deadline, and that LATE more authors uploading after it are all
refused. Exits 1 if anything was lost, answered 5xx, or accepted late, or if any
request got no response at all (connection reset or closed, no answer within the
client's timeout, or an author still waiting when the run ended): to that author
the upload neither succeeded nor failed.

The stack's logs (web.log: gunicorn and Django) stay in the folder printed at the
start."""

import argparse
import csv
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.smoke.stack import Stack  # noqa: E402

SETUP = """
import json
from datetime import timedelta
from allauth.account.models import EmailAddress
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from submissions.models import Author, Submission
from workshop.models import Topic, User, VocabularyTerm, Workshop

now = timezone.now()
workshop = Workshop.objects.get()
for week, field in enumerate(Workshop.DEADLINE_FIELDS):  # open for a week, later dates a week apart
    setattr(workshop, field, now + timedelta(days=7 * week if week else -7))
workshop.save()
sessions, late = [], []
for n in range({total}):
    user = User.objects.create_user(f"author{{n}}@deadline.example", None, full_name=f"Author {{n}}")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    store = SessionStore()
    store.update({{SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                  HASH_SESSION_KEY: user.get_session_auth_hash()}})
    store.create()
    sessions.append(store.session_key)
    if n >= {authors}:  # registered in time; they will try to upload after the deadline
        paper = Submission.objects.create(title=f"Late paper {{n}}", abstract="a", attack_model="a",
                                          security_relationship="s", created_by=user)
        Author.objects.create(submission=paper, position=0, name=user.full_name, email=user.email)
        late.append(paper.pk)
print(json.dumps({{"sessions": sessions, "late": late, "topic": Topic.objects.first().pk,
                  "term": VocabularyTerm.objects.filter(kind="goal").first().pk}}))
"""

VERIFY = """
import json
from submissions.models import PdfVersion
from workshop.models import Workshop
deadline = Workshop.objects.get().paper_deadline
print(json.dumps({"deadline": deadline.isoformat(), "versions": [
    {"paper": v.submission_id, "sha256": v.sha256, "key": v.file.name, "late": v.uploaded_at > deadline}
    for v in PdfVersion.objects.all()]}))
"""


def five_mb_pdf(megabytes: float) -> bytes:
    """A 4-page paper with a full-width figure of noise: incompressible, so the file is really this big."""
    import io

    import pikepdf

    from tests.submissions import pdf_corpus

    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    pdf = pikepdf.open(io.BytesIO(pdf_corpus.paper()))
    image = pikepdf.Stream(pdf, random.Random(7).randbytes(side * side * 3))
    image.Type, image.Subtype, image.Width, image.Height = (pikepdf.Name.XObject, pikepdf.Name.Image, side, side)
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    page = pdf.pages[1]
    name = page.add_resource(image, pikepdf.Name.XObject)
    page.contents_add(pikepdf.Stream(pdf, f"q 400 0 0 300 100 300 cm {name} Do Q".encode()), prepend=False)
    out = io.BytesIO()
    pdf.save(out, compress_streams=True)
    return out.getvalue()


class MemorySampler(threading.Thread):
    """Peak resident memory of each process group (web: gunicorn master + workers; worker: Celery)."""

    def __init__(self, groups: dict[str, int]):
        super().__init__(daemon=True)
        self.groups, self.peak, self.running = groups, dict.fromkeys(groups, 0), True

    def run(self):
        while self.running:
            totals = dict.fromkeys(self.groups, 0)
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    group = os.getpgid(int(pid))
                    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
                except (OSError, IndexError):
                    continue
                for name, leader in self.groups.items():
                    if group == leader:
                        totals[name] += rss
            self.peak = {name: max(self.peak[name], totals[name]) for name in self.groups}
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--authors", type=int, default=500)
    parser.add_argument("--window", type=int, default=60, help="seconds before the deadline they upload in")
    parser.add_argument("--late", type=int, default=20, help="authors who try after the deadline")
    parser.add_argument("--web-workers", type=int, default=2 * os.cpu_count() + 1)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--pdf-mb", type=float, default=5)
    parser.add_argument("--database-prefix", default=None,
                        help="the throwaway database is PREFIX_<random> (default: $SMOKE_DATABASE_PREFIX or smoke)")
    parser.add_argument("--redis-db", type=int, default=None,
                        help="the Redis database, flushed at start (default: $SMOKE_REDIS_DB or 9)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the stack below is stopped, not orphaned
    work = Path(tempfile.mkdtemp(prefix="deadline-"))
    (work / "paper.pdf").write_bytes(five_mb_pdf(args.pdf_mb))
    print(f"PDF {len(five_mb_pdf(args.pdf_mb)) / 2**20:.1f} MiB; {args.authors} authors in {args.window} s; "
          f"{args.web_workers} gunicorn workers, Celery concurrency {args.worker_concurrency}; {os.cpu_count()} cores")

    with Stack(web_workers=args.web_workers, worker_concurrency=args.worker_concurrency,
               database_prefix=args.database_prefix, redis_db=args.redis_db) as stack:
        print(f"logs of the stack (web.log: gunicorn and Django): {stack.dir}", flush=True)
        setup = json.loads(stack.shell(SETUP.format(total=args.authors + args.late, authors=args.authors)))
        (work / "sessions.json").write_text(json.dumps(setup["sessions"][:args.authors]))
        sampler = MemorySampler({"web": stack.pids()["web"], "worker": stack.pids()["worker"]})
        sampler.start()
        deadline = time.time() + args.window
        stack.shell("from datetime import datetime, UTC; from workshop.models import Workshop; "
                    f"Workshop.objects.update(paper_deadline=datetime.fromtimestamp({deadline}, UTC), "
                    f"abstract_deadline=datetime.fromtimestamp({deadline}, UTC))")
        remaining = deadline - time.time()
        results = work / "results.jsonl"
        locust = subprocess.Popen(  # noqa: S603 - our own locust, our own arguments
            [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "deadline_locustfile.py"),
             "--headless", "--only-summary", "-u", str(args.authors),
             "-r", f"{args.authors / max(remaining * 0.9, 1):.2f}", "--run-time", f"{int(remaining) + 300}s",
             "--host", f"http://127.0.0.1:{stack.port}", "--csv", str(work / "locust"), "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, "DEADLINE_SESSIONS": str(work / "sessions.json"),
                           "DEADLINE_PDF": str(work / "paper.pdf"), "DEADLINE_RESULTS": str(results),
                           "DEADLINE_IDS": f"{setup['topic']},{setup['term']}"},
            stdout=open(work / "locust.log", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115 - a pipe could fill up
        started = time.time()
        while locust.poll() is None:
            done = len(results.read_text().splitlines()) if results.exists() else 0
            if done >= args.authors:
                locust.send_signal(signal.SIGTERM)
                break
            time.sleep(0.5)
        locust.wait(timeout=120)
        output = (work / "locust.log").read_text()
        elapsed = time.time() - started
        sampler.running = False
        time.sleep(max(0.0, deadline + 1 - time.time()))  # the late authors come after the deadline
        late_outcomes = _late_uploads(stack, setup, args.authors, (work / "paper.pdf").read_bytes())
        check = json.loads(stack.shell(VERIFY))
        report = _report(work, results, check, stack, late_outcomes, elapsed, sampler.peak, output, args.authors)
    return 0 if report else 1


def _late_uploads(stack, setup, first, pdf) -> list[tuple[int, bool]]:
    import re

    import requests

    outcomes = []
    for session, paper in zip(setup["sessions"][first:], setup["late"], strict=True):
        client = requests.Session()
        client.cookies.set("sessionid", session)
        base = f"http://127.0.0.1:{stack.port}"
        try:
            page = client.get(f"{base}/submissions/{paper}/", timeout=120)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', page.text)
            response = client.post(f"{base}/submissions/{paper}/pdf/", allow_redirects=False, timeout=120,
                                    data={"csrfmiddlewaretoken": token.group(1) if token else ""},
                                    files={"pdf": ("late.pdf", pdf, "application/pdf")})
        except requests.RequestException:  # no response: counted as not refused
            outcomes.append((0, False))
            continue
        outcomes.append((response.status_code, "can no longer be changed" in response.text))
    return outcomes


def stack_pdf(work) -> bytes:
    return (work / "paper.pdf").read_bytes()


def _report(work, results, check, stack, late, elapsed, peak, output, authors) -> bool:
    lines = [json.loads(line) for line in results.read_text().splitlines()] if results.exists() else []
    uploads = [r for r in lines if r["stage"] == "upload"]
    accepted = [r for r in uploads if r["status"] == 302]
    refused = [r for r in uploads if r["refused"]]
    server_errors = [r for r in lines if r["status"] >= 500]
    no_response = [r for r in lines if r["status"] == 0]
    unfinished = authors - len(lines)  # still waiting for an answer when the run ended
    print(f"\n{'request':<18}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name in ("open the form", "register", "upload 5 MB PDF", "all"):
        times = sorted(t for r in uploads for step, t in r["ms"].items() if name in (step, "all"))
        if times:
            pick = [times[min(len(times) - 1, int(q * len(times)))] for q in (0.5, 0.95, 0.99)]
            print(f"{name:<18}{len(times):>7}" + "".join(f"{t:>9.0f}" for t in [*pick, times[-1]]))
    failures = list(csv.DictReader(open(f"{work}/locust_failures.csv")))
    print(f"throughput: {len(accepted) / elapsed:.2f} accepted uploads/s "
          f"({len(accepted) * len(stack_pdf(work)) / 2**20 / elapsed:.1f} MiB/s); "
          f"locust counted {sum(int(f['Occurrences']) for f in failures)} failed requests")
    uploads_without = sum(1 for r in no_response if r["stage"] == "upload")
    print(f"\n{len(lines)} authors finished in {elapsed:.0f} s; uploads: {len(accepted)} accepted, {len(refused)} "
          f"refused at the deadline, {uploads_without} without response, "
          f"{len(uploads) - len(accepted) - len(refused) - uploads_without} other; "
          f"{len(lines) - len(uploads)} stopped before uploading; {len(server_errors)} answers 5xx")
    print(f"without response: {len(no_response) + unfinished} requests "
          f"({', '.join(f'{stage} {n}' for stage, n in Counter(r['stage'] for r in no_response).items()) or 'none'}"
          f"{f'; {unfinished} authors still waiting when the run ended' if unfinished else ''})")
    for error, n in Counter(r["error"] for r in no_response).most_common():
        print(f"  {n:>4} x {error}")
    print(f"peak memory: web {peak['web'] / 2**20:.0f} MiB (all gunicorn processes), "
          f"worker {peak['worker'] / 2**20:.0f} MiB")

    s3, versions = stack.s3(), {(v["paper"], v["sha256"]): v for v in check["versions"]}
    lost = []
    for upload in accepted:
        version = versions.get((upload["paper"], upload["sha256"]))
        stored = version and hashlib.sha256(
            s3.get_object(Bucket=stack.bucket, Key=version["key"])["Body"].read()).hexdigest()
        if stored != upload["sha256"]:
            lost.append(upload["author"])
    deadline = datetime.fromisoformat(check["deadline"]).timestamp()
    dated_late = [u for u in accepted if u["started"] > deadline]  # sent after the deadline, yet accepted
    late_refused = sum(1 for status, said in late if status == 200 and said)
    print(f"late attempts (status, refused): {Counter(late)}")
    print(f"checked: {len(accepted) - len(lost)}/{len(accepted)} accepted uploads have their row and a stored file "
          f"with the SHA-256 sent ({len(lost)} lost); {len(dated_late)} sent after the deadline yet accepted; "
          f"{late_refused}/{len(late)} uploads tried after the deadline refused")
    if server_errors or lost or no_response or unfinished:
        print("locust said:\n" + output[-3000:])
    return not (lost or server_errors or no_response or unfinished or dated_late or late_refused != len(late))


if __name__ == "__main__":
    sys.exit(main())
