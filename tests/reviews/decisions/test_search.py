"""The paper search language: parsing, every keyword, and errors with their positions."""

from dataclasses import replace

import pytest

from reviews.decisions.search import (
    MAX_DEPTH,
    MAX_LENGTH,
    And,
    Not,
    Or,
    PaperFacts,
    SearchError,
    Text,
    matches,
    parse,
)
from tests.reviews.decisions.search_facts import OUTCOMES, PAPER, SCORE_KEYS, found
from workshop.errors import Refused


def error(query: str) -> tuple[str, int | None]:
    with pytest.raises(SearchError) as raised:
        parse(query, score_keys=SCORE_KEYS, outcomes=OUTCOMES)
    return raised.value.message, raised.value.position


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_blank_query_is_empty_and_matches_everything(query):
    parsed = parse(query)
    assert parsed.is_empty
    assert matches(parsed, PaperFacts(number=1, title=""))


def test_nonblank_query_is_not_empty():
    assert not parse("poison").is_empty


@pytest.mark.parametrize("query", ["backdoor", "BACKDOOR", "detectors", "training data", "scale"])
def test_free_words_match_title_or_abstract(query):
    assert found(query)


@pytest.mark.parametrize("query", ["ada", "integrity", "shortlist", "rita", "evasion", "backdoor evasion"])
def test_free_words_match_nothing_else_and_all_words_must_match(query):
    assert not found(query)


@pytest.mark.parametrize("query", ["detectors", "DÉTECTORS", "zurich"])
def test_free_words_ignore_accents_both_ways(query):
    assert found(query) == (query != "zurich")  # Zürich is an affiliation, not in the title
    assert found("au:zurich") and found("au:ZÜRICH")


def test_free_words_fold_compatibility_characters():
    assert found("ﬁ", replace(PAPER, title="Proﬁling"))  # NFKD: the ligature is "fi"
    assert found("profiling", replace(PAPER, title="Proﬁling"))


def test_phrase_matches_words_in_order_only():
    assert found('"data poisoning"')
    assert found('"learned   detectors"')  # runs of spaces, and the abstract's double space, are one space
    assert not found('"poisoning data"')
    assert found("poisoning data")


def test_phrase_matches_across_a_line_break():
    assert found('"detectors. data"')


def test_lowercase_or_and_not_are_search_words():
    assert not found("backdoor or evasion")
    assert found("backdoor or", replace(PAPER, title="Backdoor or not"))
    assert not found("backdoor not")


def test_words_are_substrings():
    assert found("poison") and found("oor poi")


@pytest.mark.parametrize("query", ["14", "#14", "12-20", "#12-20", "14-14", "20-12", "#20-12"])
def test_number_and_range_match_the_paper_number(query):
    assert found(query)


@pytest.mark.parametrize("query", ["13", "#15", "1-13", "#15-99"])
def test_number_outside_the_range_does_not_match(query):
    assert not found(query)


def test_number_does_not_search_the_title():
    assert not found("2024", replace(PAPER, title="Attacks in 2024"))
    assert found('"2024"', replace(PAPER, title="Attacks in 2024"))


def test_title_keyword_searches_the_title_only():
    assert found("ti:backdoor") and found("title:malware")
    assert not found("ti:scale")
    assert found('ti:"malware detectors"') and not found('ti:"data poisoning"')


def test_abstract_keyword_searches_the_abstract_only():
    assert found("ab:scale") and found("abstract:scale")
    assert not found("ab:backdoor")
    assert found('ab:"data poisoning"')


@pytest.mark.parametrize("query", ["au:smith", "au:ada", "au:bo@lab", "au:lab.example", "au:zurich", "author:chen",
                                   'au:"lab inc"', "authors:UNIVERSITÄT"])
def test_author_keyword_searches_names_emails_and_affiliations(query):
    assert found(query)


def test_author_keyword_needs_one_author_to_contain_the_phrase():
    assert not found('au:"ada smith bo"')
    assert not found("au:jones")


def test_topic_keyword_matches_any_topic_substring():
    assert found("topic:poisoning") and found("topic:MALWARE") and found('topic:"data pois"')
    assert not found("topic:evasion")


def test_threat_keyword_matches_any_label():
    assert found("threat:integrity") and found("threat:white") and found('threat:"training time"')
    assert not found("threat:black")


def test_threat_keyword_with_a_kind_restricts_to_that_kind():
    assert found("threat:goal=integrity")
    assert found("threat:knowledge=white-box") and found("threat:Knowledge=WHITE")
    assert not found("threat:knowledge=integrity")
    assert not found("threat:domain=integrity")
    assert found("threat:know=white")  # a kind can be abbreviated


