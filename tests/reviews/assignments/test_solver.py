"""The min-cost-flow solver against brute force and independently written LPs."""

import itertools

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from reviews.assignments.solver import (
    AssignmentInfeasible,
    Candidates,
    assign,
    lp_max_min,
    lp_objective,
)

PENALTY = 0.01


def full_candidates(scores: np.ndarray) -> Candidates:
    n_p, n_r = scores.shape
    p, r = np.divmod(np.arange(n_p * n_r), n_r)
    return Candidates.from_arrays(n_p, n_r, p, r, scores.ravel())


def random_instance(seed: int, n_p: int = 5, n_r: int = 4):
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random((n_p, n_r)), 3)
    conflicts = (rng.integers(0, n_p, 2), rng.integers(0, n_r, 2))
    return scores, conflicts


def brute_force(scores, k, max_load, conflicts=(), penalty=PENALTY, min_load=0):
    """(objective, lowest paper score) of every feasible assignment, by enumeration."""
    n_p, n_r = scores.shape
    banned = {(int(i), int(j)) for i, j in zip(*conflicts, strict=True)} if conflicts else set()
    options = [
        [c for c in itertools.combinations(range(n_r), k) if not banned & {(i, j) for j in c}] for i in range(n_p)
    ]
    results = []
    for combo in itertools.product(*options):
        loads = np.bincount([j for c in combo for j in c], minlength=n_r)
        if (loads > max_load).any() or (loads < min_load).any():
            continue
        paper = [scores[i, list(c)].sum() for i, c in enumerate(combo)]
        cost = penalty * (loads * (loads - 1) / 2).sum()
        results.append((sum(paper) - cost, min(paper)))
    return results


def lp_with_load_units(scores, k, max_load, conflicts, penalty=PENALTY, min_load=0):
    """The plain problem as a dense LP written from scratch: x[i, j] and load units u[j, l]."""
    n_p, n_r = scores.shape
    n_x, n_u = n_p * n_r, n_r * max_load
    cost = np.concatenate([-scores.ravel(), np.tile(penalty * np.arange(max_load), n_r)])
    a_eq = np.zeros((n_p + n_r, n_x + n_u))
    for i in range(n_p):
        a_eq[i, i * n_r : (i + 1) * n_r] = 1
    for j in range(n_r):
        a_eq[n_p + j, j:n_x:n_r] = 1
        a_eq[n_p + j, n_x + j * max_load : n_x + (j + 1) * max_load] = -1
    a_ub = np.zeros((n_r, n_x + n_u))
    for j in range(n_r):
        a_ub[j, n_x + j * max_load : n_x + (j + 1) * max_load] = -1
    upper = np.ones(n_x + n_u)
    upper[np.ravel_multi_index(conflicts, scores.shape)] = 0
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=-np.full(n_r, min_load),
        A_eq=a_eq,
        b_eq=np.concatenate([np.full(n_p, k), np.zeros(n_r)]),
        bounds=np.column_stack([np.zeros(len(cost)), upper]),
        method="highs",
    )
    return -res.fun


def lp_max_min_dense(scores, k, max_load, conflicts):
    """max t s.t. every paper's fractional score >= t, written from scratch."""
    n_p, n_r = scores.shape
    n_x = n_p * n_r
    cost = np.zeros(n_x + 1)
    cost[-1] = -1
    a_eq = np.zeros((n_p, n_x + 1))
    a_ub = np.zeros((n_r + n_p, n_x + 1))
    for i in range(n_p):
        a_eq[i, i * n_r : (i + 1) * n_r] = 1
        a_ub[n_r + i, i * n_r : (i + 1) * n_r] = -scores[i]
        a_ub[n_r + i, -1] = 1
    for j in range(n_r):
        a_ub[j, j:n_x:n_r] = 1
    upper = np.append(np.ones(n_x), np.inf)
    upper[np.ravel_multi_index(np.asarray(conflicts, dtype=int), scores.shape)] = 0
    b_ub = np.concatenate([np.broadcast_to(max_load, (n_r,)), np.zeros(n_p)])
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=np.full(n_p, k),
        bounds=np.column_stack([np.zeros(n_x + 1), upper]),
        method="highs",
    )
    return -res.fun


