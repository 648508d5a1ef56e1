"""Automatic assignment runs: gather the workshop's data into the Django-free
affinity and solver (affinity.py, solver.py), keep the proposal on an
AssignmentRun, and apply it in one transaction."""

import logging
import math
from dataclasses import asdict, dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from reviews.assignments.affinity import Affinity, Bid, Weights, incidence, profile_text, tfidf_vectors
from reviews.assignments.solver import AssignmentInfeasible, assign
from reviews.models import Assignment, AssignmentRun, PcProfile, Proposal, Review, ReviewStatus, TopicExpertise
from reviews.models import Bid as BidRow
from reviews.tasks import assignment_run_task
from submissions.models import Submission
from workshop import policy
from workshop.errors import Refused
from workshop.models import Job, JobKind, User, VocabularyKind
from workshop.runs import ACTIVE, Progress, RunState, progress_write
from workshop.selectors import pc_members, users_with_roles_cached

log = logging.getLogger(__name__)

MODES = {"fresh": "Fresh assignment (replace assignments without a submitted review)",
         "ensure": "Ensure every paper has k (only add)",
         "rebalance": "Rebalance (keep good existing pairs)"}
BID_CODES = {"eager": Bid.EAGER, "willing": Bid.WILLING, "not_willing": Bid.NOT_WILLING, "conflict": Bid.CONFLICT}
EXPERT_TOPIC_SHARE = 0.5  # a reviewer covering half a paper's topics at high level counts as an expert


def run_create(*, by: User, params: dict) -> AssignmentRun:
    with transaction.atomic():
        run = AssignmentRun.objects.create(created_by=by, params=params, total=100)
        transaction.on_commit(lambda: assignment_run_task.delay(run.pk))
    return run


def _progress(run: AssignmentRun, percent: int, stage: str) -> None:
    progress_write(AssignmentRun, run.pk, done=percent, step=stage, state=RunState.RUNNING)


def assignment_run_progress(run: AssignmentRun) -> Progress:
    """The run as the one progress bar shows it: percent done, and the stage it is at."""
    return Progress(state=run.state, done=run.done, total=100, step=run.step, of="%",
                    error=run.error if run.state == RunState.FAILED else "")


def _recent_papers(text: str) -> list[tuple[str, str]]:
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return [(b.split("\n", 1)[0], b.split("\n", 1)[1] if "\n" in b else "") for b in blocks]


THREAT_KINDS = (VocabularyKind.ATTACK_PHASE, VocabularyKind.TARGET_DOMAIN)


@dataclass
class Inputs:
    """Everything a run reads from the database, in a handful of queries (none per
    paper or per pair), indexed like the affinity: paper i, PC member j."""

    papers: list[Submission]               # those `by` may manage, in number order
    reviewers: list[User]                  # the PC, by id
    paper_texts: list[str]
    reviewer_texts: list[str]
    paper_topics: list[set[int]]           # topic ids
    reviewer_levels: list[dict[int, float]]  # topic id -> level / 3
    expertise_topics: set[int]             # every topic someone declared expertise in
    paper_terms: list[list[tuple[int, str]]]     # (term id, kind) of the threat-model facets
    reviewer_terms: list[list[tuple[int, str]]]
    bids: list[tuple[int, int, int]]       # (i, j, affinity.Bid code)
    conflicts: list[tuple[int, int]]
    existing: list[tuple[int, int]]        # assignments now
    locked: list[tuple[int, int]]          # a review is submitted: kept whatever the mode


