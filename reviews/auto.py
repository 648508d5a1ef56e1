"""Automatic assignment in the app: gather the workshop's data into the
Django-free affinity and solver (`reviews/assignment/`), keep the proposal on
an AssignmentRun, and apply it in one transaction."""

from dataclasses import asdict, dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from reviews.assignment.affinity import Affinity, Bid, Weights, incidence, profile_text, tfidf_vectors
from reviews.assignment.solver import AssignmentInfeasible, assign
from reviews.models import Assignment, AssignmentRun, PcProfile, RunStatus, TopicExpertise
from reviews.models import Bid as BidRow
from reviews.services import Refused, assignment_add
from reviews.tasks import assignment_run_task
from submissions.models import Submission
from submissions.selectors import with_related
from workshop import policy
from workshop.models import User, VocabularyKind
from workshop.selectors import pc_members

MODES = {"fresh": "Fresh assignment (replace unreviewed assignments)",
         "ensure": "Ensure every paper has k (only add)",
         "rebalance": "Rebalance (keep good existing pairs)"}
BID_CODES = {"eager": Bid.EAGER, "willing": Bid.WILLING, "not_willing": Bid.NOT_WILLING, "conflict": Bid.CONFLICT}
EXPERT_TOPIC_SHARE = 0.5  # a reviewer covering half a paper's topics at high level counts as an expert


def run_create(*, by: User, params: dict) -> AssignmentRun:
    with transaction.atomic():
        run = AssignmentRun.objects.create(created_by=by, params=params, stage="Waiting for a worker")
        transaction.on_commit(lambda: assignment_run_task.delay(run.pk))
    return run


def _progress(run: AssignmentRun, percent: int, stage: str) -> None:
    AssignmentRun.objects.filter(pk=run.pk).update(progress=percent, stage=stage, status=RunStatus.RUNNING)


def _recent_papers(text: str) -> list[tuple[str, str]]:
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return [(b.split("\n", 1)[0], b.split("\n", 1)[1] if "\n" in b else "") for b in blocks]


def _inputs(by: User):
    papers = [p for p in with_related(Submission.objects.filter(withdrawn_at__isnull=True)).order_by("pk")
              if policy.can_manage_assignments(by, p)]
    reviewers = sorted(pc_members(), key=lambda u: u.pk)
    return papers, reviewers


def _affinity(papers, reviewers, weights: Weights) -> tuple[Affinity, list, list]:
    paper_index = {p.pk: i for i, p in enumerate(papers)}
    reviewer_index = {u.pk: j for j, u in enumerate(reviewers)}
    profiles = {p.user_id: p for p in PcProfile.objects.filter(user__in=reviewers).prefetch_related(
        "threat_expertise")}
    paper_texts = [f"{p.title}. {p.abstract}" for p in papers]
    reviewer_texts = [
        profile_text(profiles[u.pk].research_statement, _recent_papers(profiles[u.pk].recent_papers))
        if u.pk in profiles else "" for u in reviewers
    ]
    text = tfidf_vectors(paper_texts, reviewer_texts) if any(t.strip() for t in reviewer_texts) else None
    topic_ids = sorted({t.pk for p in papers for t in p.topics.all()}
                       | set(TopicExpertise.objects.values_list("topic_id", flat=True)))
    topic_col = {t: c for c, t in enumerate(topic_ids)}
    levels = [dict() for _ in reviewers]
    for e in TopicExpertise.objects.filter(user__in=reviewers):
        levels[reviewer_index[e.user_id]][topic_col[e.topic_id]] = e.level / 3
    topics = (incidence([{topic_col[t.pk] for t in p.topics.all()} for p in papers], len(topic_ids)),
              incidence(levels, len(topic_ids)))
    threat = []
    for kind in (VocabularyKind.ATTACK_PHASE, VocabularyKind.TARGET_DOMAIN):
        term_ids = sorted({t.pk for p in papers for t in p.threat_terms.all() if t.kind == kind}
                          | {t.pk for pr in profiles.values() for t in pr.threat_expertise.all() if t.kind == kind})
        col = {t: c for c, t in enumerate(term_ids)}
        paper_side = incidence([{col[t.pk] for t in p.threat_terms.all() if t.kind == kind} for p in papers],
                               len(term_ids))
        reviewer_side = incidence([{col[t.pk] for t in profiles[u.pk].threat_expertise.all() if t.kind == kind}
                                   if u.pk in profiles else set() for u in reviewers], len(term_ids))
        threat.append((paper_side, reviewer_side))
    bid_rows = [(paper_index[b.submission_id], reviewer_index[b.user_id], BID_CODES[b.preference])
                for b in BidRow.objects.filter(submission__in=papers, user__in=reviewers).exclude(preference="")]
    conflicts = [(paper_index[p.pk], reviewer_index[u.pk]) for p in papers for u in reviewers
                 if policy.is_conflicted(u, p)]
    bids = tuple(np.array(col, dtype=np.int64) for col in zip(*bid_rows, strict=True)) if bid_rows else None
    conflict_arrays = tuple(np.array(c, dtype=np.int64) for c in zip(*conflicts, strict=True)) if conflicts else None
    affinity = Affinity(len(papers), len(reviewers), text=text, topics=topics, threat=threat, bids=bids,
                        conflicts=conflict_arrays, weights=weights)
    return affinity, paper_index, reviewer_index


