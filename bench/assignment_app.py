"""The automatic assignment end to end in the app, step by step, on PostgreSQL.

Run: .venv/bin/python bench/assignment_app.py [--papers 5000 --reviewers 2000]
     [--database-url postgres://postgres@127.0.0.1:5432/bench_assign] [--reuse] [--profile]

It (re)creates the throwaway database (its name must start with "bench"), migrates
and fills it with bulk inserts: papers with titles and abstracts drawn from a topic
model over a security/ML vocabulary, 1-3 topics and threat-model terms each, two to
four authors; PC members with a research statement, 5 recent papers, topic and
threat-model expertise and 60 bids each (mostly on papers near their interests);
a few declared conflicts (some waived), PC members among the authors, a chair
conflicted with some papers, and a few existing assignments and started reviews.
`--reuse` keeps a database this script filled with the same sizes and seed.

Then it runs what the Celery task runs (`runs.run_create` with Celery eager calls
`assignment_run_task` -> `runs.run_execute`), timing each stage the run reports
through its progress bar, and renders the preview page through the test client as
the chair. One line per step: seconds, peak RSS of the process (MiB) and the peak
above the step's start, measured like bench/assignment.py (VmHWM after resetting
it through /proc/self/clear_refs). Then the preview's first and last pages again,
`--repeat` times each: the median, the queries and the page's size (target: under
1 s at 5,000 papers x 2,000 PC members, under 300 ms at 500). `--profile` prints
cProfile's top functions of the run instead of timing it."""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.assignment import Peak, _status_kb  # noqa: E402

N_FINE = 40  # fine-grained research areas; each belongs to one of the workshop's topics
BIDS_PER_REVIEWER = 60
PROFILE_PAPERS = 5
STOP = "the of and a in to we is that for on with by from as our this are be".split()
ACADEMIC = ("model models learning neural network networks data attack attacks defense method approach "
            "results show propose evaluate accuracy security adversary classifier training deep system "
            "systems performance robust analysis experiments benchmark dataset datasets threat empirical "
            "novel framework prior work setting settings existing real world").split()
SEED_WORDS = [  # real words for the workshop's nine topics, in their order
    "spam sybil phishing url malware detector intrusion botnet fraud anomaly",
    "threat formal definition adversary capability game assumption goal specification taxonomy",
    "poisoning backdoor trigger label flipping contamination trojan clean poisoned crowdsourced",
    "adversarial perturbation evasion gradient robustness norm transferability patch perturbed examples",
    "stealing extraction query api surrogate distillation fingerprint watermark reconnaissance clone",
    "theory bound sample complexity certified margin lipschitz generalization minimax pac",
    "verification smt solver abstract interpretation reachability certificate interval milp soundness",
    "bug fuzzing vulnerability crash library framework pipeline serialization dependency exploit",
    "risk misuse strategic prioritize policy forecast governance scenario harm capability",
]
SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"] + ["tion", "ment", "ing", "al", "ic", "ive"]


class Steps:
    """Wall time and peak RSS per step; gc, malloc_trim and the VmHWM reset
    between steps are not counted."""

    def __init__(self):
        self.rows: list[tuple[str, float, float, float]] = []
        self.name = None

    def start(self, name: str) -> None:
        Peak().__enter__()  # gc, malloc_trim and the VmHWM reset, as in bench/assignment.py
        self.name, self.rss0, self.t0 = name, _status_kb("VmRSS"), time.perf_counter()

    def stop(self) -> None:
        seconds = time.perf_counter() - self.t0
        if self.name is not None:
            peak = _status_kb("VmHWM")
            self.rows.append((self.name, seconds, peak / 1024, (peak - self.rss0) / 1024))
        self.name = None

    def next(self, name: str) -> None:
        self.stop()
        self.start(name)

    def print(self, title: str) -> None:
        print(f"\n{title}\n{'step':<52} {'seconds':>8} {'peak RSS MiB':>13} {'(+ step)':>9}")
        for name, seconds, peak, delta in self.rows:
            print(f"{name:<52} {seconds:8.2f} {peak:13.0f} {delta:+9.0f}")
        total = sum(r[1] for r in self.rows)
        print(f"{'total':<52} {total:8.2f} {max(r[2] for r in self.rows):13.0f}", flush=True)