def _inputs(by: User) -> Inputs:
    # The policy decides per paper on the prefetched authors and conflicts (O(papers)).
    papers = [p for p in Submission.objects.filter(withdrawn_at__isnull=True).prefetch_related("authors", "conflicts")
              .order_by("pk") if policy.can_manage_assignments(by, p)]
    reviewers = sorted(pc_members(), key=lambda u: u.pk)
    paper_index = {p.pk: i for i, p in enumerate(papers)}
    reviewer_index = {u.pk: j for j, u in enumerate(reviewers)}
    paper_ids, reviewer_ids = list(paper_index), list(reviewer_index)

    profiles = {user_id: (pk, profile_text(statement, _recent_papers(recent)))
                for pk, user_id, statement, recent in PcProfile.objects.filter(user_id__in=reviewer_ids)
                .values_list("pk", "user_id", "research_statement", "recent_papers")}
    reviewer_terms = [[] for _ in reviewers]
    profile_owner = {pk: reviewer_index[user_id] for user_id, (pk, _) in profiles.items()}
    for profile_id, term_id, kind in PcProfile.threat_expertise.through.objects.filter(
            pcprofile_id__in=list(profile_owner), vocabularyterm__kind__in=THREAT_KINDS).values_list(
            "pcprofile_id", "vocabularyterm_id", "vocabularyterm__kind"):
        reviewer_terms[profile_owner[profile_id]].append((term_id, kind))
    paper_topics = [set() for _ in papers]
    for paper_id, topic_id in Submission.topics.through.objects.filter(submission_id__in=paper_ids).values_list(
            "submission_id", "topic_id"):
        paper_topics[paper_index[paper_id]].add(topic_id)
    paper_terms = [[] for _ in papers]
    for paper_id, term_id, kind in Submission.threat_terms.through.objects.filter(
            submission_id__in=paper_ids, vocabularyterm__kind__in=THREAT_KINDS).values_list(
            "submission_id", "vocabularyterm_id", "vocabularyterm__kind"):
        paper_terms[paper_index[paper_id]].append((term_id, kind))
    reviewer_levels = [{} for _ in reviewers]
    for user_id, topic_id, level in TopicExpertise.objects.filter(user_id__in=reviewer_ids).values_list(
            "user_id", "topic_id", "level"):
        reviewer_levels[reviewer_index[user_id]][topic_id] = level / 3
    bids = [(paper_index[p], reviewer_index[u], BID_CODES[pref]) for p, u, pref in BidRow.objects.filter(
        submission_id__in=paper_ids, user_id__in=reviewer_ids).exclude(preference="").values_list(
        "submission_id", "user_id", "preference")]
    existing = sorted((paper_index[p], reviewer_index[u]) for p, u in Assignment.objects.filter(
        submission_id__in=paper_ids, reviewer_id__in=reviewer_ids).values_list("submission_id", "reviewer_id"))
    # Submitted reviews only: a draft is its writer's private business, and a "kept" pair for it would tell
    # the chair who has started which review (run, look, discard).
    locked = sorted((paper_index[p], reviewer_index[u]) for p, u in Review.objects.filter(
        submission_id__in=paper_ids, reviewer_id__in=reviewer_ids, status=ReviewStatus.SUBMITTED).values_list(
        "submission_id", "reviewer_id"))
    return Inputs(
        papers=papers, reviewers=reviewers,
        paper_texts=[f"{p.title}. {p.abstract}" for p in papers],
        reviewer_texts=[profiles[u.pk][1] if u.pk in profiles else "" for u in reviewers],
        paper_topics=paper_topics, reviewer_levels=reviewer_levels,
        expertise_topics=set(TopicExpertise.objects.values_list("topic_id", flat=True).distinct()),
        paper_terms=paper_terms, reviewer_terms=reviewer_terms, bids=bids,
        conflicts=_conflicts(papers, reviewers), existing=existing, locked=locked)


def _conflicts(papers: list[Submission], reviewers: list[User]) -> list[tuple[int, int]]:
    """(i, j) for every paper and PC member `policy.is_conflicted` pairs. It can only
    hold for the paper's creator, its authors (by email) and people with a recorded
    conflict, so only those pairs are asked: the same answer as asking all of them,
    in time linear in papers and authors rather than papers x PC members."""
    reviewer_index = {u.pk: j for j, u in enumerate(reviewers)}
    by_email: dict[str, list[int]] = {}
    for j, u in enumerate(reviewers):
        by_email.setdefault(u.email.lower(), []).append(j)
    pairs = []
    for i, paper in enumerate(papers):
        maybe = {reviewer_index.get(paper.created_by_id)}
        maybe.update(reviewer_index.get(c.user_id) for c in paper.conflicts.all())
        for author in paper.authors.all():
            maybe.update(by_email.get(author.email.lower(), ()))
        pairs.extend((i, j) for j in sorted(maybe - {None}) if policy.is_conflicted(reviewers[j], paper))
    return pairs