def run_execute(*, run_id: int) -> None:
    run = AssignmentRun.objects.get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return
    params = run.params
    try:
        _progress(run, 10, "Reading papers, profiles, bids and conflicts")
        papers, reviewers = _inputs(run.created_by)
        if not papers or not reviewers:
            raise AssignmentInfeasible("There are no papers or no PC members to assign.", papers=[], missing=0)
        weights = Weights(**{k: float(params["weights"][k]) for k in ("text", "topic", "threat", "bid")})
        _progress(run, 30, "Scoring every paper against every PC member")
        affinity, paper_index, reviewer_index = _affinity(papers, reviewers, weights)
        candidates = affinity.candidates(k=min(50, len(reviewers)))
        existing = [(paper_index[a.submission_id], reviewer_index[a.reviewer_id])
                    for a in Assignment.objects.filter(submission__in=papers, reviewer__in=reviewers)]
        written = {(r.submission_id, r.reviewer_id) for p in papers for r in p.reviews.all()}
        locked = [(paper_index[p.pk], reviewer_index[u.pk]) for p in papers for u in reviewers
                  if (p.pk, u.pk) in written]
        _progress(run, 60, "Solving the min-cost flow")
        result = assign(
            candidates, reviews_per_paper=int(params["k"]), min_load=int(params["min_load"]),
            max_load=int(params["max_load"]), conflicts=affinity.conflict_pairs(),
            existing=_pairs(existing), locked=_pairs(locked), mode=params["mode"], fair=bool(params["fair"]),
            paper_labels=[f"#{p.pk}" for p in papers],
        )
        _progress(run, 90, "Preparing the preview")
        parts = affinity.components(result.paper, result.reviewer)
        pairs = [
            {"paper": papers[row["paper"]].pk, "reviewer": reviewers[row["reviewer"]].pk,
             "score": round(row["total"], 4), "text": round(row["text"], 3), "topic": round(row["topic"], 3),
             "threat": round(row["threat"], 3), "bid": round(row["bid"], 3),
             "kept": bool(result.kept[i])}
            for i, row in enumerate(parts.rows())
        ]
        AssignmentRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, progress=100, stage="Done", finished_at=timezone.now(),
            result={"pairs": pairs, "objective": result.objective, "total": result.total_score,
                    "min_paper": result.min_paper_score, "seconds": result.solve_seconds,
                    "loads": {reviewers[j].pk: int(n) for j, n in enumerate(result.loads)}},
        )
    except AssignmentInfeasible as infeasible:
        AssignmentRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, message=str(infeasible),
                                                       finished_at=timezone.now(), stage="Not possible")