def database_parser(description: str) -> argparse.ArgumentParser:
    """The arguments of `database`: sizes, the database, the seed and --reuse."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--reviewers", type=int, default=2000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_assign")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reuse", action="store_true", help="keep a database filled with the same sizes")
    return parser


def main() -> None:
    parser = database_parser(__doc__)
    parser.add_argument("--k", type=int, default=3, help="reviews per paper")
    parser.add_argument("--max-load", type=int, default=0, help="default: k * papers / reviewers + 2")
    parser.add_argument("--mode", default="fresh", choices=["fresh", "ensure", "rebalance"])
    parser.add_argument("--profile", action="store_true", help="cProfile the run instead of timing its steps")
    parser.add_argument("--repeat", type=int, default=5, help="renders of each preview page timed (the median)")
    args = parser.parse_args()
    database(parser, args)
    _run(args)


def database(parser, args) -> None:
    """Django set up on the throwaway PostgreSQL database of `args.database_url` (its name must
    start with "bench"), migrated and filled with `args.papers` x `args.reviewers`, or kept as
    it is with `args.reuse` when an earlier fill had the same sizes and seed. Celery runs eagerly,
    DEBUG is off (no query log, as in production) and the log says only warnings."""
    url = urlsplit(args.database_url)
    name = url.path.lstrip("/")
    if url.scheme not in ("postgres", "postgresql") or not name.startswith("bench"):
        parser.error("--database-url must be a PostgreSQL database whose name starts with 'bench' (it is dropped)")
    marker = f"bench {args.papers}x{args.reviewers} seed {args.seed}"
    if not (args.reuse and _filled_with(url, marker)):
        _recreate(url)
        args.reuse = False
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.pop("REDIS_URL", None)  # Celery runs eagerly: the task body runs here, measurable
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")
    os.environ["DEBUG"] = "true"  # development static files; switched off below
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix=f"{name}-media-"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False  # no query log, as in production
    import logging
    import warnings

    logging.disable(logging.WARNING)  # the task's and the request's log lines
    warnings.filterwarnings("ignore", message="No directory at")
    call_command("migrate", verbosity=0)  # a kept database may miss a newer migration
    if not args.reuse:
        t0 = time.perf_counter()
        _fill(args.papers, args.reviewers, args.seed, marker)
        print(f"filled {args.papers} papers x {args.reviewers} PC members in {time.perf_counter() - t0:.1f} s "
              "(not counted)", flush=True)


def _psql_connect(url, dbname: str):
    import psycopg2

    return psycopg2.connect(host=url.hostname or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
                            password=url.password or None, dbname=dbname)


def _filled_with(url, marker: str) -> bool:
    try:
        with _psql_connect(url, url.path.lstrip("/")) as conn, conn.cursor() as cur:
            cur.execute("select name from workshop_workshop order by id limit 1")
            row = cur.fetchone()
    except Exception:  # noqa: BLE001 - no database or no tables: fill it
        return False
    return row is not None and row[0] == marker


def _recreate(url) -> None:
    from psycopg2 import sql

    conn = _psql_connect(url, "postgres")
    conn.autocommit = True
    name = sql.Identifier(url.path.lstrip("/"))
    with conn.cursor() as cur:
        cur.execute(sql.SQL("drop database if exists {} with (force)").format(name))
        cur.execute(sql.SQL("create database {}").format(name))
    conn.close()


# --- the data -----------------------------------------------------------------------------


def _vocabulary(rng) -> tuple[list[list[str]], list[str]]:
    """Words of each fine area (its topic's real words and made-up terms of its own) and
    general words (academic words, stop words and made-up filler)."""
    made = set()

    def word() -> str:
        while True:
            w = "".join(rng.choice(SYLLABLES, rng.integers(2, 5)))
            if w not in made:
                made.add(w)
                return w

    areas = [SEED_WORDS[a % len(SEED_WORDS)].split() + [word() for _ in range(110)] for a in range(N_FINE)]
    general = ACADEMIC + STOP * 3 + [word() for _ in range(1500)]
    return areas, general


def _texts(rng, mix: np.ndarray, length: int, areas, general) -> list[str]:
    """One document per mixture row: 65 % of words from the row's areas (Zipf within an
    area), the rest general words."""
    n = len(mix)
    area = np.array([(mix[i].cumsum() < rng.random(length)[:, None]).sum(axis=1) for i in range(n)])
    area = np.minimum(area, N_FINE - 1)
    zipf = 1.0 / np.arange(1, len(areas[0]) + 1)
    pick = rng.choice(len(areas[0]), (n, length), p=zipf / zipf.sum())
    filler = rng.integers(0, len(general), (n, length))
    topical = rng.random((n, length)) < 0.65
    return [" ".join(areas[a][w] if t else general[g] for a, w, g, t in zip(area[i], pick[i], filler[i], topical[i],
                                                                              strict=True))
            for i in range(n)]


def _title(text: str) -> str:
    words = [w for w in text.split() if w not in STOP][:9]
    return " ".join(words).capitalize()


def _fill(n_papers: int, n_reviewers: int, seed: int, marker: str) -> None:
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX as UNUSABLE
    from django.utils import timezone

    from reviews.models import Assignment, Bid, PcProfile, Review, TopicExpertise
    from submissions.models import Author, Conflict, Submission
    from workshop.models import Role, Topic, User, VocabularyTerm, Workshop

    rng = np.random.default_rng(seed)
    areas, general = _vocabulary(rng)
    topics = list(Topic.objects.order_by("position", "id"))
    terms = {kind: list(VocabularyTerm.objects.filter(kind=kind).order_by("position", "id"))
             for kind in ("goal", "knowledge", "phase", "domain", "contribution")}
    Workshop.objects.update(name=marker, phase_override="bidding", reviews_per_paper=3)
    now = timezone.now()

    def users(prefix: str, n: int, name: str) -> list:
        return User.objects.bulk_create(
            [User(email=f"{prefix}{i}@inst{i % 300}.example", full_name=f"{name} {i:05d}", password=UNUSABLE,
                  date_joined=now, affiliation=f"Institute {i % 300}") for i in range(n)], batch_size=2000)

    chair = User.objects.create_user("chair@bench.example", None, full_name="Chair Person")
    Role.objects.create(user=chair, name="chair")
    pc = users("pc", n_reviewers, "Reviewer")
    Role.objects.bulk_create([Role(user=u, name="pc") for u in pc], batch_size=5000)
    authors = users("author", max(n_papers * 3 // 5, 1), "Author")

    # Papers: a topic mixture each, title + abstract from it, topics and threat terms from its main areas.
    paper_mix = rng.dirichlet(np.full(N_FINE, 0.1), n_papers)
    abstracts = _texts(rng, paper_mix, 170, areas, general)
    titles = [_title(t) for t in _texts(rng, paper_mix, 14, areas, general)]
    papers = Submission.objects.bulk_create(
        [Submission(title=titles[i], abstract=abstracts[i], attack_model="A gray-box attacker with query access.",
                    security_relationship="Evading a deployed detector.", created_by=authors[i % len(authors)])
         for i in range(n_papers)], batch_size=2000)
    author_rows, topic_rows, term_rows, conflicts = [], [], [], []
    conflicted = set()  # (paper index, user id): kept out of the assignments made by hand below
    main_area = paper_mix.argmax(axis=1)
    for i, paper in enumerate(papers):
        first = authors[i % len(authors)]
        author_rows.append(Author(submission=paper, position=0, name=first.full_name, email=first.email))
        for pos in range(1, int(rng.integers(2, 5))):
            author_rows.append(Author(submission=paper, position=pos, name=f"Coauthor {i}-{pos}",
                                      email=f"co{i}-{pos}@lab{i % 500}.example"))
        if rng.random() < 0.02:  # a PC member among the authors: conflicted by authorship
            member = pc[int(rng.integers(len(pc)))]
            conflicted.add((i, member.pk))
            author_rows.append(Author(submission=paper, position=9, name=member.full_name, email=member.email))
        strong = [a for a in np.argsort(-paper_mix[i])[:3] if paper_mix[i, a] > 0.2] or [main_area[i]]
        for topic in {topics[a % len(topics)].pk for a in strong}:
            topic_rows.append(Submission.topics.through(submission_id=paper.pk, topic_id=topic))
        a = int(main_area[i])
        for term in {terms["phase"][a % len(terms["phase"])], terms["domain"][a % len(terms["domain"])],
                     terms["goal"][int(rng.integers(len(terms["goal"])))],
                     terms["knowledge"][int(rng.integers(len(terms["knowledge"])))],
                     terms["contribution"][a % len(terms["contribution"])]}:
            term_rows.append(Submission.threat_terms.through(submission_id=paper.pk, vocabularyterm_id=term.pk))
        for member in {pc[int(j)] for j in rng.integers(len(pc), size=int(rng.choice([0, 1, 1, 2])))}:
            conflicted.add((i, member.pk))
            conflicts.append(Conflict(submission=paper, user=member, reason="coauthor", source="author",
                                      waived_by=chair if rng.random() < 0.05 else None))
    for i in rng.choice(n_papers, size=min(20, n_papers), replace=False):
        conflicts.append(Conflict(submission=papers[i], user=chair, reason="institution", source="chair"))
    Author.objects.bulk_create(author_rows, batch_size=5000)
    Submission.topics.through.objects.bulk_create(topic_rows, batch_size=5000)
    Submission.threat_terms.through.objects.bulk_create(term_rows, batch_size=5000)
    Conflict.objects.bulk_create(conflicts, batch_size=5000)

    # PC members: a mixture each, a statement and 5 recent papers near it, expertise from it.
    pc_mix = rng.dirichlet(np.full(N_FINE, 0.1), n_reviewers)
    statements = _texts(rng, pc_mix, 80, areas, general)
    own = [_texts(rng, np.abs(pc_mix + rng.normal(0, 0.02, pc_mix.shape)), 150, areas, general)
           for _ in range(PROFILE_PAPERS)]
    profiles = PcProfile.objects.bulk_create(
        [PcProfile(user=member, research_statement=statements[j],
                   recent_papers="\n\n".join(f"{_title(own[n][j])}\n{own[n][j]}" for n in range(PROFILE_PAPERS)))
         for j, member in enumerate(pc)], batch_size=1000)
    topic_weight = np.zeros((n_reviewers, len(topics)))
    for a in range(N_FINE):
        topic_weight[:, a % len(topics)] += pc_mix[:, a]
    levels = np.digitize(topic_weight, [0.05, 0.15, 0.35])
    TopicExpertise.objects.bulk_create(
        [TopicExpertise(user=pc[j], topic=topics[t], level=int(levels[j, t]))
         for j, t in zip(*np.nonzero(levels), strict=True)], batch_size=5000)
    PcProfile.threat_expertise.through.objects.bulk_create(
        [PcProfile.threat_expertise.through(pcprofile_id=profiles[j].pk, vocabularyterm_id=term.pk)
         for j in range(n_reviewers)
         for term in {terms[kind][a % len(terms[kind])] for a in np.flatnonzero(pc_mix[j] > 0.15)
                      for kind in ("phase", "domain")}], batch_size=5000)

    # 60 bids each: three quarters on papers near the member's interests, the rest anywhere.
    near = paper_mix.astype(np.float32) @ pc_mix.T.astype(np.float32)  # papers x members
    bids, per = [], min(BIDS_PER_REVIEWER, n_papers)
    prefs = np.array(["eager", "willing", "not_willing", "conflict", ""])
    for j, member in enumerate(pc):
        pool = np.argpartition(-near[:, j], min(3 * per, n_papers - 1))[: 3 * per]
        chosen = set(rng.choice(pool, size=min(per * 3 // 4, len(pool)), replace=False).tolist())
        while len(chosen) < per:
            chosen.add(int(rng.integers(n_papers)))
        for i, pref in zip(chosen, rng.choice(prefs, size=len(chosen), p=[0.3, 0.38, 0.25, 0.02, 0.05]),
                           strict=True):
            conflicted.update([(i, member.pk)] if pref == "conflict" else [])
            bids.append(Bid(user=member, submission=papers[i], preference=str(pref),
                            expertise=int(rng.integers(1, 4)) if rng.random() < 0.5 else None))
    Bid.objects.bulk_create(bids, batch_size=10000)

    # A few assignments made by hand before the run, some with a review started.
    rows, reviews = [], []
    for i in rng.choice(n_papers, size=n_papers // 20, replace=False):
        member = pc[int(rng.integers(len(pc)))]
        if (i, member.pk) in conflicted:
            continue
        rows.append(Assignment(submission=papers[i], reviewer=member, assigned_by=chair))
        if rng.random() < 0.4:
            reviews.append(Review(submission=papers[i], reviewer=member, values={"summary": "Started."}))
    Assignment.objects.bulk_create(rows, batch_size=5000)
    Review.objects.bulk_create(reviews, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("analyze")


# --- the run ------------------------------------------------------------------------------------


def _run(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reviews.assignments import runs
    from reviews.models import AssignmentRun
    from workshop.models import User
    from workshop.runs import RunState
    from workshop.selectors import workshop_current

    AssignmentRun.objects.all().delete()
    chair = User.objects.get(email="chair@bench.example")
    params = runs.default_params(workshop_current())
    max_load = args.max_load or -(-args.k * args.papers // args.reviewers) + 2
    params.update(mode=args.mode, k=args.k, max_load=max_load)
    print(f"{args.papers} papers x {args.reviewers} PC members, mode {args.mode}, k={args.k}, "
          f"max load {max_load}", flush=True)

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        run = runs.run_create(by=chair, params=params)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
        return

    steps = Steps()
    original = runs._progress

    def progress(run, percent, stage):  # the run's own stage boundaries
        steps.next(f"{percent:>3}% {stage}")
        original(run, percent, stage)

    runs._progress = progress
    steps.start("start the run")
    try:
        run = runs.run_create(by=chair, params=params)  # Celery eager: the task runs inside
    finally:
        steps.stop()
        runs._progress = original
    run.refresh_from_db()
    if run.state != RunState.DONE:
        raise SystemExit(f"the run did not finish: {run.state} {run.error}")
    with connection.cursor() as cursor:
        cursor.execute("select pg_column_size(result), octet_length(result::text) from reviews_assignmentrun "
                       "where id = %s", [run.pk])
        stored, text = cursor.fetchone()
    client = Client()
    client.force_login(chair)
    client.get("/chair/assignments/auto/")  # a warm server: templates loaded, session read
    url = f"/chair/assignments/auto/{run.pk}/"
    steps.start("render the preview (first page)")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    steps.stop()
    assert response.status_code == 200, response.status_code
    steps.print(f"{args.papers} papers x {args.reviewers} PC members on PostgreSQL")
    print(f"proposal: {run.result.get('count', len(run.result.get('pairs', [])))} pairs, stored result "
          f"{stored / 1024:.0f} KiB ({text / 1024:.0f} KiB as text); preview {len(queries.captured_queries)} queries, "
          f"{len(response.content) / 1024:.0f} KiB; solver {run.result.get('seconds', 0):.2f} s")
    last = -(-len({p["paper"] for p in runs.stored_pairs(run.result)}) // 100)
    for name, query in [("preview, first page", ""), (f"preview, page {last}", f"?page={last}")]:
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url + query)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        median = sorted(times)[len(times) // 2] * 1000
        print(f"{args.papers:>5} papers x {args.reviewers:>4} PC | {name:<22} | median {median:7.1f} ms | "
              f"{len(queries.captured_queries):>3} queries | {len(response.content) / 1024:6.1f} KB", flush=True)


if __name__ == "__main__":
    main()
