"""Time the chair's paper table (and the chair submissions list, which shares its
rows) and the chair dashboard at workshop and large-venue sizes; print one line
per page and size: the median time, the queries and the size of the page.

Run: .venv/bin/python bench/paper_table.py --database-url postgres://postgres@127.0.0.1:5432/bench_table
     [--sizes 500 5000] [--reviews-per-paper 3] [--repeat 5]
Builds a throwaway database (a temporary SQLite file unless --database-url is
given): N papers with topics, threat terms, two authors each, k submitted
reviews each with all five scores (one in ten late), a decision on one paper in
five, the chair conflicted with one paper in fifty, and renders each page
through Django's test client as the chair sees it (the paper table plain, sorted
by mean, searched, searched and sorted, and a later page). Targets: under 300 ms
at 500 papers x 1,500 reviews, under 1 s at 5,000 x 15,000, on PostgreSQL."""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--reviews-per-paper", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")
    os.environ["MEDIA_ROOT"] = tmp
    os.environ["DEBUG"] = "true"
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import logging

    logging.disable(logging.INFO)  # one access-log line per request would drown the figures
    for size in args.sizes:
        _fill(size, args.reviews_per_paper)
        for name, url in [("paper table", "/chair/papers/"),
                          ("paper table, sorted by mean", "/chair/papers/?sort=mean&dir=desc"),
                          ("paper table, searched", "/chair/papers/?q=topic:poisoning+ovemer:>=3+-dec:reject"),
                          ("paper table, searched+sorted", "/chair/papers/?q=ovemer:>=3+sort:-weighted"),
                          ("paper table, page 3 by spread", "/chair/papers/?sort=spread&dir=desc&page=3"),
                          ("chair submissions list", "/chair/submissions/"),
                          ("chair dashboard", "/chair/")]:
            _time(size, args.reviews_per_paper, name, url, args.repeat)


def _fill(size: int, per_paper: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from reviews.models import Assignment, Review
    from submissions.models import Author, Conflict, Outcome, Submission
    from workshop.models import Role, Topic, User, VocabularyTerm, Workshop

    Submission.objects.all().delete()
    User.objects.all().delete()
    chair = User.objects.create_user("chair@bench.example", "x", full_name="Chair")
    Role.objects.create(user=chair, name="chair")
    reviewers = User.objects.bulk_create(User(email=f"pc{n}@bench.example", full_name=f"Reviewer {n}")
                                         for n in range(max(10, size // 10)))
    Role.objects.bulk_create(Role(user=u, name="pc") for u in reviewers)
    author = User.objects.create_user("author@bench.example", "x", full_name="Author")
    rng = random.Random(0)
    papers = Submission.objects.bulk_create(
        Submission(title=f"Paper {n} on poisoning", abstract="We poison detectors. " * 30, attack_model="a",
                   security_relationship="s", created_by=author) for n in range(size))
    Author.objects.bulk_create(Author(submission=p, position=i, name=f"Author {i}", email=f"a{p.pk}.{i}@x.example")
                               for p in papers for i in (0, 1))
    topics, terms = list(Topic.objects.all()), list(VocabularyTerm.objects.all())
    Submission.topics.through.objects.bulk_create(
        Submission.topics.through(submission_id=p.pk, topic_id=rng.choice(topics).pk) for p in papers)
    Submission.threat_terms.through.objects.bulk_create(
        Submission.threat_terms.through(submission_id=p.pk, vocabularyterm_id=t.pk)
        for p in papers for t in rng.sample(terms, 4))
    pairs = [(p, r) for p in papers for r in rng.sample(reviewers, per_paper)]
    Assignment.objects.bulk_create(Assignment(submission=p, reviewer=r) for p, r in pairs)
    now = timezone.now()
    Review.objects.bulk_create(
        Review(submission=p, reviewer=r, status="submitted", is_late=rng.random() < 0.1,
               submitted_at=now - timedelta(days=rng.randint(0, 20)), values={
                   "overall_merit": str(rng.randint(1, 5)), "expertise": str(rng.randint(1, 4)),
                   "threat_model": str(rng.randint(1, 4)), "relevance": str(rng.randint(1, 3)),
                   "reproducibility": str(rng.randint(1, 3)), "summary": "Fine."}) for p, r in pairs)
    outcomes = list(Outcome.objects.all())
    for n, outcome in enumerate(outcomes):
        Submission.objects.filter(pk__in=[p.pk for p in papers[5 * n::5 * len(outcomes)]]).update(outcome=outcome)
    chair = User.objects.get(email="chair@bench.example")
    Conflict.objects.bulk_create(Conflict(submission=p, user=chair, reason="other", source="chair")
                                 for p in papers[::50])
    Workshop.objects.update(review_deadline=now - timedelta(days=3))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("analyze")  # the planner's statistics, as autovacuum keeps them in production


def _time(size: int, per_paper: int, name: str, url: str, repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from workshop.models import User

    client = Client()
    client.force_login(User.objects.get(email="chair@bench.example"))
    client.get(url)  # warm up
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    median_ms = times[len(times) // 2] * 1000
    print(f"{size:>5} papers x {size * per_paper:>6} reviews | {name:<29} | median {median_ms:7.1f} ms"
          f" | {len(queries.captured_queries):>3} queries | {len(response.content) / 1024:7.1f} KB", flush=True)


if __name__ == "__main__":
    main()