def _pairs(pairs: list[tuple[int, int]]):
    if not pairs:
        return None
    papers, reviewers = zip(*pairs, strict=True)
    return np.array(papers, dtype=np.int64), np.array(reviewers, dtype=np.int64)


@dataclass
class RunView:
    """A saved proposal as one chair may see and apply it now. A run is
    stored once but read later: conflicts declared since it was computed are
    applied at read time."""

    pairs: list[dict]      # applicable pairs, each with its `submission` and `reviewer` objects
    blocked: list[dict]    # pairs whose reviewer has become conflicted with the paper
    left_out: bool         # some papers of the run are no longer the viewer's to manage


def run_view(*, run: AssignmentRun, user: User) -> RunView:
    stored = run.result.get("pairs", [])
    papers = {p.pk: p for p in with_related(Submission.objects.filter(pk__in={p["paper"] for p in stored}))}
    people = {u.pk: u for u in User.objects.filter(pk__in={p["reviewer"] for p in stored})}
    pairs, blocked, left_out = [], [], False
    for stored_pair in stored:
        paper, reviewer = papers.get(stored_pair["paper"]), people.get(stored_pair["reviewer"])
        if paper is None or not policy.can_manage_assignments(user, paper):
            left_out = True
            continue
        pair = {**stored_pair, "submission": paper, "reviewer_user": reviewer}
        refusal = policy.assignment_refusal(submission=paper, reviewer=reviewer) if reviewer else "gone"
        (blocked if refusal else pairs).append({**pair, "refusal": refusal})
    return RunView(pairs=pairs, blocked=blocked, left_out=left_out)


def run_apply(*, run: AssignmentRun, by: User) -> tuple[int, int, list[str]]:
    """Make the proposal the assignment: add its new pairs (mailing those
    reviewers) and, except in "ensure" mode, drop assignments it does not keep
    unless a review was already started. Pairs that conflicts declared since
    the run now forbid are skipped and named. Returns (added, removed, skipped)."""
    if run.status != RunStatus.DONE:
        raise Refused("Only a finished proposal can be applied.")
    view = run_view(run=run, user=by)
    proposed = {(p["paper"], p["reviewer"]): p for p in view.pairs}
    skipped = [f"#{p['paper']} → {p['reviewer_user'].full_name if p['reviewer_user'] else 'a removed account'}"
               f" ({p['refusal']})" for p in view.blocked]
    if view.left_out:
        skipped.append("papers you are now conflicted with")
    added = removed = 0
    with transaction.atomic():
        locked = AssignmentRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.DONE:
            raise Refused("This proposal was already applied or discarded.")
        current = set(Assignment.objects.values_list("submission_id", "reviewer_id"))
        if run.params["mode"] != "ensure":
            started = set(Submission.objects.filter(reviews__isnull=False).values_list("pk", "reviews__reviewer"))
            dropped = current - set(proposed) - started
            managed = {s.pk for s in with_related(Submission.objects.filter(pk__in={p for p, _ in dropped}))
                       if policy.can_manage_assignments(by, s)}
            for paper_id, reviewer_id in dropped:
                if paper_id in managed:
                    Assignment.objects.filter(submission_id=paper_id, reviewer_id=reviewer_id).delete()
                    removed += 1
        for key in sorted(set(proposed) - current):
            pair = proposed[key]
            assignment_add(submission=pair["submission"], reviewer=pair["reviewer_user"], by=by)
            added += 1
        AssignmentRun.objects.filter(pk=run.pk).update(status=RunStatus.APPLIED)
    return added, removed, skipped


def run_discard(*, run: AssignmentRun) -> None:
    AssignmentRun.objects.filter(pk=run.pk, status__in=[RunStatus.DONE, RunStatus.FAILED]).update(
        status=RunStatus.DISCARDED)


def default_params(workshop) -> dict:
    return {"mode": "fresh", "k": workshop.reviews_per_paper, "min_load": 0, "max_load": 5, "fair": False,
            "weights": asdict(Weights())}
