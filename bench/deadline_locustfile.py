"""Locust users for bench/deadline.py: authors who register a paper and upload its PDF.

Each simulated author is already signed in (bench/deadline.py made their sessions)
and does one thing, once: open the form, register the paper, upload a 5 MB PDF.
Every author's outcome is logged to $DEADLINE_RESULTS (one JSON line) so the run
can be checked against the database and the store afterwards; a request that got
no response at all (connection reset or closed, or no answer within
$DEADLINE_TIMEOUT seconds) is logged with status 0 and what the client said.
An author who is done stays (idle) rather than stopping: while locust ramps up it
replaces stopped users, which would send the next authors early."""

import hashlib
import json
import os
import re
import threading
import time

import gevent
from locust import HttpUser, task
from locust.exception import StopUser

SESSIONS = json.loads(open(os.environ["DEADLINE_SESSIONS"]).read())
PDF = open(os.environ["DEADLINE_PDF"], "rb").read()
TOPIC, TERM = (int(n) for n in os.environ["DEADLINE_IDS"].split(","))
TIMEOUT = float(os.environ.get("DEADLINE_TIMEOUT", "120"))  # an author gives up on a request after this
_lock = threading.Lock()
_next = iter(range(len(SESSIONS)))


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def _log(**fields) -> None:
    with _lock, open(os.environ["DEADLINE_RESULTS"], "a") as out:
        out.write(json.dumps(fields) + "\n")


def _no_response(response) -> dict:
    """Status 0 is locust's "no response": what the client said instead (reset, closed, timed out)."""
    error = response.error if response.status_code == 0 else None
    return {"error": f"{type(error).__name__}: {error}"[:300]} if error is not None else {}


def _done():
    gevent.sleep(10**6)  # stay, idle, until the run ends (see above)
    raise StopUser


class Author(HttpUser):
    def on_start(self):
        with _lock:
            self.n = next(_next, None)
        if self.n is None:
            _done()
        self.client.cookies.set("sessionid", SESSIONS[self.n])

    @task
    def register_and_upload(self):
        form = self.client.get("/submissions/new/", name="open the form", timeout=TIMEOUT)
        if form.status_code != 200 or 'name="token"' not in form.text:
            _log(author=self.n, stage="form", status=form.status_code, **_no_response(form))
            _done()
        csrf = _hidden(form.text, "csrfmiddlewaretoken")
        registered = self.client.post("/submissions/new/", name="register", allow_redirects=False, timeout=TIMEOUT,
                                      data={
            "csrfmiddlewaretoken": csrf, "token": _hidden(form.text, "token"),
            "title": f"Poisoning attack number {self.n}", "abstract": "We poison labels. " * 20,
            "topics": [TOPIC], "terms_goal": [TERM], "attack_model": "Gray-box poisoning.",
            "security_relationship": "Malware evades detection.", "artifact_url": "", "version": "",
            "authors-TOTAL_FORMS": 1, "authors-INITIAL_FORMS": 0, "authors-0-name": f"Author {self.n}",
            "authors-0-email": f"author{self.n}@deadline.example", "authors-0-affiliation": "Lakeside",
            "authors-0-orcid": "",
        })
        number = re.search(r"/submissions/(\d+)/", registered.headers.get("Location", ""))
        if registered.status_code != 302 or not number:
            _log(author=self.n, stage="register", status=registered.status_code, **_no_response(registered))
            _done()
        pdf = PDF + f"\n% author {self.n}\n".encode()
        started = time.time()
        upload = self.client.post(f"/submissions/{number.group(1)}/pdf/", name="upload 5 MB PDF",
                                  data={"csrfmiddlewaretoken": csrf}, allow_redirects=False, timeout=TIMEOUT,
                                  files={"pdf": (f"paper-{self.n}.pdf", pdf, "application/pdf")})
        _log(author=self.n, stage="upload", status=upload.status_code, paper=int(number.group(1)),
             sha256=hashlib.sha256(pdf).hexdigest(), refused="can no longer be changed" in upload.text,
             started=started, ms={"open the form": form.elapsed.total_seconds() * 1000,
                                  "register": registered.elapsed.total_seconds() * 1000,
                                  "upload 5 MB PDF": (time.time() - started) * 1000}, **_no_response(upload))
        _done()
