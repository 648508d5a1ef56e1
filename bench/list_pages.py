"""Time the list pages at growing sizes and print one line per page and size.

Run: .venv/bin/python bench/list_pages.py [--sizes 100 1000] [--database-url URL]
It builds a throwaway database (a temporary SQLite file unless --database-url is
given), fills it with papers, a PC of 20 with three reviewers a paper, bids,
a chair conflicted with one paper in fifty and two mails a paper, and renders
each page (its first page, where it has pages) through Django's test client as
its user would see it: median time, queries and HTML size."""

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")
    os.environ["MEDIA_ROOT"] = tmp
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logging.disable(logging.INFO)  # one access-log line per request would drown the figures
    for size in args.sizes:
        _bench(size, args.repeat)


PC_SIZE = 20  # PC members: the assignment page offers each of them on every row
REVIEWERS_PER_PAPER = 3


def _bench(size: int, repeat: int) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reviews.models import Assignment, Bid
    from submissions.models import Author, Conflict, Submission
    from workshop.models import OutgoingMail, Role, Topic, User, Workshop

    OutgoingMail.objects.all().delete()
    Submission.objects.all().delete()
    User.objects.all().delete()
    workshop = Workshop.objects.get()
    workshop.phase_override = "bidding"
    workshop.save()
    chair = User.objects.create_user("chair@bench.example", "x", full_name="Chair")
    Role.objects.create(user=chair, name="chair")
    pc = User.objects.create_user("pc@bench.example", "x", full_name="PC member")
    members = [pc, *(User.objects.create_user(f"pc{n}@bench.example", "x", full_name=f"PC member {n}")
                     for n in range(1, PC_SIZE))]
    Role.objects.bulk_create(Role(user=member, name="pc") for member in members)
    author = User.objects.create_user("author@bench.example", "x", full_name="Author")
    papers = Submission.objects.bulk_create(
        Submission(title=f"Paper {n}", abstract="Poisoning " * 40, attack_model="a", security_relationship="s",
                   created_by=author) for n in range(size))
    Author.objects.bulk_create(Author(submission=p, position=0, name="Author", email=author.email) for p in papers)
    topic = Topic.objects.first()
    Submission.topics.through.objects.bulk_create(
        Submission.topics.through(submission_id=p.pk, topic_id=topic.pk) for p in papers)
    Bid.objects.bulk_create(Bid(user=pc, submission=p, preference="willing") for p in papers[::3])
    Assignment.objects.bulk_create(
        Assignment(submission=p, reviewer=members[(n + k) % PC_SIZE])
        for n, p in enumerate(papers) for k in range(REVIEWERS_PER_PAPER))
    # The chair is conflicted with one paper in fifty: the pages hide those rows (and their mails).
    Conflict.objects.bulk_create(Conflict(submission=p, user=chair, reason="other", source="chair")
                                 for p in papers[::50])
    OutgoingMail.objects.bulk_create(
        OutgoingMail(paper_number=p.pk, recipient=author.email, subject=f"Received: #{p.pk}", body="Thanks " * 50,
                     kind=kind, status="sent") for p in papers for kind in ("receipt", "assignment"))
    pages = [("chair paper list", chair, "/chair/submissions/"),
             ("chair list search", chair, "/chair/submissions/?q=poisoning"),
             ("chair assignments", chair, "/chair/assignments/"),
             ("bidding", pc, "/pc/bids/"), ("outbox", chair, "/chair/outbox/"), ("PC assignments", pc, "/pc/"),
             ("author dashboard", author, "/submissions/")]
    for name, user, url in pages:
        client = Client()
        client.force_login(user)
        client.get(url)  # warm up caches
        times = []
        for _ in range(repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        print(f"{size:>6} papers | {name:<18} | median {times[len(times) // 2] * 1000:7.1f} ms | "
              f"{len(queries.captured_queries):>3} queries | {len(response.content) / 1024:7.1f} KB", flush=True)


if __name__ == "__main__":
    main()
