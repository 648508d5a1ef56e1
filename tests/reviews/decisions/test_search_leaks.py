"""The paper search language never leaks a hidden fact, and fuzzing: it raises only
search errors, and `facts_read` names every fact a query reads."""

import random
from dataclasses import replace

import pytest

from reviews.decisions.search import (
    PaperFacts,
    SearchError,
    facts_read,
    matches,
    parse,
)
from tests.reviews.decisions.search_facts import OUTCOMES, PAPER, SCORE_KEYS, found

HIDDEN = {
    "authors": {"authors": ()},
    "reviewers": {"reviewers": ()},
    "scores": {"scores": {}},
    "decision": {"decision": None, "outcome": "", "decision_known": False},
    "status": {"status": None},
    "threat model": {"threat_terms": ()},
    "tags": {"tags": ()},
}


LEAK_TABLE = [
    ("au:smith", "authors"),
    ("au:example", "authors"),
    ("re:rita", "reviewers"),
    ("re:@", "reviewers"),
    ("ovemer:>=4", "scores"),
    ("ovemer:>=0", "scores"),
    ("exp:1-5", "scores"),
    ("dec:none", "decision"),
    ("dec:accept", "decision"),
    ("dec:reject", "decision"),
    ("dec:poster", "decision"),
    ("status:withdrawn", "status"),
    ("status:complete", "status"),
    ("threat:goal=integrity", "threat model"),
    ("#secret", "tags"),
    ("tag:shortlist", "tags"),
]


TRUTHS = [  # what the facts would say to someone allowed to see everything
    PAPER,
    replace(PAPER, authors=("Rita Smith <secret@x.example> Inc",), reviewers=("Rita <rita@pc>",),
            scores={"overall_merit": (5.0,), "expertise": (1.0,)}, decision=None, outcome="", status="withdrawn",
            threat_terms=(("goal", "Integrity"),), tags=("secret", "shortlist")),
    replace(PAPER, decision="reject", outcome="Reject", status="registered"),
]


@pytest.mark.parametrize(("query", "hidden"), LEAK_TABLE)
def test_hidden_fact_never_matches_the_keyword_and_its_negation_always_does(query, hidden):
    for truth in TRUTHS:
        seen = replace(truth, **HIDDEN[hidden])  # what a searcher who may not see it is given
        assert not found(query, seen)
        assert found(f"NOT {query}", seen)
        assert found(f"-({query})", seen)


@pytest.mark.parametrize(("query", "hidden"), LEAK_TABLE)
def test_hidden_fact_gives_the_same_answer_whatever_the_truth(query, hidden):
    seen = [replace(truth, **HIDDEN[hidden]) for truth in TRUTHS]
    for wrapped in (query, f"-{query}", f"{query} OR backdoor", f"backdoor -{query}"):
        answers = {found(wrapped, replace(facts, title=PAPER.title, abstract=PAPER.abstract)) for facts in seen}
        assert len(answers) == 1, wrapped


def test_hidden_decision_does_not_match_dec_none_though_undecided_in_truth():
    truth = replace(PAPER, decision=None, outcome="")
    assert found("dec:none", truth)
    assert not found("dec:none", replace(truth, decision_known=False))
    assert found("-dec:none", replace(truth, decision_known=False))


def test_everything_hidden_matches_only_visible_title_abstract_and_number():
    hidden = PaperFacts(number=7, title="Model stealing", abstract="Queries.", decision_known=False)
    assert found("stealing #7 ab:queries", hidden)
    for query, _ in LEAK_TABLE:
        assert not found(query, hidden)


ALPHABET = ['"', "(", ")", ":", "-", "|", "#", "=", "<", ">", ".", " ", " ", " ", "\t", "\n", "_", "é", "\u0301",
            "ß", "İ", "ﬁ", "😀", "\x00", "\u2028", "\ufeff", "\ud800", "中", "`", "\\", "a", "Z", "1", "4", "0"]


PIECES = ["ti:", "ab:", "au:", "topic:", "threat:", "threat:goal=", "threat:gaol=", "re:", "dec:", "status:",
          "tag:", "ovemer:", "exp:", "o:", "tpic:", "TI:", "AND", "OR", "NOT", " AND ", " OR ", " NOT ", ">=", "<=",
          "12-20", "#12", "#tag", "4-5", "poisoning", '"data poisoning"', "accept", "none", "with", "dec:any",
          "dec:?", "dec:post", "-dec:any", "show:topics", "hide:", "sort:-mean", "sort:", "any", "?"]


FUZZ_PAPERS = [PAPER, PaperFacts(number=0, title="", decision_known=False),
               replace(PAPER, title="ﬁ É\u0301 ß 😀 \x00", scores={"overall_merit": (float("nan"),)})]


def _fuzz_queries(count: int):
    rng = random.Random(20240601)
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 25)):
            roll = rng.random()
            if roll < 0.45:
                parts.append(rng.choice(ALPHABET))
            elif roll < 0.9:
                parts.append(rng.choice(PIECES))
            else:
                parts.append(chr(rng.randint(0, 0x10FFFF)))
        yield "".join(parts)
    yield from ["(" * 60 + "a" + ")" * 60, "-" * 1000, "x" * 1001, '"' * 999, "(" * 500, ")" * 500,
                "ovemer:" + "9" * 900, "#" + "9" * 900, "9" * 400 + "-" + "9" * 400]


def test_fuzz_parse_raises_only_search_errors_and_matches_never_raises():
    parsed = 0
    for query in _fuzz_queries(3000):
        try:
            result = parse(query, score_keys=SCORE_KEYS, outcomes=OUTCOMES)
        except SearchError as refused:
            assert isinstance(refused.message, str) and refused.message
            assert refused.position is None or 0 <= refused.position <= len(query)
            continue
        parsed += 1
        try:
            negated = None if result.is_empty else parse(f"NOT ({query})", score_keys=SCORE_KEYS, outcomes=OUTCOMES)
        except SearchError as refused:  # only the limits can refuse a query that parsed on its own
            assert refused.message.startswith(("the query is too long", "too many nested"))
            negated = None
        for paper in FUZZ_PAPERS:
            answer = matches(result, paper)
            assert answer in (True, False)
            if negated is not None:
                assert matches(negated, paper) is not answer
    assert parsed > 300  # the generator reaches past the errors


@pytest.mark.parametrize(("query", "read"), [
    ("", set()),
    ("poisoning", {"title", "abstract"}),
    ("ti:poisoning #12", {"title", "number"}),
    ("au:smith OR re:rita", {"authors", "reviewers"}),
    ("-(topic:malware ovemer:>=3)", {"topics", "scores"}),
    ("threat:goal=integrity status:complete", {"threat_terms", "status"}),
    ("dec:accept", {"decision", "decision_known", "outcome"}),
    ("dec:poster #shortlist", {"outcome", "decision", "decision_known", "tags"}),
])
def test_facts_read_names_what_the_query_reads(query, read):
    assert facts_read(parse(query, score_keys=SCORE_KEYS, outcomes=OUTCOMES)) == read


def test_fuzz_facts_left_out_by_facts_read_never_change_the_answer():
    blank = PaperFacts(number=0, title="")
    for query in _fuzz_queries(3000):
        try:
            result = parse(query, score_keys=SCORE_KEYS, outcomes=OUTCOMES)
        except SearchError:
            continue
        read = facts_read(result)
        for paper in (*FUZZ_PAPERS, *TRUTHS):
            partial = replace(blank, **{name: getattr(paper, name) for name in read})
            assert matches(result, partial) is matches(result, paper), query