def _affinity(inputs: Inputs, weights: Weights) -> Affinity:
    papers, reviewers = inputs.papers, inputs.reviewers
    reviewer_texts = inputs.reviewer_texts
    text = (tfidf_vectors(inputs.paper_texts, reviewer_texts) if any(t.strip() for t in reviewer_texts)
            else None)
    topic_ids = sorted(set().union(*inputs.paper_topics) | inputs.expertise_topics)
    topic_col = {t: c for c, t in enumerate(topic_ids)}
    levels = [{topic_col[t]: level for t, level in row.items()} for row in inputs.reviewer_levels]
    topics = (incidence([{topic_col[t] for t in row} for row in inputs.paper_topics], len(topic_ids)),
              incidence(levels, len(topic_ids)))
    threat = []
    for kind in THREAT_KINDS:
        term_ids = sorted({t for row in inputs.paper_terms for t, k in row if k == kind}
                          | {t for row in inputs.reviewer_terms for t, k in row if k == kind})
        col = {t: c for c, t in enumerate(term_ids)}
        threat.append((incidence([{col[t] for t, k in row if k == kind} for row in inputs.paper_terms],
                                 len(term_ids)),
                       incidence([{col[t] for t, k in row if k == kind} for row in inputs.reviewer_terms],
                                 len(term_ids))))
    bids = tuple(np.array(c, dtype=np.int64) for c in zip(*inputs.bids, strict=True)) if inputs.bids else None
    conflicts = _pairs(inputs.conflicts)
    return Affinity(len(papers), len(reviewers), text=text, topics=topics, threat=threat, bids=bids,
                    conflicts=conflicts, weights=weights)


def _proposal(inputs: Inputs, affinity: Affinity, result) -> dict:
    """The run's result as stored: one short row per assigned pair (see PAIR_FIELDS),
    never a row or an object per candidate pair."""
    parts = affinity.components(result.paper, result.reviewer)
    paper_pk = np.array([p.pk for p in inputs.papers], dtype=np.int64)[parts.paper]
    reviewer_pk = np.array([u.pk for u in inputs.reviewers], dtype=np.int64)[parts.reviewer]
    columns = [paper_pk.tolist(), reviewer_pk.tolist(), [round(x, 4) for x in parts.total.tolist()],
               *([round(x, 3) for x in getattr(parts, name).tolist()] for name in ("text", "topic", "threat", "bid")),
               result.kept.astype(bool).tolist()]
    return {"fields": list(PAIR_FIELDS), "pairs": [list(row) for row in zip(*columns, strict=True)],
            "objective": result.objective, "total": result.total_score,
            # JSON has no NaN (PostgreSQL refuses it): the solver's NaN means no paper needed a reviewer
            "min_paper": result.min_paper_score if math.isfinite(result.min_paper_score) else None,
            "seconds": result.solve_seconds,
            "loads": {inputs.reviewers[j].pk: int(n) for j, n in enumerate(result.loads)}}


def run_execute(*, run_id: int) -> None:
    run = AssignmentRun.objects.get(pk=run_id)
    if run.state not in ACTIVE:
        return
    progress_write(AssignmentRun, run.pk, started_at=timezone.now())
    params = run.params
    try:
        _progress(run, 10, "Reading papers, profiles, bids and conflicts")
        inputs = _inputs(run.created_by)
        if not inputs.papers or not inputs.reviewers:
            raise AssignmentInfeasible("There are no papers or no PC members to assign.", papers=[], missing=0)
        weights = Weights(**{k: float(params["weights"][k]) for k in ("text", "topic", "threat", "bid")})
        _progress(run, 30, "Scoring every paper against every PC member")
        affinity = _affinity(inputs, weights)
        candidates = affinity.candidates(k=min(50, len(inputs.reviewers)))
        _progress(run, 60, "Solving the min-cost flow")
        result = assign(
            candidates, reviews_per_paper=int(params["k"]), min_load=int(params["min_load"]),
            max_load=int(params["max_load"]), conflicts=affinity.conflict_pairs(),
            existing=_pairs(inputs.existing), locked=_pairs(inputs.locked), mode=params["mode"],
            fair=bool(params["fair"]), paper_labels=[f"#{p.pk}" for p in inputs.papers],
        )
        _progress(run, 90, "Preparing the preview")
        proposal = _proposal(inputs, affinity, result)
        _progress(run, 95, "Saving the proposal")
        progress_write(AssignmentRun, run.pk, state=RunState.DONE, done=100, step="Done",
                       finished_at=timezone.now(), result=proposal)
    except AssignmentInfeasible as infeasible:
        progress_write(AssignmentRun, run.pk, state=RunState.FAILED, error=str(infeasible),
                       finished_at=timezone.now(), step="Not possible")
    except Exception as error:  # noqa: BLE001 - the page must stop saying "working"; the log has why
        log.exception("assignment run %s failed", run.pk)
        progress_write(AssignmentRun, run.pk, state=RunState.FAILED, finished_at=timezone.now(), step="Failed",
                       error=f"The computation stopped on an error ({type(error).__name__}); nothing was "
                               "changed. Try again, or tell the site's administrators.")


