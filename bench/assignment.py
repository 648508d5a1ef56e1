"""Benchmark of reviewer assignment on synthetic instances.

    python bench/assignment.py --size 1k            # seconds
    python bench/assignment.py --size all --mode both --affinity

Instances come from a topic model: papers and reviewers get sparse topic mixtures
(Dirichlet 0.1 over 40 topics); a pair's affinity is the cosine of the mixtures plus
Gaussian noise (sd 0.05), clipped to [0, 1].  Each paper gets 3 random conflicts; bids sit
on 20 % of the top-K candidate pairs (our reading of "bids on 20 % of pairs": 20 % of all
pairs would mean 2,000 bids per reviewer at 10k), drawn as eager 30 % / willing 40 % /
not willing 25 % / conflict 5 %.  With --affinity the candidates come instead from the real
pipeline (affinity.py) run on synthetic text drawn from the same topic model: title +
abstract per paper, statement + 5 own papers per reviewer.

Memory is the peak resident set size above the phase's starting RSS: VmHWM from
/proc/self/status after resetting it through /proc/self/clear_refs (and malloc_trim, so
freed pages are not silently reused), so C++ allocations in OR-Tools and HiGHS count, which
tracemalloc would miss.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviews.assignments.affinity import Affinity, Bid, Weights, incidence, tfidf_vectors  # noqa: E402
from reviews.assignments.solver import (  # noqa: E402
    Candidates,
    assign,
    lp_max_min,
    lp_objective,
)

SIZES = {  # name: (papers, reviewers, reviews per paper, max load)
    "1k": (1000, 1000, 3, 5),
    "5k": (5000, 5000, 3, 5),
    "10k": (10000, 10000, 3, 5),
    "neurips": (21575, 20518, 4, 6),  # NeurIPS 2025 submissions x reviewers
}
K = 50
N_TOPICS = 40
BID_CODES = np.array([Bid.EAGER, Bid.WILLING, Bid.NOT_WILLING, Bid.CONFLICT])
BID_P = [0.30, 0.40, 0.25, 0.05]
BID_WEIGHT = Weights().bid
BID_VALUES = np.array([1.0, 0.5, -1.0, 0.0])


class Peak:
    """Peak RSS (MB) above the RSS at entry."""

    def __enter__(self):
        gc.collect()
        try:  # return freed heap pages, else reusing them would not show as growth
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except OSError:
            pass
        try:
            Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to current RSS
        except OSError:
            print("warning: cannot reset VmHWM; peak memory is since process start")
        self.start = _status_kb("VmRSS")
        return self

    def __exit__(self, *exc):
        self.mb = (_status_kb("VmHWM") - self.start) / 1024


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def mixtures(rng, n: int) -> np.ndarray:
    """Sparse topic mixtures: most papers/reviewers are about one to three topics."""
    return rng.dirichlet(np.full(N_TOPICS, 0.1), n).astype(np.float32)


def topic_model_candidates(rng, tp, tr, conflicts, k: int, block: int = 1000):
    """Top-k reviewers per paper by cosine of topic mixtures + noise, conflicts excluded."""
    tp = tp / np.linalg.norm(tp, axis=1, keepdims=True)
    tr = tr / np.linalg.norm(tr, axis=1, keepdims=True)
    conf_p, conf_r = conflicts
    ps, rs, ss = [], [], []
    for lo in range(0, len(tp), block):
        hi = min(lo + block, len(tp))
        a = tp[lo:hi] @ tr.T
        a += rng.standard_normal(a.shape, dtype=np.float32) * 0.05
        inside = (conf_p >= lo) & (conf_p < hi)
        a[conf_p[inside] - lo, conf_r[inside]] = -np.inf
        top = np.argpartition(-a, k - 1, axis=1)[:, :k]
        ps.append(np.repeat(np.arange(lo, hi), k))
        rs.append(top.ravel())
        ss.append(np.take_along_axis(a, top, axis=1).ravel())
    return np.concatenate(ps), np.concatenate(rs), np.clip(np.concatenate(ss), 0, 1)


def synthetic(n_p: int, n_r: int, seed: int):
    """Topic mixtures, conflicts, bids and topic-model candidates (score incl. bids)."""
    rng = np.random.default_rng(seed)
    tp, tr = mixtures(rng, n_p), mixtures(rng, n_r)
    conflicts = (np.repeat(np.arange(n_p), 3), rng.integers(0, n_r, 3 * n_p))
    p, r, s = topic_model_candidates(rng, tp, tr, conflicts, K)
    has_bid = rng.random(len(p)) < 0.2
    kind = rng.choice(len(BID_CODES), has_bid.sum(), p=BID_P)
    bids = (p[has_bid], r[has_bid], BID_CODES[kind])
    s[np.flatnonzero(has_bid)] += BID_WEIGHT * BID_VALUES[kind]
    conflict_bid = np.zeros(len(p), bool)
    conflict_bid[np.flatnonzero(has_bid)[BID_CODES[kind] == Bid.CONFLICT]] = True
    conflicts = (np.concatenate([conflicts[0], p[conflict_bid]]), np.concatenate([conflicts[1], r[conflict_bid]]))
    cands = Candidates.from_arrays(n_p, n_r, p[~conflict_bid], r[~conflict_bid], s[~conflict_bid])
    return dict(tp=tp, tr=tr, conflicts=conflicts, bids=bids, cands=cands)


# --- synthetic text for the TF-IDF pipeline ------------------------------------------

WORDS_PER_TOPIC, GENERAL_WORDS = 150, 3000


def _vocabulary() -> np.ndarray:
    topical = [f"t{t}w{i}" for t in range(N_TOPICS) for i in range(WORDS_PER_TOPIC)]
    general = [f"g{i}" for i in range(GENERAL_WORDS)]
    return np.array(topical + general + ["the", "of", "and", "we", "a", "in", "to", "is"])


def _zipf(n: int) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1)
    return p / p.sum()


def texts(rng, mix: np.ndarray, length: int, vocab: np.ndarray) -> list[str]:
    """One document per mixture row: 70 % of tokens from the mixture's topics (Zipf within
    a topic), the rest general words and stop words."""
    n = len(mix)
    doc = np.repeat(np.arange(n), length)
    cdf = np.cumsum(mix, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(doc))
    topic = np.empty(len(doc), dtype=np.int64)
    for lo in range(0, len(doc), 1 << 20):  # keeps the token x topic comparison small
        sl = slice(lo, lo + (1 << 20))
        topic[sl] = (cdf[doc[sl]] < u[sl, None]).sum(axis=1)
    topic = np.minimum(topic, N_TOPICS - 1)
    word = topic * WORDS_PER_TOPIC + rng.choice(WORDS_PER_TOPIC, len(doc), p=_zipf(WORDS_PER_TOPIC))
    general = rng.random(len(doc)) < 0.3
    extra = len(vocab) - N_TOPICS * WORDS_PER_TOPIC
    word[general] = N_TOPICS * WORDS_PER_TOPIC + rng.choice(extra, general.sum(), p=_zipf(extra))
    tokens = vocab[word].reshape(n, length)
    return [" ".join(row) for row in tokens]


def text_affinity(data: dict, seed: int, block: int) -> tuple[Candidates, dict]:
    """The affinity.py pipeline on synthetic text; returns candidates and timings."""
    rng = np.random.default_rng(seed + 1)
    vocab = _vocabulary()
    tp, tr = data["tp"], data["tr"]
    t0 = time.perf_counter()
    paper_texts = texts(rng, tp, 150, vocab)
    # Statement (80 words) + 5 own papers (150 words each) near the reviewer's mixture.
    own = [texts(rng, np.abs(tr + rng.normal(0, 0.02, tr.shape)), 150, vocab) for _ in range(5)]
    statement = texts(rng, tr, 80, vocab)
    profiles = ["\n".join(parts) for parts in zip(statement, *own, strict=True)]
    info = {"text_s": time.perf_counter() - t0}
    with Peak() as peak:
        t0 = time.perf_counter()
        paper_topics = incidence(np.argsort(-tp, axis=1)[:, :2].tolist(), N_TOPICS)
        levels = np.digitize(tr, [0.03, 0.1, 0.3]) / 3.0  # none / low / medium / high
        reviewer_topics = incidence([dict(enumerate(row)) for row in levels.round(3)], N_TOPICS)
        phase_of_topic = np.arange(N_TOPICS) % 3  # e.g. training / inference / deployment
        domain_of_topic = np.arange(N_TOPICS) % 6
        top = np.argsort(-tp, axis=1)[:, :2]
        strong = [np.flatnonzero(row > 0.1) for row in tr]
        threat = [
            (
                incidence(phase_of_topic[top].tolist(), 3),
                incidence([set(phase_of_topic[s].tolist()) for s in strong], 3),
            ),
            (
                incidence(domain_of_topic[top].tolist(), 6),
                incidence([set(domain_of_topic[s].tolist()) for s in strong], 6),
            ),
        ]
        text = tfidf_vectors(paper_texts, profiles)
        info["inputs_s"] = time.perf_counter() - t0  # topic/threat matrices + TF-IDF fit
        affinity = Affinity(
            len(tp),
            len(tr),
            text=text,
            topics=(paper_topics, reviewer_topics),
            threat=threat,
            bids=data["bids"],
            conflicts=data["conflicts"],
        )
        cands = affinity.candidates(K, block=block)
        info["affinity_s"] = time.perf_counter() - t0
    info["affinity_mb"] = peak.mb
    return cands, info


# --- running -------------------------------------------------------------------------


def run(size: str, modes: list[str], use_text: bool, seed: int, lp: str, block: int) -> None:
    n_p, n_r, k, max_load = SIZES[size]
    with Peak() as peak:
        t0 = time.perf_counter()
        data = synthetic(n_p, n_r, seed)
        gen_s = time.perf_counter() - t0
    aff = f"topic-model gen {gen_s:.1f}s {peak.mb:.0f}MB"
    cands = data["cands"]
    if use_text:
        cands, info = text_affinity(data, seed, block)
        aff = (
            f"text gen {info['text_s']:.1f}s (not counted); affinity {info['affinity_s']:.1f}s "
            f"(of which inputs+tfidf {info['inputs_s']:.1f}s) {info['affinity_mb']:.0f}MB"
        )
    options = dict(reviews_per_paper=k, max_load=max_load, conflicts=data["conflicts"])
    plain_objective = None
    for mode in modes:
        fair = mode == "fair"
        with Peak() as peak:
            result = assign(cands, fair=fair, **options)
        line = (
            f"{size:>7} {n_p}x{n_r} {mode:5} arcs={len(cands.paper)} | {aff} | "
            f"solve {result.solve_seconds:.2f}s {peak.mb:.0f}MB | "
            f"objective {result.objective:.4f}"
        )
        if not fair:
            plain_objective = result.objective
            if lp == "yes" or (lp == "auto" and n_p <= 10000):
                t0 = time.perf_counter()
                bound = lp_objective(cands, **options)
                line += f" LP {bound:.4f} (gap {result.objective - bound:+.1e}, {time.perf_counter() - t0:.0f}s)"
        else:
            if lp == "yes" or (lp == "auto" and n_p <= 5000):
                t0 = time.perf_counter()
                bound = lp_max_min(cands, **options)
                line += f" | LP max-min {bound:.4f} ({time.perf_counter() - t0:.0f}s)"
            line += f" | solver's bound {result.lp_max_min:.4f}"
            if plain_objective is not None:
                loss = 100 * (plain_objective - result.objective) / plain_objective
                line += f" | total {loss:.4f}% below plain"
        loads = result.loads
        line += (
            f" | min paper {result.min_paper_score:.4f} | load min/mean/max "
            f"{loads.min()}/{loads.mean():.2f}/{loads.max()} sd {loads.std():.2f}"
        )
        print(line, flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=[*SIZES, "all"], default="1k")
    parser.add_argument("--mode", choices=["plain", "fair", "both"], default="plain")
    parser.add_argument("--affinity", action="store_true", help="candidates from the TF-IDF pipeline on synthetic text")
    parser.add_argument(
        "--lp",
        choices=["auto", "yes", "no"],
        default="auto",
        help="also solve the LP with HiGHS (auto: plain up to 10k, fair 5k)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--block", type=int, default=1000, help="papers per affinity block")
    args = parser.parse_args(argv)
    modes = ["plain", "fair"] if args.mode == "both" else [args.mode]
    for size in SIZES if args.size == "all" else [args.size]:
        run(size, modes, args.affinity, args.seed, args.lp, args.block)


if __name__ == "__main__":
    main()