@pytest.mark.parametrize("seed", range(6))
def test_assign_random_small_matches_brute_force_and_lp(seed):
    # Arrange
    scores, conflicts = random_instance(seed)
    cands = full_candidates(scores)
    # Act
    result = assign(cands, reviews_per_paper=2, max_load=3, conflicts=conflicts, load_penalty=PENALTY)
    # Assert
    best = max(obj for obj, _ in brute_force(scores, 2, 3, conflicts))
    assert result.objective == pytest.approx(best, abs=1e-5)
    assert result.objective == pytest.approx(lp_with_load_units(scores, 2, 3, conflicts), abs=1e-5)
    assert result.objective == pytest.approx(
        lp_objective(cands, reviews_per_paper=2, max_load=3, conflicts=conflicts), abs=1e-5
    )
    assert np.bincount(result.paper, minlength=5).tolist() == [2] * 5
    assert result.loads.max() <= 3


def test_assign_random_medium_objective_equals_independent_lp():
    # Arrange: 40 x 25 with min loads, all pairs candidates
    rng = np.random.default_rng(7)
    scores = np.round(rng.random((40, 25)), 4)
    conflicts = (rng.integers(0, 40, 60), rng.integers(0, 25, 60))
    # Act
    result = assign(full_candidates(scores), reviews_per_paper=3, min_load=2, max_load=6, conflicts=conflicts)
    # Assert
    assert result.objective == pytest.approx(lp_with_load_units(scores, 3, 6, conflicts, min_load=2), abs=1e-4)
    assert result.loads.min() >= 2 and result.loads.max() <= 6
    assert np.bincount(result.paper, minlength=40).tolist() == [3] * 40


def test_assign_min_load_matches_brute_force():
    # Arrange: reviewer 3 is weak everywhere but must review at least 2 papers
    scores = np.array([[0.9, 0.8, 0.7, 0.1], [0.8, 0.9, 0.7, 0.1], [0.7, 0.8, 0.9, 0.2]])
    # Act
    result = assign(full_candidates(scores), reviews_per_paper=2, min_load=1, max_load=3)
    # Assert
    best = max(obj for obj, _ in brute_force(scores, 2, 3, min_load=1))
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert result.loads.min() >= 1


def test_assign_conflicts_never_assigned():
    # Arrange: the conflicted reviewer is everyone's best match
    scores = np.tile([1.0, 0.5, 0.4, 0.3], (4, 1))
    conflicts = ([0, 1, 2, 3], [0, 0, 0, 0])
    # Act
    result = assign(full_candidates(scores), reviews_per_paper=2, conflicts=conflicts)
    # Assert
    assert 0 not in result.reviewer.tolist()


def test_assign_load_penalty_spreads_load_evenly():
    # Arrange: reviewer 0 is marginally best for every paper
    scores = np.tile([0.505, 0.5, 0.5, 0.5], (8, 1))
    # Act
    spread = assign(full_candidates(scores), reviews_per_paper=1, max_load=8)
    greedy = assign(full_candidates(scores), reviews_per_paper=1, max_load=8, load_penalty=0)
    # Assert
    assert spread.loads.tolist() == [2, 2, 2, 2]
    assert greedy.loads.tolist() == [8, 0, 0, 0]


def test_assign_ensure_mode_keeps_existing_and_only_adds():
    # Arrange: paper 0 already has a weak reviewer; paper 1 has none
    scores = np.array([[0.1, 0.9, 0.8], [0.5, 0.6, 0.7]])
    existing = ([0], [0])
    # Act
    result = assign(full_candidates(scores), reviews_per_paper=2, existing=existing, mode="ensure")
    # Assert
    pairs = set(zip(result.paper.tolist(), result.reviewer.tolist(), strict=True))
    assert (0, 0) in pairs
    assert result.kept.tolist() == [(p, r) == (0, 0) for p, r in sorted(pairs)]
    assert np.bincount(result.paper).tolist() == [2, 2]


def test_assign_fresh_mode_ignores_existing_but_keeps_locked():
    # Arrange
    scores = np.array([[0.1, 0.9, 0.8], [0.1, 0.6, 0.7]])
    # Act
    result = assign(full_candidates(scores), reviews_per_paper=2, existing=([0], [0]), locked=([1], [0]))
    # Assert
    pairs = set(zip(result.paper.tolist(), result.reviewer.tolist(), strict=True))
    assert (0, 0) not in pairs and (1, 0) in pairs