def test_threat_keyword_with_an_unknown_kind_lists_the_kinds():
    assert error("threat:gaol=integrity") == (
        "unknown threat kind `gaol` — use goal, knowledge, phase, domain or contribution", 7)


def test_threat_keyword_with_a_kind_and_no_label_is_refused():
    assert error("threat:goal=") == ("`threat:goal=` needs a label after `=`", 0)


@pytest.mark.parametrize("query", ["re:rita", "re:LEVI", "re:sam@pc", "reviewer:oak", "rev:pc.example"])
def test_reviewer_keyword_matches_name_or_email(query):
    assert found(query)


def test_reviewer_keyword_without_a_match():
    assert not found("re:alice")


@pytest.mark.parametrize("query", ["overall_merit:4", "overall_merit:=4", "overall_merit:==4", "ovemer:>=4",
                                   "ovemer:>3", "ovemer:<3", "ovemer:<=2", "overall:2", "om:4", "ovmerit:4",
                                   "OVEMER:4", "ove_mer:4", "ovemer:4.0", "ovemer:1-2", "ovemer:4-5", "ovemer:5-4",
                                   "exp:1", "exp:<2", "expertise:>2", "thrmod:3", "threat_model:3"])
def test_score_keyword_matches_when_any_visible_value_does(query):
    assert found(query)


@pytest.mark.parametrize("query", ["overall_merit:3", "ovemer:>4", "ovemer:<2", "ovemer:5", "ovemer:2.5-3.5",
                                   "exp:>3", "relevance:1", "rel:>=0", "originality:1"])
def test_score_keyword_does_not_match_when_no_value_does(query):
    assert not found(query)


def test_score_keyword_abbreviation_takes_word_prefixes_in_order():
    assert error("merit:4")[0] == "unknown keyword `merit:`"  # prefixes start from the first word
    assert error("mod:4")[0] == "unknown keyword `mod:`"


def test_score_keyword_exact_key_wins_over_abbreviation():
    keys = ("merit", "merit_bonus")
    paper = replace(PAPER, scores={"merit": (2.0,), "merit_bonus": (5.0,)})
    assert matches(parse("merit:2", score_keys=keys), paper)
    assert matches(parse("merbon:5", score_keys=keys), paper)


def test_builtin_keyword_wins_over_score_abbreviation():
    assert found("re:rita")  # `re` would abbreviate relevance and reproducibility
    assert found("threat:integrity")  # not threat_model


def test_score_keyword_ambiguous_abbreviation_names_the_candidates():
    assert error("o:3") == ("ambiguous keyword `o:` — it could be `overall_merit:` or `originality:`", 0)
    assert error("r:1") == ("ambiguous keyword `r:` — it could be `relevance:` or `reproducibility:`", 0)


@pytest.mark.parametrize(("query", "message", "position"), [
    ("ovemer:", "`ovemer:` needs a number, e.g. `ovemer:>=4`", 0),
    ("ovemer:abc", "`ovemer:` needs a number, e.g. `ovemer:>=4`", 7),
    ("ovemer:>=", "`ovemer:` needs a number, e.g. `ovemer:>=4`", 7),
    ("x ovemer:=>4", "`ovemer:` needs a number, e.g. `ovemer:>=4`", 9),
    ("exp:4-", "`exp:` needs a number, e.g. `exp:>=4`", 4),
    ("Exp:four", "`Exp:` needs a number, e.g. `Exp:>=4`", 4),
])
def test_score_keyword_without_a_number_shows_an_example(query, message, position):
    assert error(query) == (message, position)


def test_score_keyword_unknown_without_score_keys():
    with pytest.raises(SearchError, match="unknown keyword `ovemer:`"):
        parse("ovemer:4")


def test_score_keyword_on_a_paper_without_that_score():
    assert not found("ovemer:>=1", replace(PAPER, scores={}))
    assert not found("ovemer:>=1", replace(PAPER, scores={"overall_merit": ()}))


