"""The paper search language (HotCRP's conventions), parsed into a tree and matched against PaperFacts.

Pure Python. PaperFacts describe one paper *as the searcher may see it*: whatever is hidden arrives
empty (or None, or decision_known=False), so every positive keyword is false on it and the result
count reveals nothing. Grammar (NOT binds tighter than AND, AND tighter than OR):

    query   := or-expr?                  or-expr := and-expr (("OR" | "|") and-expr)*
    and-expr := not-expr ("AND"? not-expr)*      not-expr := ("NOT" | "-")* atom
    atom    := "(" or-expr ")" | term    term := [keyword ":"] value | "#" number-or-tag | word | "phrase"
"""

import difflib
import operator
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from workshop.errors import Refused

MAX_LENGTH = 1000
MAX_DEPTH = 50
THREAT_KINDS = ("goal", "knowledge", "phase", "domain", "contribution")
STATUSES = ("complete", "registered", "withdrawn")
KEYWORDS = {"ti": "title", "title": "title", "ab": "abstract", "abstract": "abstract", "au": "author",
            "author": "author", "authors": "author", "topic": "topic", "threat": "threat", "re": "reviewer",
            "rev": "reviewer", "reviewer": "reviewer", "dec": "decision", "decision": "decision",
            "status": "status", "tag": "tag"}
EXAMPLES = {"title": "poisoning", "abstract": "poisoning", "author": "smith", "topic": "poisoning",
            "threat": "goal=integrity", "reviewer": "alice", "decision": "accept", "status": "complete",
            "tag": "urgent"}
# `dec:` words with a fixed meaning (HotCRP's); any other value names outcomes.
DECISION_WORDS = {"any": ("any", ()), "none": ("none", ()), "?": ("none", ()), "undecided": ("none", ()),
                  "unknown": ("none", ()), "yes": ("category", ("accept",)), "no": ("category", ("reject",)),
                  "accept": ("category", ("accept",)), "accepted": ("category", ("accept",)),
                  "reject": ("category", ("reject",)), "rejected": ("category", ("reject",))}
DIRECTIVES = ("show", "hide", "sort")
COMPARISONS = {"=": operator.eq, "==": operator.eq, "<": operator.lt, ">": operator.gt,
               "<=": operator.le, ">=": operator.ge}
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_SCORE = re.compile(rf"(<=|>=|==|=|<|>)?({_NUMBER})|({_NUMBER})-({_NUMBER})")
_PAPERS = re.compile(r"([0-9]+)(?:-([0-9]+))?")
_KEYWORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):")
_LEXEME = re.compile(r'(?P<space>\s+)|(?P<op>[()|-])|(?P<word>(?:[^\s()|"]|"[^"]*")+)|(?P<quote>")')