def test_assign_rebalance_mode_keeps_existing_unless_clearly_better():
    # Arrange: existing pair (0, 0) is 0.02 worse than the alternative, (1, 0) 0.3 worse
    scores = np.array([[0.70, 0.72, 0.0], [0.40, 0.0, 0.70]])
    existing = ([0, 1], [0, 0])
    # Act
    result = assign(full_candidates(scores), reviews_per_paper=1, existing=existing, mode="rebalance", stickiness=0.05)
    # Assert
    assert sorted(zip(result.paper.tolist(), result.reviewer.tolist(), strict=True)) == [(0, 0), (1, 2)]


def test_assign_duplicate_candidates_keep_best_score():
    # Arrange / Act
    cands = Candidates.from_arrays(1, 2, [0, 0, 0], [1, 1, 0], [0.2, 0.9, 0.5])
    # Assert
    assert cands.reviewer.tolist() == [0, 1]
    assert cands.score.tolist() == [0.5, 0.9]


@pytest.mark.parametrize("seed", range(4))
def test_fair_random_small_reaches_best_min_then_best_sum(seed):
    # Arrange: tight capacity (10 reviews, 11 slots) so papers compete
    rng = np.random.default_rng(100 + seed)
    scores = np.round(rng.random((5, 4)) ** 2, 3)
    conflicts = (np.array([seed % 5]), np.array([seed % 4]))
    max_load = np.array([3, 3, 3, 2])
    cands = full_candidates(scores)
    options = dict(reviews_per_paper=2, max_load=max_load, conflicts=conflicts)
    # Act
    fair = assign(cands, fair=True, **options)
    plain = assign(cands, **options)
    # Assert
    every = brute_force(scores, 2, max_load, conflicts)
    best_min = max(m for _, m in every)
    best_sum = max(o for o, m in every if m >= best_min - 1e-9)
    lp_bound = lp_max_min_dense(scores, 2, max_load, conflicts)
    assert fair.min_paper_score == pytest.approx(best_min, abs=1e-9)
    assert fair.objective == pytest.approx(best_sum, abs=1e-5)
    assert fair.lp_max_min == pytest.approx(lp_bound, abs=1e-6)
    assert fair.lp_max_min == pytest.approx(lp_max_min(cands, **options), abs=1e-6)
    assert fair.min_paper_score >= plain.min_paper_score
    assert fair.objective <= plain.objective + 1e-9


def best_sum_with_min(scores, k, max_load, threshold, penalty=PENALTY):
    """Independent MILP: max sum - load cost s.t. every paper >= threshold (dense)."""
    n_p, n_r = scores.shape
    n_x, n_u = n_p * n_r, n_r * max_load
    cost = np.concatenate([-scores.ravel(), np.tile(penalty * np.arange(max_load), n_r)])
    rows = np.zeros((2 * n_p + n_r, n_x + n_u))
    for i in range(n_p):
        rows[i, i * n_r : (i + 1) * n_r] = 1
        rows[n_p + i, i * n_r : (i + 1) * n_r] = scores[i]
    for j in range(n_r):
        rows[2 * n_p + j, j:n_x:n_r] = 1
        rows[2 * n_p + j, n_x + j * max_load : n_x + (j + 1) * max_load] = -1
    lo = np.concatenate([np.full(n_p, k), np.full(n_p, threshold - 1e-9), np.zeros(n_r)])
    hi = np.concatenate([np.full(n_p, k), np.full(n_p, np.inf), np.zeros(n_r)])
    res = milp(cost, constraints=LinearConstraint(rows, lo, hi), integrality=np.ones(n_x + n_u), bounds=Bounds(0, 1))
    return -res.fun


def test_fair_medium_reduced_cost_fixing_matches_independent_milp():
    # Arrange: 12 x 8 where the reweighted flow reaches the bound with a Lagrangian gap,
    # so the solver proves the sum by a MILP over the arcs reduced costs cannot exclude
    rng = np.random.default_rng(3)
    scores = np.round(rng.random((12, 8)), 2)
    # Act
    fair = assign(full_candidates(scores), reviews_per_paper=2, max_load=3, fair=True)
    # Assert
    assert fair.min_paper_score == pytest.approx(1.38)
    assert fair.lp_max_min == pytest.approx(lp_max_min_dense(scores, 2, 3, ([], [])))
    assert fair.objective == pytest.approx(best_sum_with_min(scores, 2, 3, fair.min_paper_score), abs=1e-6)


