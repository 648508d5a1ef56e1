"""Reviewer assignment as an exact min-cost flow (plain Python + numpy, no Django).

Network: paper --(1 per candidate pair, cost -score)--> reviewer --(one arc per unit of
load, cost rising with the load)--> sink.  Parallel load arcs with increasing cost are
HotCRP's trick: the flow fills a reviewer's cheap first slots before anyone's expensive
fifth slot, so load spreads evenly without a non-linear objective.  The constraint matrix
is a network matrix (totally unimodular), so the integral flow optimum is also the LP
optimum; the tests check that against scipy's HiGHS.

Fair mode maximises the lowest paper score first, then the sum; that extra per-paper
constraint breaks total unimodularity, see ``_fair``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

__all__ = [
    "SCALE",
    "DEFAULT_LOAD_PENALTY",
    "MODES",
    "AssignmentInfeasible",
    "Candidates",
    "Assignment",
    "assign",
    "lp_objective",
    "lp_max_min",
]

# Scores are floats, the flow solver wants integers: 1e-6 resolution keeps rounding error
# below 1e-6 per pair while 10^6 * (total score) stays far from int64 overflow.
SCALE = 10**6
# Cost of the u-th paper on one reviewer is DEFAULT_LOAD_PENALTY * (u - 1): a reviewer's
# 5th paper costs 0.04 score units (text cosine differences between good candidates are
# typically ~0.05-0.2), enough to break near-ties towards lighter reviewers but never to
# trade a clearly better match for balance.
DEFAULT_LOAD_PENALTY = 0.01
MODES = ("fresh", "ensure", "rebalance")
# Paper scores are float sums; a paper "reaches" a target within this.
_TOL = 1e-7
# A Lagrangian gap below this proves fair mode's sum optimal (scores are rounded to 1e-6).
_GAP_TOL = 1e-6

Pairs = tuple[Sequence[int] | np.ndarray, Sequence[int] | np.ndarray]


class AssignmentInfeasible(Exception):
    """The input cannot be satisfied; ``str(exc)`` is a message for the chair."""

    def __init__(self, message: str, papers: Sequence[int] = (), missing: int = 0):
        super().__init__(message)
        self.papers = [int(p) for p in papers]
        self.missing = int(missing)


@dataclass(frozen=True)
class Candidates:
    """Sparse candidate pairs with scores, sorted by (paper, reviewer), no duplicates."""

    n_papers: int
    n_reviewers: int
    paper: np.ndarray  # int32
    reviewer: np.ndarray  # int32
    score: np.ndarray  # float64

    @classmethod
    def from_arrays(cls, n_papers: int, n_reviewers: int, paper, reviewer, score) -> Candidates:
        p = np.asarray(paper, dtype=np.int64).ravel()
        r = np.asarray(reviewer, dtype=np.int64).ravel()
        s = np.asarray(score, dtype=np.float64).ravel()
        if not (len(p) == len(r) == len(s)):
            raise ValueError("paper, reviewer and score must have the same length")
        if len(p) and (p.min() < 0 or p.max() >= n_papers or r.min() < 0 or r.max() >= n_reviewers):
            raise ValueError("candidate index out of range")
        if not np.isfinite(s).all():
            raise ValueError("candidate scores must be finite")
        # Sort by key, best score first inside a key, then keep the first of each key.
        key = p * n_reviewers + r
        order = np.lexsort((-s, key))
        key, s = key[order], s[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        key, s = key[first], s[first]
        return cls(
            n_papers,
            n_reviewers,
            (key // n_reviewers).astype(np.int32),
            (key % n_reviewers).astype(np.int32),
            s,
        )

    def keys(self) -> np.ndarray:
        return self.paper.astype(np.int64) * self.n_reviewers + self.reviewer


@dataclass(frozen=True)
class Assignment:
    """Solver output; pairs are sorted by paper, then reviewer."""

    paper: np.ndarray  # int32 paper index per assigned pair
    reviewer: np.ndarray  # int32 reviewer index per assigned pair
    score: np.ndarray  # candidate score per pair (0 for kept pairs without a candidate)
    kept: np.ndarray  # bool per pair: fixed before the solve (locked, or existing in "ensure")
    paper_score: np.ndarray  # sum of pair scores per paper
    loads: np.ndarray  # papers per reviewer, kept ones included
    objective: float  # total_score - load_cost: what the solver maximised
    total_score: float
    load_cost: float
    min_paper_score: float  # over papers that needed reviewers
    lp_max_min: float | None  # fair mode: LP upper bound on min_paper_score
    solve_seconds: float


@dataclass
class _Net:
    """The flow network after kept pairs, conflicts and full reviewers are taken out."""

    n_papers: int
    n_reviewers: int
    arc_paper: np.ndarray  # free candidate arcs
    arc_reviewer: np.ndarray
    arc_score: np.ndarray  # true score, reported
    arc_weight: np.ndarray  # what is optimised (score + stickiness for existing pairs)
    need: np.ndarray  # reviews still to assign per paper
    lower: np.ndarray  # reviews a reviewer must still get to reach min load
    room: np.ndarray  # reviews a reviewer may still get
    base: np.ndarray  # kept load per reviewer
    unit_reviewer: np.ndarray  # one load arc per unit (or one per reviewer without penalty)
    unit_cap: np.ndarray
    unit_cost: np.ndarray  # float, per unit of flow
    fixed_paper: np.ndarray
    fixed_reviewer: np.ndarray
    fixed_score: np.ndarray
    load_penalty: float
    labels: Sequence[str] | None

    def label(self, i: int) -> str:
        return _lbl(self.labels, i)


def assign(
    cands: Candidates,
    *,
    reviews_per_paper: int | Sequence[int] | np.ndarray = 3,
    min_load: int | Sequence[int] | np.ndarray = 0,
    max_load: int | Sequence[int] | np.ndarray = 5,
    conflicts: Pairs | None = None,
    existing: Pairs | None = None,
    locked: Pairs | None = None,
    mode: str = "fresh",
    fair: bool = False,
    load_penalty: float = DEFAULT_LOAD_PENALTY,
    stickiness: float = 0.05,
    paper_labels: Sequence[str] | None = None,
    time_limit: float = 60.0,
) -> Assignment:
    """Assign reviewers to papers, maximising total score minus the load penalty.

    Modes: ``fresh`` ignores ``existing``; ``ensure`` keeps every existing pair and only
    adds reviewers until each paper has ``reviews_per_paper``; ``rebalance`` re-solves from
    scratch but gives existing pairs a ``stickiness`` bonus so only changes worth more than
    that happen.  ``locked`` pairs (e.g. reviews already written) are kept in every mode.
    ``fair`` first maximises the lowest paper score (among papers that get new reviewers),
    then the sum; ``time_limit`` (seconds) bounds its MILP steps, after which the best
    solution found is returned.  Raises ``AssignmentInfeasible`` with a message naming the
    papers.
    """
    start = time.perf_counter()
    net = _build(
        cands,
        reviews_per_paper=reviews_per_paper,
        min_load=min_load,
        max_load=max_load,
        conflicts=conflicts,
        existing=existing,
        locked=locked,
        mode=mode,
        load_penalty=load_penalty,
        stickiness=stickiness,
        paper_labels=paper_labels,
    )
    _check_obvious(net)
    lp_bound = None
    if fair:
        chosen, lp_bound = _fair(net, time_limit)
    else:
        chosen = _flow(net, net.arc_weight)
    return _result(net, chosen, lp_bound, time.perf_counter() - start)


# --- building the network ------------------------------------------------------------


def _per(value, n: int, name: str) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, dtype=np.int64), (n,)).copy()
    if (arr < 0).any():
        raise ValueError(f"{name} must be non-negative")
    return arr


def _pair_keys(pairs: Pairs | None, n_papers: int, n_reviewers: int) -> np.ndarray:
    if pairs is None:
        return np.empty(0, dtype=np.int64)
    p = np.asarray(pairs[0], dtype=np.int64).ravel()
    r = np.asarray(pairs[1], dtype=np.int64).ravel()
    if len(p) != len(r):
        raise ValueError("pair arrays must have the same length")
    if len(p) and (p.min() < 0 or p.max() >= n_papers or r.min() < 0 or r.max() >= n_reviewers):
        raise ValueError("pair index out of range")
    return np.unique(p * n_reviewers + r)


def _build(
    cands: Candidates,
    *,
    reviews_per_paper=3,
    min_load=0,
    max_load=5,
    conflicts=None,
    existing=None,
    locked=None,
    mode="fresh",
    load_penalty=DEFAULT_LOAD_PENALTY,
    stickiness=0.05,
    paper_labels=None,
) -> _Net:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    penalty, labels = load_penalty, paper_labels
    n_p, n_r = cands.n_papers, cands.n_reviewers
    need = _per(reviews_per_paper, n_p, "reviews_per_paper")
    lo = _per(min_load, n_r, "min_load")
    hi = _per(max_load, n_r, "max_load")
    if (lo > hi).any():
        raise ValueError("min_load exceeds max_load for some reviewer")
    if penalty < 0:
        raise ValueError("load_penalty must be non-negative")
    conflict_keys = _pair_keys(conflicts, n_p, n_r)
    existing_keys = _pair_keys(existing, n_p, n_r)
    fixed_keys = _pair_keys(locked, n_p, n_r)
    if mode == "ensure":
        fixed_keys = np.union1d(fixed_keys, existing_keys)
    bad = np.intersect1d(fixed_keys, conflict_keys)
    if len(bad):
        names = ", ".join(f"{_lbl(labels, int(key // n_r))} / reviewer {int(key % n_r)}" for key in bad[:10])
        raise AssignmentInfeasible(
            f"{len(bad)} pair(s) to keep are conflicts: {names}. Remove them first.",
            papers=np.unique(bad // n_r),
        )

    cand_keys, cand_score = cands.keys(), cands.score
    if mode == "rebalance":
        # Existing pairs must be arcs so they can be kept even if they are not top-K.
        extra = np.setdiff1d(existing_keys, cand_keys)
        cand_keys = np.concatenate([cand_keys, extra])
        cand_score = np.concatenate([cand_score, np.zeros(len(extra))])
        order = np.argsort(cand_keys, kind="stable")
        cand_keys, cand_score = cand_keys[order], cand_score[order]

    fixed_score = _lookup(cand_keys, cand_score, fixed_keys)
    fixed_p, fixed_r = fixed_keys // n_r, fixed_keys % n_r
    base = np.bincount(fixed_r, minlength=n_r)
    need = np.maximum(need - np.bincount(fixed_p, minlength=n_p), 0)
    room = np.maximum(hi - base, 0)
    lower = np.minimum(np.maximum(lo - base, 0), room)

    arc_p, arc_r = cand_keys // n_r, cand_keys % n_r
    keep = ~np.isin(cand_keys, conflict_keys) & ~np.isin(cand_keys, fixed_keys)
    keep &= (need[arc_p] > 0) & (room[arc_r] > 0)
    weight = cand_score.copy()
    if mode == "rebalance" and stickiness:
        weight[np.isin(cand_keys, existing_keys)] += stickiness

    # Load arcs: reviewer j gets one arc per unit from load base+lower+1 up to max_load;
    # the first `lower` units are absorbed at the reviewer node (its demand), which is the
    # standard lower-bound transformation for the min-load constraint.
    count = room - lower
    if penalty > 0:
        unit_r = np.repeat(np.arange(n_r), count)
        offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        load_after = np.repeat(base + lower, count) + offset + 1
        unit_cap = np.ones(len(unit_r), dtype=np.int64)
        unit_cost = penalty * (load_after - 1)
    else:
        unit_r = np.flatnonzero(count)
        unit_cap, unit_cost = count[unit_r], np.zeros(len(unit_r))
    return _Net(
        n_p,
        n_r,
        arc_p[keep],
        arc_r[keep],
        cand_score[keep],
        weight[keep],
        need,
        lower,
        room,
        base,
        unit_r,
        unit_cap,
        unit_cost,
        fixed_p,
        fixed_r,
        fixed_score,
        penalty,
        labels,
    )


def _lbl(labels, i: int) -> str:
    return labels[i] if labels is not None else f"paper {i}"


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """values[keys == q] for each q (keys sorted), 0 where q is not a key."""
    pos = np.searchsorted(keys, query)
    pos = np.minimum(pos, max(len(keys) - 1, 0))
    hit = (keys[pos] == query) if len(keys) else np.zeros(len(query), dtype=bool)
    return np.where(hit, values[pos] if len(keys) else 0.0, 0.0)


# --- the flow ------------------------------------------------------------------------


def _to_int(cost: np.ndarray) -> np.ndarray:
    return np.rint(cost * SCALE).astype(np.int64)


def _arcs(net: _Net, weight: np.ndarray):
    """(tails, heads, capacities, integer costs): pair arcs first, then load arcs."""
    n_p, sink = net.n_papers, net.n_papers + net.n_reviewers
    tails = np.concatenate([net.arc_paper, n_p + net.unit_reviewer]).astype(np.int32)
    heads = np.concatenate([n_p + net.arc_reviewer, np.full(len(net.unit_reviewer), sink)])
    caps = np.concatenate([np.ones(len(net.arc_paper), dtype=np.int64), net.unit_cap])
    costs = np.concatenate([-_to_int(weight), _to_int(net.unit_cost)])
    return tails, heads.astype(np.int32), caps, costs


def _solve_mcf(net: _Net, weight: np.ndarray, lower: np.ndarray, max_flow: bool = False):
    """(status, flow on every arc of `_arcs` or None if not optimal)."""
    n_nodes = net.n_papers + net.n_reviewers + 1
    mcf = min_cost_flow.SimpleMinCostFlow()
    tails, heads, caps, costs = _arcs(net, weight)
    mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.concatenate([net.need, -lower, [lower.sum() - net.need.sum()]])
    mcf.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supplies.astype(np.int64))
    status = mcf.solve_max_flow_with_min_cost() if max_flow else mcf.solve()
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        return status, None  # reading flows after a failed solve crashes OR-Tools 9.15
    return status, np.asarray(mcf.flows(np.arange(len(tails), dtype=np.int32)))


def _flow(net: _Net, weight: np.ndarray, all_arcs: bool = False) -> np.ndarray:
    """Boolean mask over pair arcs of the min-cost (max-weight) integral assignment, or
    with `all_arcs` the flow on every arc."""
    status, flows = _solve_mcf(net, weight, net.lower)
    if flows is None:
        _diagnose(net)  # raises with a message for the chair
        raise AssignmentInfeasible(f"the flow solver failed with status {status}")
    return flows if all_arcs else flows[: len(net.arc_paper)] > 0


def _reduced_costs(net: _Net, weight: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """Reduced costs of the pair arcs at an optimal flow (integer cost units).

    Node potentials are shortest distances in the residual graph (Bellman-Ford, vectorised
    over arcs; no negative cycle exists at an optimum).  Any other flow costs at least
    sum |rc_e| over the pair arcs it changes more, which is what reduced-cost fixing uses."""
    tails, heads, caps, costs = _arcs(net, weight)
    fwd, back = flows < caps, flows > 0
    t = np.concatenate([tails[fwd], heads[back]])
    h = np.concatenate([heads[fwd], tails[back]])
    c = np.concatenate([costs[fwd], -costs[back]])
    order = np.argsort(h, kind="stable")
    t, h, c = t[order], h[order], c[order]
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    dist = np.zeros(net.n_papers + net.n_reviewers + 1, dtype=np.int64)
    for _ in range(len(dist) + 1):
        new = dist.copy()
        new[h[starts]] = np.minimum(dist[h[starts]], np.minimum.reduceat(dist[t] + c, starts))
        if np.array_equal(new, dist):
            break
        dist = new
    n_a = len(net.arc_paper)
    return costs[:n_a] + dist[tails[:n_a]] - dist[heads[:n_a]]


# --- infeasibility messages ----------------------------------------------------------


def _name_papers(net: _Net, papers: np.ndarray, detail) -> str:
    shown = "; ".join(f"{net.label(int(i))} {detail(int(i))}" for i in papers[:10])
    more = f"; and {len(papers) - 10} more" if len(papers) > 10 else ""
    return shown + more


def _check_obvious(net: _Net) -> None:
    avail = np.bincount(net.arc_paper, minlength=net.n_papers)
    short = np.flatnonzero(avail < net.need)
    if len(short):
        missing = int((net.need - avail)[short].sum())
        text = _name_papers(
            net, short, lambda i: f"needs {net.need[i]} more reviewer(s) but has only {avail[i]} eligible candidate(s)"
        )
        raise AssignmentInfeasible(
            f"{len(short)} paper(s) lack eligible reviewers (the others are conflicted, full "
            f"or not candidates), {missing} review(s) missing: {text}.",
            papers=short,
            missing=missing,
        )
    total_need, total_room = int(net.need.sum()), int(net.room.sum())
    if total_need > total_room:
        raise AssignmentInfeasible(
            f"{total_need} reviews are needed but reviewers have only {total_room} free "
            f"slots: {total_need - total_room} missing. Raise maximum loads or add reviewers.",
            papers=np.flatnonzero(net.need),
            missing=total_need - total_room,
        )
    if int(net.lower.sum()) > total_need:
        extra = int(net.lower.sum()) - total_need
        raise AssignmentInfeasible(
            f"minimum loads ask for {int(net.lower.sum())} reviews but only {total_need} are "
            f"to be assigned: lower the minimum loads by {extra} in total.",
            missing=extra,
        )


def _diagnose(net: _Net) -> None:
    """Explain a failed flow: find papers short of capacity by a max flow without min loads."""
    _check_obvious(net)
    status, flows = _solve_mcf(net, net.arc_weight, np.zeros_like(net.lower), max_flow=True)
    if flows is None:
        raise AssignmentInfeasible(f"the flow solver failed with status {status}")
    chosen = flows[: len(net.arc_paper)] > 0
    got = np.bincount(net.arc_paper[chosen], minlength=net.n_papers)
    short = np.flatnonzero(got < net.need)
    if len(short):
        missing = int((net.need - got)[short].sum())
        text = _name_papers(net, short, lambda i: f"gets {got[i]} of {net.need[i]}")
        raise AssignmentInfeasible(
            f"{len(short)} paper(s) cannot get enough reviewers because their eligible "
            f"reviewers are at maximum load, {missing} review(s) missing: {text}. Raise the "
            "maximum load of their candidates or add candidates.",
            papers=short,
            missing=missing,
        )
    incoming = np.bincount(net.arc_reviewer, minlength=net.n_reviewers)
    starved = np.flatnonzero(incoming < net.lower)
    who = ", ".join(f"reviewer {j}" for j in starved[:10]) or "some reviewers"
    raise AssignmentInfeasible(
        f"minimum loads cannot all be met ({who} lack enough candidate papers); lower the "
        "minimum loads or add candidates."
    )


# --- fair mode -----------------------------------------------------------------------


def _lp_parts(net: _Net):
    """Sparse LP of the flow: variables [pair arcs, load-unit arcs], equality rows
    [papers with need, reviewers], as used by the LP bound and fair mode."""
    n_a, n_u = len(net.arc_paper), len(net.unit_reviewer)
    papers = np.flatnonzero(net.need)
    row_of = np.full(net.n_papers, -1)
    row_of[papers] = np.arange(len(papers))
    a_paper = sparse.csr_matrix((np.ones(n_a), (row_of[net.arc_paper], np.arange(n_a))), shape=(len(papers), n_a + n_u))
    a_rev = sparse.csr_matrix(
        (
            np.concatenate([np.ones(n_a), -np.ones(n_u)]),
            (np.concatenate([net.arc_reviewer, net.unit_reviewer]), np.arange(n_a + n_u)),
        ),
        shape=(net.n_reviewers, n_a + n_u),
    )
    a_eq = sparse.vstack([a_paper, a_rev]).tocsr()
    b_eq = np.concatenate([net.need[papers], net.lower])
    upper = np.concatenate([np.ones(n_a), net.unit_cap])
    return papers, row_of, a_eq, b_eq, upper


def lp_objective(cands: Candidates, **options) -> float:
    """LP relaxation optimum (HiGHS) of what ``assign(cands, **options)`` maximises; equal to
    its ``objective`` up to rounding by total unimodularity (in ``rebalance`` mode the
    stickiness bonus is included here but not in ``objective``)."""
    net = _build(cands, **options)
    _, _, a_eq, b_eq, upper = _lp_parts(net)
    c = np.concatenate([-net.arc_weight, net.unit_cost])
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=np.column_stack([np.zeros(len(c)), upper]), method="highs")
    if res.status != 0:
        raise AssignmentInfeasible(f"the LP relaxation is not solvable: {res.message}")
    return float(-res.fun + _constant(net))


def lp_max_min(cands: Candidates, **options) -> float:
    """LP relaxation optimum of max (lowest paper score) over papers that need reviewers: an
    upper bound on ``assign(cands, fair=True, **options).min_paper_score``."""
    return _lp_max_min(_build(cands, **options))


def _constant(net: _Net) -> float:
    # Kept pairs' scores and the load cost of slots that are filled whatever happens.
    return float(net.fixed_score.sum() - _load_cost(net.base + net.lower, net.load_penalty))


def _score_rows(net: _Net, papers: np.ndarray, row_of: np.ndarray, n_cols: int):
    n_a = len(net.arc_paper)
    return sparse.csr_matrix((net.arc_score, (row_of[net.arc_paper], np.arange(n_a))), shape=(len(papers), n_cols))


def _lp_max_min(net: _Net) -> float:
    papers, row_of, a_eq, b_eq, upper = _lp_parts(net)
    n = a_eq.shape[1]
    fixed = np.bincount(net.fixed_paper, weights=net.fixed_score, minlength=net.n_papers)
    # max t  s.t.  t - S_i x <= fixed_i  for every paper that gets reviewers.
    a_ub = sparse.hstack([-_score_rows(net, papers, row_of, n), np.ones((len(papers), 1))])
    c = np.zeros(n + 1)
    c[-1] = -1.0
    bounds = np.column_stack([np.zeros(n + 1), np.append(upper, np.inf)])
    # The max-min LP is highly degenerate (any solution keeping all papers above t is
    # optimal); dual simplex crawls on it, the interior point method does not.
    res = linprog(
        c,
        A_ub=a_ub.tocsr(),
        b_ub=fixed[papers],
        A_eq=sparse.hstack([a_eq, sparse.csr_matrix((a_eq.shape[0], 1))]).tocsr(),
        b_eq=b_eq,
        bounds=bounds,
        method="highs-ipm",
    )
    if res.status != 0:
        raise AssignmentInfeasible(f"the max-min LP is not solvable: {res.message}")
    return float(-res.fun)


def _paper_scores(net: _Net, chosen: np.ndarray) -> np.ndarray:
    return np.bincount(net.fixed_paper, weights=net.fixed_score, minlength=net.n_papers) + np.bincount(
        net.arc_paper[chosen], weights=net.arc_score[chosen], minlength=net.n_papers
    )


def _top_need_bound(net: _Net) -> float:
    """Lowest over papers of (kept score + its best `need` candidate scores): no assignment,
    integral or fractional, can give the weakest paper more."""
    order = np.lexsort((-net.arc_score, net.arc_paper))
    p = net.arc_paper[order]
    rank = np.arange(len(p)) - np.searchsorted(p, p)
    best = rank < net.need[p]
    top = _paper_scores(net, np.zeros(len(p), bool)) + np.bincount(
        p[best], weights=net.arc_score[order][best], minlength=net.n_papers
    )
    return float(top[net.need > 0].min())


def _reweighted_flow(net: _Net, target: float, rounds: int = 30, refine: int = 12):
    """Integral flows with a bonus mu_i * score on the arcs of papers below `target`,
    raised until none is below: the Lagrangian relaxation of S_i x >= target.  Usually a
    few rounds reach the target at almost no cost to the sum.

    Returns (chosen, gap, weight, flows).  gap = sum_i mu_i (S_i - target) >= 0 bounds how
    much sum any solution keeping every paper >= target could add (the flow maximised the
    Lagrangian, whose value is the sum + gap), so gap 0 proves the sum optimal; `weight`
    and `flows` are that flow's arc weights and all arc flows, for reduced-cost fixing.
    gap is None when the target was not reached; chosen is then the flow with the best
    minimum seen."""
    served = net.need > 0
    mu_lo, mu = np.zeros(net.n_papers), np.zeros(net.n_papers)

    def attempt(mu):
        weight = net.arc_weight + mu[net.arc_paper] * net.arc_score
        flows = _flow(net, weight, all_arcs=True)
        chosen = flows[: len(net.arc_paper)] > 0
        scores = _paper_scores(net, chosen)
        low = served & (scores < target - _TOL)
        gap = None if low.any() else float(mu[served] @ (scores[served] - target))
        return (chosen, gap, weight, flows), low, scores

    best, best_min = None, -np.inf
    for _ in range(rounds):
        found, low, scores = attempt(mu)
        if scores[served].min() > best_min:
            best, best_min = found, scores[served].min()
        if not low.any():
            break
        # Double the bonus of papers still below (0.05, 0.1, 0.2, ...): few rounds even
        # when a paper needs a large push.
        mu_lo[low] = mu[low]
        mu[low] = np.where(mu[low] == 0, 0.05, 2 * mu[low])
    else:
        return best[0], None, None, None
    # Doubling overshoots: papers end above the target with a bonus, which is the gap.
    # Bisect those bonuses back towards the last value that fell short; a paper that falls
    # below again learns a higher lower end.  A smaller gap means fewer free arcs later.
    for _ in range(refine):
        slack = (mu > 0) & (scores > target + _TOL)
        if found[1] <= _GAP_TOL or not slack.any():
            break
        trial = np.where(slack, (mu + mu_lo) / 2, mu)
        again, low, trial_scores = attempt(trial)
        if again[1] is not None and again[1] < found[1]:
            found, mu, scores = again, trial, trial_scores
        else:
            mu_lo[low] = trial[low]
    return found


def _milp(net: _Net, target: float | None, time_limit: float, fixed=None):
    """Exact integral optimum by HiGHS branch and bound: with `target`, max sum subject to
    every served paper >= target; without, max of the lowest paper score.  `fixed` =
    (mask, values) pins pair arcs (reduced-cost fixing).  Returns the chosen mask or None
    (no solution within the time limit)."""
    papers, row_of, a_eq, b_eq, upper = _lp_parts(net)
    n_a, n = len(net.arc_paper), a_eq.shape[1]
    lower = np.zeros(n)
    if fixed is not None:
        mask, values = fixed
        upper = upper.copy()
        lower[:n_a][mask] = upper[:n_a][mask] = values[mask]
    kept = np.bincount(net.fixed_paper, weights=net.fixed_score, minlength=net.n_papers)[papers]
    rows = _score_rows(net, papers, row_of, n)
    integrality = np.concatenate([np.ones(n_a), np.zeros(n - n_a)])
    if target is not None:
        c = np.concatenate([-net.arc_weight, net.unit_cost])
        cons = [LinearConstraint(a_eq, b_eq, b_eq), LinearConstraint(rows, target - _TOL - kept, np.inf)]
    else:
        c = np.zeros(n + 1)
        c[-1] = -1.0
        a_eq = sparse.hstack([a_eq, sparse.csr_matrix((a_eq.shape[0], 1))])
        rows = sparse.hstack([rows, -np.ones((len(papers), 1))])
        cons = [LinearConstraint(a_eq, b_eq, b_eq), LinearConstraint(rows, -kept, np.inf)]
        integrality, upper = np.append(integrality, 0), np.append(upper, np.inf)
        lower = np.append(lower, -np.inf)
    res = milp(
        c,
        constraints=cons,
        integrality=integrality,
        bounds=Bounds(lower, upper),
        options={"time_limit": max(time_limit, 1.0), "mip_rel_gap": 1e-7},
    )
    if res.x is None:
        return None
    return res.x[:n_a] > 0.5


def _fair(net: _Net, time_limit: float):
    """Max-min then max-sum.  Returns (chosen mask, LP upper bound on the minimum).

    1. Bound: the lowest top-`need` sum bounds the LP max-min from above; if the reweighted
       flow reaches it, LP max-min = that bound (sandwiched by an integral solution) and no
       LP is needed.  Otherwise solve the max-min LP (HiGHS IPM) and aim at its value.
    2. A zero Lagrangian gap proves the reweighted flow's sum optimal: done.  Otherwise
       only pair arcs whose reduced cost is below the gap can change in a better solution
       (reduced-cost fixing), so an exact MILP over those few arcs finishes the job.
    3. If no reweighted flow reaches the LP bound, a MILP over all arcs finds the best
       integral minimum (the LP bound may be out of reach: integrality gap), then the sum.
    The MILPs are time-limited; the best solution found so far is kept.
    """
    deadline = time.perf_counter() + time_limit
    bound = _top_need_bound(net)
    chosen, gap, weight, flows = _reweighted_flow(net, bound)
    if gap is None:
        bound = min(bound, _lp_max_min(net))
        chosen, gap, weight, flows = _reweighted_flow(net, bound)
    if gap is not None and gap <= _GAP_TOL:
        return chosen, bound
    fixed = None
    if gap is not None:
        # +2 units: costs are rounded per arc, which may shift each changed arc by < 1 unit.
        rc = _reduced_costs(net, weight, flows)
        fixed = (np.abs(rc) > gap * SCALE + 2, chosen.astype(float))
    else:
        exact = _milp(net, None, deadline - time.perf_counter())
        if exact is not None and _min_served(net, exact) > _min_served(net, chosen):
            chosen = exact
    target = min(bound, _min_served(net, chosen))
    polished = _milp(net, target, deadline - time.perf_counter(), fixed)
    if polished is not None and _weight(net, polished) > _weight(net, chosen) + _TOL:
        chosen = polished
    return chosen, bound


def _min_served(net: _Net, chosen: np.ndarray) -> float:
    return float(_paper_scores(net, chosen)[net.need > 0].min())


def _weight(net: _Net, chosen: np.ndarray) -> float:
    loads = net.base + np.bincount(net.arc_reviewer[chosen], minlength=net.n_reviewers)
    return float(net.arc_weight[chosen].sum() - _load_cost(loads, net.load_penalty))


# --- result --------------------------------------------------------------------------


def _load_cost(loads: np.ndarray, penalty: float) -> float:
    # Sum over units u = 1..load of penalty * (u - 1).
    return float(penalty * (loads * (loads - 1) / 2).sum())


def _result(net: _Net, chosen: np.ndarray, lp_bound, seconds: float) -> Assignment:
    n_r = net.n_reviewers
    p = np.concatenate([net.fixed_paper, net.arc_paper[chosen]])
    r = np.concatenate([net.fixed_reviewer, net.arc_reviewer[chosen]])
    s = np.concatenate([net.fixed_score, net.arc_score[chosen]])
    kept = np.concatenate([np.ones(len(net.fixed_paper), bool), np.zeros(int(chosen.sum()), bool)])
    order = np.argsort(p * n_r + r, kind="stable")
    p, r, s, kept = p[order], r[order], s[order], kept[order]
    paper_score = np.bincount(p, weights=s, minlength=net.n_papers)
    loads = np.bincount(r, minlength=n_r)
    load_cost = _load_cost(loads, net.load_penalty)
    total = float(s.sum())
    served = net.need > 0
    return Assignment(
        paper=p.astype(np.int32),
        reviewer=r.astype(np.int32),
        score=s,
        kept=kept,
        paper_score=paper_score,
        loads=loads,
        objective=total - load_cost,
        total_score=total,
        load_cost=load_cost,
        min_paper_score=float(paper_score[served].min()) if served.any() else float("nan"),
        lp_max_min=lp_bound,
        solve_seconds=seconds,
    )