class SearchError(Refused):
    """A query we cannot run: .message goes under the search box, .position is where (0-based) or None."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class PaperFacts:
    number: int
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()  # "Name <email> Affiliation"; () when hidden from the searcher
    topics: tuple[str, ...] = ()
    threat_terms: tuple[tuple[str, str], ...] = ()  # (kind, label)
    reviewers: tuple[str, ...] = ()  # "Name <email>"; () when hidden
    scores: Mapping[str, tuple[float, ...]] = field(default_factory=dict)  # key -> visible submitted values
    decision: str | None = None  # "accept" | "reject" | None (undecided)
    outcome: str = ""
    decision_known: bool = False
    status: str | None = None  # "registered" | "complete" | "withdrawn"; None when hidden
    tags: tuple[str, ...] = ()


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of `text`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


# The tree. Every node has .test(paper) -> bool.
@dataclass(frozen=True)
class And:
    parts: tuple

    def test(self, paper: PaperFacts) -> bool:
        return all(part.test(paper) for part in self.parts)


@dataclass(frozen=True)
class Or:
    parts: tuple

    def test(self, paper: PaperFacts) -> bool:
        return any(part.test(paper) for part in self.parts)


@dataclass(frozen=True)
class Not:
    part: object

    def test(self, paper: PaperFacts) -> bool:
        return not self.part.test(paper)


@dataclass(frozen=True)
class Text:
    """The folded `needle` is in one of the strings the paper shows for `field` (equals one, when `whole`)."""

    field: str  # a key of visible_strings(), or "threat:<kind>"
    needle: str
    whole: bool = False

    def test(self, paper: PaperFacts) -> bool:
        folded = (fold(string) for string in visible_strings(paper, self.field))
        return any(self.needle == string if self.whole else self.needle in string for string in folded)


def visible_strings(paper: PaperFacts, field: str) -> tuple[str, ...]:
    """What a keyword reads. Hidden facts arrive empty, so nothing can match them."""
    if field.startswith("threat"):
        kind = field.partition(":")[2]
        return tuple(label for term_kind, label in paper.threat_terms if kind in ("", term_kind))
    return {"text": (paper.title, paper.abstract), "title": (paper.title,), "abstract": (paper.abstract,),
            "author": paper.authors, "topic": paper.topics, "reviewer": paper.reviewers, "tag": paper.tags,
            "status": (paper.status,) if paper.status else (),
            "outcome": (paper.outcome,) if paper.decision_known and paper.decision else ()}[field]


@dataclass(frozen=True)
class Number:
    low: int
    high: int

    def test(self, paper: PaperFacts) -> bool:
        return self.low <= paper.number <= self.high


@dataclass(frozen=True)
class Score:
    key: str
    op: str  # a COMPARISONS key, or "-" for the inclusive range number..upper
    number: float
    upper: float | None = None

    def test(self, paper: PaperFacts) -> bool:
        values = paper.scores.get(self.key, ())
        if self.op == "-":
            return any(self.number <= value <= self.upper for value in values)
        return any(COMPARISONS[self.op](value, self.number) for value in values)


@dataclass(frozen=True)
class Decision:
    """HotCRP's `dec:`: `kind` is "any" (a decision), "none" (no decision), "category" (the
    accept or reject class: `values` holds it) or "names" (these outcomes, folded)."""

    kind: str
    values: frozenset[str] = frozenset()

    def test(self, paper: PaperFacts) -> bool:
        if not paper.decision_known:
            return False
        if self.kind == "none":
            return paper.decision is None
        if paper.decision is None:
            return False
        if self.kind == "any":
            return True
        if self.kind == "category":
            return paper.decision in self.values
        return fold(paper.outcome) in self.values


@dataclass(frozen=True)
class Directives:
    """How to show the result (HotCRP's `show:`, `hide:`, `sort:`): not a condition on papers."""

    show: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    sort: tuple[str, bool] | None = None  # (column, descending)


@dataclass(frozen=True)
class Query:
    text: str
    root: object | None  # None: the blank query, which matches every paper
    directives: Directives = Directives()

    @property
    def is_empty(self) -> bool:
        return self.root is None


def matches(query: Query, paper: PaperFacts) -> bool:
    return query.root is None or query.root.test(paper)


# The PaperFacts each keyword of visible_strings() reads.
_TEXT_READS = {"text": ("title", "abstract"), "title": ("title",), "abstract": ("abstract",), "author": ("authors",),
               "topic": ("topics",), "reviewer": ("reviewers",), "tag": ("tags",), "status": ("status",),
               "outcome": ("outcome", "decision", "decision_known")}


def facts_read(query: Query) -> frozenset[str]:
    """The PaperFacts fields `matches(query, ...)` can read: a caller may leave
    the others empty (loading them for every paper is what makes a search slow)."""
    read: set[str] = set()
    pending = [query.root] if query.root is not None else []
    while pending:
        node = pending.pop()
        if isinstance(node, (And, Or)):
            pending.extend(node.parts)
        elif isinstance(node, Not):
            pending.append(node.part)
        elif isinstance(node, Text):
            read.update(("threat_terms",) if node.field.startswith("threat") else _TEXT_READS[node.field])
        elif isinstance(node, Number):
            read.add("number")
        elif isinstance(node, Score):
            read.add("scores")
        elif isinstance(node, Decision):
            read.update(("decision", "decision_known", "outcome"))
        else:  # a node this function does not know yet: everything, to be safe
            return frozenset(PaperFacts.__dataclass_fields__)
    return frozenset(read)


def parse(text: str, *, score_keys: Sequence[str] = (), outcomes: Iterable[tuple[str, str]] = (),
          columns: Sequence[str] = (), sortable: Sequence[str] = ()) -> Query:
    """`outcomes` are (name, category) pairs `dec:` may name (read only if it does); `columns` what
    `show:` and `hide:` may name, `sortable` what `sort:` may."""
    if len(text) > MAX_LENGTH:
        raise SearchError(f"the query is too long ({len(text)} characters; at most {MAX_LENGTH})", MAX_LENGTH)
    tokens = _lex(text)
    tokens, directives = _directives(tokens, columns=tuple(columns), sortable=tuple(sortable))
    root = _Parser(text, tokens, tuple(score_keys), outcomes).parse() if tokens else None
    return Query(text, root, directives)


def _directives(tokens, *, columns, sortable) -> tuple[list, Directives]:
    """Take `show:`, `hide:` and `sort:` out of the tokens (they may stand anywhere, never negated)."""
    kept, show, hide, sort = [], [], [], None
    for index, token in enumerate(tokens):
        if token.kind != "TERM" or token.keyword is None or token.keyword.lower() not in DIRECTIVES:
            kept.append(token)
            continue
        keyword = token.keyword.lower()
        if index and tokens[index - 1].kind == "NOT":
            raise SearchError(f"`{keyword}:` cannot be negated; use `hide:` or `show:`", tokens[index - 1].pos)
        value = token.value.strip()
        descending = keyword == "sort" and value.startswith("-")
        column = _column(value.removeprefix("-") if keyword == "sort" else value, token,
                         sortable if keyword == "sort" else columns)
        if keyword == "sort":
            sort = (column, descending)
        else:
            (show if keyword == "show" else hide).append(column)
    return kept, Directives(tuple(show), tuple(hide), sort)


def _column(value: str, token, columns: tuple[str, ...]) -> str:
    typed = value.lower()
    if not typed:
        example = columns[0] if columns else "title"
        raise SearchError(f"`{token.keyword}:` needs a column, e.g. `{token.keyword}:{example}`", token.pos)
    exact = [c for c in columns if c.lower() == typed]
    found = exact or [c for c in columns if c.lower().startswith(typed) or _abbreviates(typed, c)]
    if len(found) == 1:
        return found[0]
    if found:
        raise SearchError(f"ambiguous column `{value}` — it could be " + _either([f"`{c}`" for c in found]),
                          token.value_pos)
    raise SearchError(f"unknown column `{value}` — use " + _either([f"`{c}`" for c in columns]), token.value_pos)


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "OR", "AND", "NOT" or "TERM"
    pos: int
    end: int
    keyword: str | None = None  # as typed, without the colon
    value: str = ""  # without quote marks
    value_pos: int = 0
    quoted: bool = False


def _lex(text: str) -> list[_Token]:
    tokens = []
    for match in _LEXEME.finditer(text):
        start, end, word = match.start(), match.end(), match[0]
        if match.lastgroup == "quote":
            shown = text[start:start + 30] + ("…" if len(text) - start > 30 else "")
            raise SearchError(f"unclosed quote `{shown}` — add a closing `\"`", start)
        if match.lastgroup == "op":  # "-" is only an operator at the start of a word
            tokens.append(_Token({"|": "OR", "-": "NOT"}.get(word, word), start, end))
        elif match.lastgroup == "word" and word in ("AND", "OR", "NOT"):
            tokens.append(_Token(word, start, end))
        elif match.lastgroup == "word":
            keyword = _KEYWORD.match(word)
            value_pos = start + keyword.end() if keyword else start
            raw = text[value_pos:end]
            tokens.append(_Token("TERM", start, end, keyword and keyword[1], raw.replace('"', ""), value_pos,
                                 '"' in raw))
    return tokens


class _Parser:
    def __init__(self, text: str, tokens: list[_Token], score_keys: tuple[str, ...], outcomes=()):
        # `outcomes` is only read when a `dec:` names one: a caller may pass something lazy.
        self.text, self.tokens, self.score_keys, self.i = text, tokens, score_keys, 0
        self._outcomes, self._outcomes_read = outcomes, None

    @property
    def outcomes(self) -> tuple[tuple[str, str], ...]:
        if self._outcomes_read is None:
            self._outcomes_read = tuple(self._outcomes)
        return self._outcomes_read

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def typed(self, token: _Token) -> str:
        return self.text[token.pos:token.end]

    def parse(self):
        node = self.or_expr(None, 0)
        if self.peek() is not None:  # only a ")" stops an expression early
            raise SearchError("unmatched `)`", self.peek().pos)
        return node

    def or_expr(self, after: _Token | None, depth: int):
        parts = [self.and_expr(after, depth)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.i += 1
            parts.append(self.and_expr(token, depth))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self, after: _Token | None, depth: int):
        parts = [self.not_expr(after, depth)]
        while (token := self.peek()) is not None and token.kind not in (")", "OR"):
            if token.kind == "AND":
                self.i += 1
            parts.append(self.not_expr(token if token.kind == "AND" else None, depth))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_expr(self, after: _Token | None, depth: int):
        negated = False
        while (token := self.peek()) is not None and token.kind == "NOT":
            self.i += 1
            negated, after = not negated, token
        node = self.atom(after, depth)
        return Not(node) if negated else node

    def atom(self, after: _Token | None, depth: int):
        self.expect_operand(after)
        token = self.tokens[self.i]
        self.i += 1
        if token.kind == "TERM":
            return self.term(token)
        if depth + 1 > MAX_DEPTH:
            raise SearchError(f"too many nested parentheses (at most {MAX_DEPTH})", token.pos)
        node = self.or_expr(token, depth + 1)
        if self.peek() is None:
            raise SearchError("unclosed `(`", token.pos)
        self.i += 1
        return node

    def expect_operand(self, after: _Token | None) -> None:
        """Raise the right complaint unless a term, "(" or NOT comes next; `after` is what asked for it."""
        token = self.peek()
        if token is not None and token.kind in ("TERM", "(", "NOT"):
            return
        if after is not None and after.kind in ("OR", "AND"):
            raise SearchError(f"`{self.typed(after)}` needs a search on each side", after.pos)
        if after is not None and after.kind == "NOT":
            raise SearchError(f"`{self.typed(after)}` needs a search after it", after.pos)
        if after is not None and after.kind == "(" and (token is None or token.kind == ")"):
            raise SearchError("unclosed `(`" if token is None else "empty parentheses `()`", after.pos)
        if token.kind in ("OR", "AND"):
            raise SearchError(f"`{self.typed(token)}` needs a search on each side", token.pos)
        raise SearchError("unmatched `)`", token.pos)

    def term(self, token: _Token):
        if token.keyword is None:
            papers = None if token.quoted else _PAPERS.fullmatch(token.value.removeprefix("#"))
            if papers:
                low, high = int(papers[1]), int(papers[2] or papers[1])
                return Number(min(low, high), max(low, high))
            if token.value.startswith("#") and not token.quoted:
                if token.value == "#":
                    raise SearchError("`#` needs a paper number or a tag, e.g. `#12` or `#urgent`", token.pos)
                return Text("tag", self.needle(token, token.value[1:]), whole=True)
            return Text("text", self.needle(token, token.value))
        kind = KEYWORDS.get(token.keyword.lower())
        if kind is None:
            key, value = self.score_key(token), token.value.strip()
            score = _SCORE.fullmatch(value)
            if not score:
                raise SearchError(f"`{token.keyword}:` needs a number, e.g. `{token.keyword}:>=4`",
                                  token.value_pos if value else token.pos)
            if score[3]:
                low, high = float(score[3]), float(score[4])
                return Score(key, "-", min(low, high), max(low, high))
            return Score(key, score[1] or "=", float(score[2]))
        if not token.value.strip():
            raise SearchError(f"`{token.keyword}:` needs a value, e.g. `{token.keyword}:{EXAMPLES[kind]}`", token.pos)
        value = token.value
        if kind == "threat":
            threat_kind, equals, label = value.partition("=")
            if not equals or not threat_kind.isalpha():
                return Text("threat", self.needle(token, value))
            kinds = [k for k in THREAT_KINDS if k.startswith(threat_kind.lower())]
            if len(kinds) != 1:
                raise SearchError(f"unknown threat kind `{threat_kind}` — use " + _either(THREAT_KINDS),
                                  token.value_pos)
            if not label.strip():
                raise SearchError(f"`{self.typed(token)}` needs a label after `=`", token.pos)
            return Text(f"threat:{kinds[0]}", self.needle(token, label))
        if kind == "decision":
            return self.decision(token, value)
        if kind == "status":
            statuses = [s for s in STATUSES if s.startswith(fold(value))]
            if len(statuses) != 1:
                raise SearchError(f"unknown status `{value}` — use " + _either(STATUSES), token.value_pos)
            return Text("status", statuses[0], whole=True)
        if kind == "tag":
            return Text("tag", self.needle(token, value.removeprefix("#")), whole=True)
        return Text(kind, self.needle(token, value))

    def decision(self, token: _Token, value: str) -> Decision:
        """HotCRP's words, else the outcomes named by their name or an unambiguous prefix of it (or of
        one of its words: `dec:poster`); a value that names none is an error, never a substring."""
        folded = fold(value)
        if folded in DECISION_WORDS:
            kind, values = DECISION_WORDS[folded]
            return Decision(kind, frozenset(values))
        names = [fold(name) for name, _category in self.outcomes]
        found = [n for n in names if n == folded] or [
            n for n in names if n.startswith(folded) or any(word.startswith(folded) for word in re.split(r"\W+", n))]
        if len(found) == 1:
            return Decision("names", frozenset(found))
        shown = [name for name, _ in self.outcomes if fold(name) in found]
        if found:
            raise SearchError(f"ambiguous decision `{value}` — it could be " + _either([f"`{n}`" for n in shown]),
                              token.value_pos)
        choices = ["any", "none", "yes", "no", *[f"“{name}”" for name, _ in self.outcomes]]
        raise SearchError(f"no decision `{value}` — use " + _either(choices), token.value_pos)

    def needle(self, token: _Token, value: str) -> str:
        folded = fold(value)
        if not folded:
            raise SearchError(f"`{self.typed(token)}` has nothing to search for", token.pos)
        return folded

    def score_key(self, token: _Token) -> str:
        typed = token.keyword.lower()
        exact = [key for key in self.score_keys if key.lower() == typed]
        found = exact or [key for key in self.score_keys if _abbreviates(typed.replace("_", ""), key)]
        if len(found) == 1 or exact:
            return found[0]
        if found:
            raise SearchError(f"ambiguous keyword `{token.keyword}:` — it could be "
                              + _either([f"`{key}:`" for key in found]), token.pos)
        close = difflib.get_close_matches(typed, [*KEYWORDS, *self.score_keys], n=1)
        hint = f" — did you mean `{close[0]}:`?" if close else ""
        raise SearchError(f"unknown keyword `{token.keyword}:`{hint}", token.pos)


def _abbreviates(typed: str, key: str) -> bool:
    """Is `typed` a nonempty prefix of the key's first word, then of the next, ... (`ovemer` -> overall_merit)?"""
    words = [word for word in re.split(r"[\W_]+", key.lower()) if word]

    @cache
    def spelled(at: int, word: int) -> bool:  # can typed[at:] be made from prefixes of words[word:]?
        if at == len(typed):
            return True
        return word < len(words) and any(typed[at:at + n] == words[word][:n] and spelled(at + n, word + 1)
                                         for n in range(1, len(words[word]) + 1))

    return spelled(0, 0)


def _either(options: Sequence[str]) -> str:
    return ", ".join(options[:-1]) + " or " + options[-1] if len(options) > 1 else "".join(options)