def test_fair_contested_reviewers_reach_lp_max_min_below_top_k_bound():
    # Arrange: papers 0, 1 and 3 all want reviewer 0 (load 1); the LP max-min (0.9) is below
    # the weakest paper's own top-2 sum (1.0), and an integral assignment reaches it
    scores = np.array(
        [
            [0.8, 0.0, 0.2, 0.1],
            [0.7, 0.3, 0.6, 0.1],
            [0.3, 1.0, 0.9, 0.3],
            [0.7, 0.5, 0.5, 0.6],
        ]
    )
    max_load = np.array([1, 2, 2, 3])
    # Act
    plain = assign(full_candidates(scores), reviews_per_paper=2, max_load=max_load)
    fair = assign(full_candidates(scores), reviews_per_paper=2, max_load=max_load, fair=True)
    # Assert
    lp_bound = lp_max_min_dense(scores, 2, max_load, ([], []))
    assert lp_bound == pytest.approx(0.9)
    assert plain.min_paper_score == pytest.approx(0.7)
    assert fair.min_paper_score == pytest.approx(lp_bound, abs=1e-6)
    assert fair.lp_max_min == pytest.approx(lp_bound, abs=1e-6)


def test_fair_integrality_gap_reports_lp_bound_and_best_integral_min():
    # Arrange: both papers want reviewer 0 (load 1); LP can split him, integers cannot
    scores = np.array([[1.0, 0.0], [1.0, 0.2]])
    # Act
    fair = assign(full_candidates(scores), reviews_per_paper=1, max_load=[1, 2], fair=True)
    # Assert
    assert fair.lp_max_min == pytest.approx(1 / 1.8, abs=1e-6)
    assert fair.min_paper_score == pytest.approx(0.2)


def test_assign_all_candidates_conflicted_names_paper():
    # Arrange
    cands = full_candidates(np.full((3, 3), 0.5))
    conflicts = ([1, 1, 1], [0, 1, 2])
    # Act
    with pytest.raises(AssignmentInfeasible) as info:
        assign(
            cands, reviews_per_paper=1, conflicts=conflicts, paper_labels=["#10 Alpha", "#11 Poisoning", "#12 Gamma"]
        )
    # Assert
    assert "#11 Poisoning" in str(info.value)
    assert "has only 0 eligible" in str(info.value)
    assert info.value.papers == [1]


def test_assign_too_little_capacity_states_missing_slots():
    # Arrange: 4 papers x 3 reviews = 12 > 3 reviewers x 3 slots
    cands = full_candidates(np.full((4, 3), 0.5))
    # Act
    with pytest.raises(AssignmentInfeasible) as info:
        assign(cands, reviews_per_paper=3, max_load=3)
    # Assert
    assert "12 reviews are needed" in str(info.value)
    assert "3 missing" in str(info.value)
    assert info.value.missing == 3


def test_assign_candidates_full_elsewhere_names_short_paper():
    # Arrange: papers 0 and 1 can only use reviewer 0 (load 1); capacity overall is fine
    scores = np.array([[0.9, 0.0, 0.0], [0.8, 0.0, 0.0], [0.5, 0.5, 0.5]])
    cands = Candidates.from_arrays(3, 3, [0, 1, 2, 2, 2], [0, 0, 0, 1, 2], scores[[0, 1, 2, 2, 2], [0, 0, 0, 1, 2]])
    # Act
    with pytest.raises(AssignmentInfeasible) as info:
        assign(cands, reviews_per_paper=1, max_load=1)
    # Assert
    message = str(info.value)
    assert "maximum load" in message
    assert "paper 0" in message or "paper 1" in message
    assert info.value.missing == 1


def test_assign_keeping_a_conflict_is_refused():
    # Arrange / Act
    with pytest.raises(AssignmentInfeasible, match="conflicts"):
        assign(full_candidates(np.ones((2, 2))), reviews_per_paper=1, locked=([0], [1]), conflicts=([0], [1]))