@pytest.mark.parametrize(("query", "decision", "outcome", "expected"), [
    ("dec:accept", "accept", "Accept (poster)", True),
    ("dec:yes", "accept", "Accept (poster)", True),
    ("decision:ACCEPT", "accept", "Accept (oral)", True),
    ("dec:reject", "accept", "Accept (poster)", False),
    ("dec:none", "accept", "Accept (poster)", False),
    ("dec:poster", "accept", "Accept (poster)", True),
    ('dec:"accept (poster)"', "accept", "Accept (poster)", True),
    ("dec:oral", "accept", "Accept (poster)", False),
    ("dec:reject", "reject", "Reject", True),
    ("dec:no", "reject", "Reject", True),
    ("dec:accept", "reject", "Reject", False),
    ("dec:none", None, "", True),
    ("dec:undecided", None, "", True),
    ("dec:accept", None, "", False),
    ("dec:reject", None, "", False),
    # Issue 18, item 2: HotCRP's words, never a silent substring.
    ("dec:any", "accept", "Accept (poster)", True),
    ("dec:any", "reject", "Reject", True),
    ("dec:any", None, "", False),
    ("-dec:any", None, "", True),
    ("-dec:any", "accept", "Accept (poster)", False),
    ("dec:?", None, "", True),
    ("dec:?", "reject", "Reject", False),
    ("dec:unknown", None, "", True),
    ("dec:post", "accept", "Accept (poster)", True),
    ("dec:rej", "reject", "Reject", True),
    ("dec:Reject", "reject", "Reject", True),
])
def test_decision_keyword(query, decision, outcome, expected):
    assert found(query, replace(PAPER, decision=decision, outcome=outcome)) is expected


@pytest.mark.parametrize(("query", "message", "position"), [
    ("dec:maybe", "no decision `maybe` — use any, none, yes, no, “Accept (oral)”, “Accept (poster)” or “Reject”", 4),
    ("ovemer:>=4 dec:acc", "ambiguous decision `acc` — it could be `Accept (oral)` or `Accept (poster)`", 15),
    ("dec:ac", "ambiguous decision `ac` — it could be `Accept (oral)` or `Accept (poster)`", 4),
])
def test_decision_values_that_name_no_single_outcome_are_errors(query, message, position):
    assert error(query) == (message, position)


@pytest.mark.parametrize("decision", ["accept", "reject", None])
@pytest.mark.parametrize("query", ["dec:accept", "dec:reject", "dec:none", "dec:yes", "dec:no", "dec:poster",
                                   "dec:any", "dec:?"])
def test_decision_keyword_matches_nothing_when_the_decision_is_hidden(query, decision):
    paper = replace(PAPER, decision=decision, outcome="Accept (poster)" if decision else "", decision_known=False)
    assert not found(query, paper)
    assert found(f"-{query}", paper)


@pytest.mark.parametrize(("query", "status", "expected"), [
    ("status:complete", "complete", True),
    ("status:COMPLETE", "complete", True),
    ("status:comp", "complete", True),
    ("status:with", "withdrawn", True),
    ("status:w", "withdrawn", True),
    ("status:registered", "registered", True),
    ("status:registered", "complete", False),
    ("status:withdrawn", "complete", False),
])
def test_status_keyword(query, status, expected):
    assert found(query, replace(PAPER, status=status)) is expected


def test_status_keyword_matches_nothing_when_the_status_is_hidden():
    for status in ("complete", "registered", "withdrawn"):
        assert not found(f"status:{status}", replace(PAPER, status=None))


def test_status_keyword_unknown_value_lists_the_statuses():
    assert error("status:done") == ("unknown status `done` — use complete, registered or withdrawn", 7)


@pytest.mark.parametrize("query", ["#shortlist", "#SHORTLIST", "tag:Shortlist", "tag:#shortlist", "#needs-shepherd"])
def test_tag_matches_case_insensitively(query):
    assert found(query)


@pytest.mark.parametrize("query", ["#short", "tag:needs", "#urgent"])
def test_tag_must_match_whole(query):
    assert not found(query)


def test_lone_hash_is_refused():
    assert error("a #") == ("`#` needs a paper number or a tag, e.g. `#12` or `#urgent`", 2)


def test_juxtaposition_and_explicit_and_build_the_same_tree():
    assert parse("a b").root == parse("a AND b").root == And((Text("text", "a"), Text("text", "b")))


def test_or_and_bar_build_the_same_tree():
    a_or_b = Or((Text("text", "a"), Text("text", "b")))
    assert parse("a OR b").root == parse("a | b").root == parse("a|b").root == a_or_b


def test_not_and_minus_build_the_same_tree():
    assert parse("NOT a").root == parse("-a").root == parse("- a").root == Not(Text("text", "a"))


def test_precedence_not_binds_tighter_than_and_than_or():
    a, b, c = Text("text", "a"), Text("text", "b"), Text("text", "c")
    assert parse("a OR b c").root == Or((a, And((b, c))))
    assert parse("a b OR c").root == Or((And((a, b)), c))
    assert parse("NOT a b").root == And((Not(a), b))
    assert parse("-a OR b").root == Or((Not(a), b))
    assert parse("(a OR b) c").root == And((Or((a, b)), c))
    assert parse("-(a b)").root == Not(And((a, b)))


def test_double_negation_cancels():
    assert parse("NOT NOT a").root == parse("--a").root == parse("NOT -a").root == Text("text", "a")