def _pairs(pairs: list[tuple[int, int]]):
    if not pairs:
        return None
    papers, reviewers = zip(*pairs, strict=True)
    return np.array(papers, dtype=np.int64), np.array(reviewers, dtype=np.int64)


# A stored pair: paper and reviewer ids, the score and its parts, and whether it was kept.
PAIR_FIELDS = ("paper", "reviewer", "score", "text", "topic", "threat", "bid", "kept")


def stored_pairs(result: dict) -> list[dict]:
    """The proposal's pairs as dicts. Runs store each pair as a list in PAIR_FIELDS
    order (`fields` names them), under half the size of an object per pair; runs
    stored before that have one object per pair."""
    fields = result.get("fields")
    pairs = result.get("pairs", [])
    return [dict(zip(fields, row, strict=True)) for row in pairs] if fields else pairs


@dataclass
class RunView:
    """A saved proposal as one chair may see and apply it now. A run is
    stored once but read later: conflicts declared since it was computed are
    applied at read time."""

    pairs: list[dict]      # applicable pairs, each with its `submission` and `reviewer` objects
    blocked: list[dict]    # pairs whose reviewer has become conflicted with the paper
    left_out: bool         # some papers of the run are no longer the viewer's to manage


def run_view(*, run: AssignmentRun, user: User) -> RunView:
    stored = stored_pairs(run.result)
    # Only what the policy asks below: authors and conflicts (no per-paper or per-person query).
    papers = {p.pk: p for p in Submission.objects.filter(pk__in={p["paper"] for p in stored})
              .prefetch_related("authors", "conflicts")}
    people = _people({p["reviewer"] for p in stored})
    manageable = {pk: policy.can_manage_assignments(user, paper) for pk, paper in papers.items()}
    pairs, blocked, left_out = [], [], False
    for stored_pair in stored:
        paper, reviewer = papers.get(stored_pair["paper"]), people.get(stored_pair["reviewer"])
        if paper is None or not manageable[paper.pk]:
            left_out = True
            continue
        pair = {**stored_pair, "submission": paper, "reviewer_user": reviewer}
        refusal = policy.assignment_refusal(submission=paper, reviewer=reviewer) if reviewer else "gone"
        (blocked if refusal else pairs).append({**pair, "refusal": refusal})
    return RunView(pairs=pairs, blocked=blocked, left_out=left_out)


def _people(ids: set[int]) -> dict[int, User]:
    """`policy.assignment_refusal` asks `is_pc_member` of each person: read every role at once."""
    return users_with_roles_cached(ids)


def apply_scope(run: AssignmentRun) -> str:
    """What a job applying `run` acts on: one such job at a time."""
    return f"run:{run.pk}"


def run_applying(run: AssignmentRun) -> Job | None:
    """The job applying `run` now, if one is queued or running."""
    return Job.objects.filter(kind=JobKind.ASSIGNMENT_APPLY, scope=apply_scope(run), state__in=ACTIVE).first()


def run_discard(*, run: AssignmentRun) -> None:
    """Discard a proposal, unless it is being applied (the job would apply it all the same)."""
    if run_applying(run) is not None:
        raise Refused("This proposal is being applied; it can no longer be discarded.")
    AssignmentRun.objects.filter(pk=run.pk, state__in=[RunState.DONE, RunState.FAILED],
                                 proposal=Proposal.OPEN).update(proposal=Proposal.DISCARDED)


def default_params(workshop) -> dict:
    return {"mode": "fresh", "k": workshop.reviews_per_paper, "min_load": 0, "max_load": 5, "fair": False,
            "weights": asdict(Weights())}