def test_boolean_evaluation():
    assert found("backdoor OR evasion")
    assert found("evasion OR backdoor")
    assert not found("backdoor AND evasion")
    assert found("backdoor -evasion")
    assert not found("NOT backdoor")
    assert found("(evasion OR backdoor) malware")
    assert not found("evasion OR backdoor -malware")
    assert found("evasion OR (backdoor OR x) (malware -y)")


def test_minus_inside_a_word_is_not_negation():
    assert found("white-box", replace(PAPER, title="White-box attacks"))
    assert found("threat:white-box")


def test_keywords_are_case_insensitive():
    assert found("TOPIC:poisoning") and found("Ti:backdoor") and found("AU:smith") and found("DEC:accept")


def test_operators_are_uppercase_only_and_not_when_quoted():
    assert found('"OR"', replace(PAPER, title="To be OR not"))
    assert not found('"OR"', replace(PAPER, title="Evasion", abstract=""))
    assert found('x "AND"', replace(PAPER, title="x and y"))


def test_keyword_lookalikes_without_a_keyword_shape_are_words():
    assert found("12:30", replace(PAPER, title="Meet at 12:30"))


def test_quoted_keyword_is_a_phrase():
    assert found('"ti:backdoor"', replace(PAPER, title="About ti:backdoor"))
    assert not found('"ti:backdoor"')


@pytest.mark.parametrize(("query", "message", "position"), [
    ("tpic:poisoning", "unknown keyword `tpic:` — did you mean `topic:`?", 0),
    ("x Titel:y", "unknown keyword `Titel:` — did you mean `title:`?", 2),
    ("ovrall_merit:4", "unknown keyword `ovrall_merit:` — did you mean `overall_merit:`?", 0),
    ("zzz:1", "unknown keyword `zzz:`", 0),
    ("(a OR b", "unclosed `(`", 0),
    ("a (b (c)", "unclosed `(`", 2),
    ("a OR b)", "unmatched `)`", 6),
    (")", "unmatched `)`", 0),
    ("a ()", "empty parentheses `()`", 2),
    ("(", "unclosed `(`", 0),
    ("a OR", "`OR` needs a search on each side", 2),
    ("OR a", "`OR` needs a search on each side", 0),
    ("a OR OR b", "`OR` needs a search on each side", 2),
    ("a | ", "`|` needs a search on each side", 2),
    ("(a OR) b", "`OR` needs a search on each side", 3),
    ("a AND", "`AND` needs a search on each side", 2),
    ("AND a", "`AND` needs a search on each side", 0),
    ("a NOT", "`NOT` needs a search after it", 2),
    ("a -", "`-` needs a search after it", 2),
    ("(NOT) a", "`NOT` needs a search after it", 1),
    ("a NOT OR b", "`NOT` needs a search after it", 2),
    ("topic:", "`topic:` needs a value, e.g. `topic:poisoning`", 0),
    ("x AU:", "`AU:` needs a value, e.g. `AU:smith`", 2),
    ('ti:""', "`ti:` needs a value, e.g. `ti:poisoning`", 0),
    ("threat:", "`threat:` needs a value, e.g. `threat:goal=integrity`", 0),
    ("dec:", "`dec:` needs a value, e.g. `dec:accept`", 0),
    ("status: complete", "`status:` needs a value, e.g. `status:complete`", 0),
    ("tag:", "`tag:` needs a value, e.g. `tag:urgent`", 0),
    ('a ""', '`""` has nothing to search for', 2),
    ("tag:#", "`tag:#` has nothing to search for", 0),
    ('"data poisoning', 'unclosed quote `"data poisoning` — add a closing `"`', 0),
    ('ti:"data', 'unclosed quote `"data` — add a closing `"`', 3),
    ('a "b" "c', 'unclosed quote `"c` — add a closing `"`', 6),
    ('"' + "x" * 40, 'unclosed quote `"' + "x" * 29 + '…` — add a closing `"`', 0),
])
def test_error_message_and_position(query, message, position):
    assert error(query) == (message, position)


def test_error_query_too_long():
    assert error("x" * (MAX_LENGTH + 1)) == ("the query is too long (1001 characters; at most 1000)", MAX_LENGTH)
    assert not parse("x" * MAX_LENGTH).is_empty


def test_error_nesting_too_deep():
    assert not parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH).is_empty
    assert error("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1)) == (
        "too many nested parentheses (at most 50)", MAX_DEPTH)


def test_many_negations_do_not_recurse():
    assert found("-" * 998 + "x", replace(PAPER, title="x"))
    assert not found("NOT " * 199 + "x", replace(PAPER, title="x"))


def test_search_error_is_a_refusal_shown_to_the_user():
    with pytest.raises(Refused) as raised:
        parse("tpic:x")
    assert str(raised.value) == raised.value.message
