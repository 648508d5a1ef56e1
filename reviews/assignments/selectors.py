"""Reads for assigning reviewers: the PC's loads, the assignment page's papers and an
automatic run's proposal, counted and listed only over what the viewing chair may manage."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.fields.json import KeyTransform

from reviews.assignments.runs import EXPERT_TOPIC_SHARE
from reviews.models import Assignment, AssignmentRun, Bid, Review, ReviewStatus
from submissions.models import Author, Conflict, Submission
from submissions.selectors import conflicted_numbers
from workshop import policy
from workshop.models import Role, RoleName, User
from workshop.selectors import pc_members, users_with_roles_cached


def pc_loads(*, user) -> list[User]:
    """PC members with `.load` (papers assigned) and `.done` (reviews submitted),
    counted in the database over the papers `user` manages only: papers the
    viewer may not see must not show up in a count either."""
    hidden = conflicted_numbers(user=user)

    def counts(model, **conditions) -> dict[int, int]:
        rows = model.objects.filter(submission__withdrawn_at__isnull=True, **conditions).exclude(
            submission_id__in=hidden)
        return dict(rows.values("reviewer").annotate(n=Count("pk")).values_list("reviewer", "n"))

    loads, done = counts(Assignment), counts(Review, status=ReviewStatus.SUBMITTED)
    members = list(pc_members())
    for member in members:
        member.load, member.done = loads.get(member.pk, 0), done.get(member.pk, 0)
    return members


def chair_assignment_papers(*, user, reviewer: int | None = None) -> QuerySet[Submission]:
    """The assignment page's papers in numbered order, as a query to page
    through. Rows the chair is conflicted with stay listed when withdrawn:
    their vanishing would tell the chair what the row hides. Filtered by a
    reviewer, only papers the chair manages: a conflicted row would tell who
    reviews it."""
    conflicted = conflicted_numbers(user=user)
    if reviewer:
        return Submission.objects.filter(withdrawn_at__isnull=True, assignments__reviewer_id=reviewer).exclude(
            pk__in=conflicted).order_by("pk")
    return Submission.objects.filter(Q(withdrawn_at__isnull=True) | Q(pk__in=conflicted)).order_by("pk")


def chair_assignment_rows(*, user, papers: QuerySet[Submission] | None = None) -> list[Submission]:
    """`papers` (a page of `chair_assignment_papers`; all of them by default)
    with reviewers and bids. Rows the chair is conflicted with are marked and
    carry nothing else."""
    papers = chair_assignment_papers(user=user) if papers is None else papers
    rows = list(papers.prefetch_related(
        "authors", "conflicts",
        Prefetch("assignments", to_attr="assignment_list",
                 queryset=Assignment.objects.select_related("reviewer").order_by("pk")),
        Prefetch("bids", to_attr="bid_list", queryset=Bid.objects.select_related("user").order_by("pk")),
    ))
    for row in rows:
        row.viewer_conflicted = not policy.can_manage_assignments(user, row)
        row.conflicted_ids = policy.conflicted_user_ids(row)
        row.assigned_ids = {a.reviewer_id for a in row.assignment_list}
    return rows


# --- An automatic run's proposal, as a chair may see it now -------------------------------
# A run keeps its pairs in its stored result (runs.PAIR_FIELDS, a list a pair). The database
# unpacks them (PostgreSQL's jsonb_array_elements, SQLite's json_each), so the preview's figures
# are aggregates and a page of its per-paper table is a LIMIT/OFFSET: no pair is built in Python
# but those of the page (and the few the policy must look at, below).

PREVIEW_PAPERS = 100  # papers a page of the per-paper table


@dataclass(frozen=True)
class PreviewPaper:
    pk: int
    title: str = ""


@dataclass(frozen=True)
class PreviewPerson:
    pk: int
    full_name: str


@dataclass
class RunPreview:
    """A saved proposal as one chair may see and apply it now: papers the chair has become
    conflicted with are left out, pairs whose reviewer the policy now refuses are `blocked`,
    and every figure counts only the pairs that remain."""

    page: Page              # of {"paper", "reviewers" (best first), "expert"}
    papers: int             # papers with a pair
    total: float            # the sum of the pairs' scores
    weakest: float          # the lowest sum of a paper's pairs' scores
    new_pairs: int          # pairs not assigned now
    scores: list[float]     # every pair's score, for the histogram
    loads: list[tuple[str, int]]  # every PC member's name and pairs, most first
    no_expert: list[PreviewPaper]  # papers none of whose reviewers is an expert
    blocked: list[dict]     # {"paper", "reviewer", "reviewer_user", "refusal"}, in the proposal's order
    left_out: bool          # some papers of the run are no longer the viewer's to manage


def run_preview(*, run: AssignmentRun, user, page_number=None) -> RunPreview:
    """The proposal of `run` as `user` (its chair) may see it, and one page of its papers."""
    hidden = sorted(set(conflicted_numbers(user=user).values_list("pk", flat=True)))
    fields = AssignmentRun.objects.filter(pk=run.pk).annotate(
        names=KeyTransform("fields", "result")).values_list("names", flat=True).first()
    sql = _PairsSql(run.pk, fields if isinstance(fields, list) else [], hidden,
                    shown=policy.can_view_assignment_run(user, run))
    blocked = _blocked(sql.candidates())
    sql.leave_out([pair["ord"] for pair in blocked])
    figures = sql.summary()
    # Every PC member, not the run's list: who the run considered for a hidden paper is hidden too.
    members = sorted(((name, figures["loads"].get(pk, 0)) for pk, name in pc_members().values_list(
        "pk", "full_name")), key=lambda x: (-x[1], x[0]))
    page = Paginator(_Pages(figures["papers"], sql.page), PREVIEW_PAPERS).get_page(page_number)
    return RunPreview(page=page, papers=figures["papers"], total=figures["total"], weakest=figures["weakest"],
                      new_pairs=figures["new_pairs"], scores=figures["scores"], loads=members,
                      no_expert=[PreviewPaper(pk) for pk in figures["no_expert"]],
                      blocked=[{k: v for k, v in pair.items() if k != "ord"} for pair in blocked],
                      left_out=figures["left_out"] or not sql.shown)


def _blocked(candidates: list[tuple[int, int, int]]) -> list[dict]:
    """The candidate pairs (ord, paper, reviewer) the policy now refuses, with its reason."""
    if not candidates:
        return []
    papers = Submission.objects.filter(pk__in={p for _, p, _ in candidates}).prefetch_related("authors", "conflicts")
    papers = {paper.pk: paper for paper in papers}
    people = users_with_roles_cached({r for _, _, r in candidates})
    blocked = []
    for ord_, paper, reviewer in candidates:
        person = people.get(reviewer)
        refusal = policy.assignment_refusal(submission=papers[paper], reviewer=person) if person else "gone"
        if refusal:
            blocked.append({"ord": ord_, "paper": paper, "reviewer": reviewer, "reviewer_user": person,
                            "refusal": refusal})
    return blocked


class _Pages:
    """The papers of a preview for a Paginator: counted already, a page read when sliced."""

    def __init__(self, count: int, read):
        self._count, self._read = count, read

    def count(self) -> int:
        return self._count

    def __getitem__(self, part: slice) -> list[dict]:
        return self._read(offset=part.start or 0, limit=part.stop - (part.start or 0))


class _PairsSql:
    """The queries over one run's stored pairs. `pairs` unpacks them; `visible` keeps those on
    papers the viewer manages (not `hidden`; none unless `shown`: the run is theirs to see) and
    not left out by the policy (`leave_out`)."""

    def __init__(self, run_id: int, fields: list[str], hidden: list[int], *, shown: bool = True):
        self.run_id, self.fields, self.hidden, self.left_out, self.shown = run_id, fields, hidden, [], shown
        self.names = {"run": AssignmentRun._meta.db_table, "paper": Submission._meta.db_table,
                      "user": User._meta.db_table, "role": Role._meta.db_table,
                      "author": Author._meta.db_table, "conflict": Conflict._meta.db_table,
                      "assignment": Assignment._meta.db_table}
        self.names = {key: connection.ops.quote_name(name) for key, name in self.names.items()}

    def leave_out(self, ords: list[int]) -> None:
        self.left_out = ords

    def _pairs(self) -> tuple[str, list]:
        """SELECT ord, paper, reviewer, score, text, topic, threat, bid, kept of the run's pairs: a list
        a pair in the order `fields` names (runs.PAIR_FIELDS), or, in runs stored before, an object."""
        vendor = connection.vendor
        if vendor not in _UNPACK:
            raise NotImplementedError(f"run previews read PostgreSQL and SQLite, not {vendor}")
        unpack = _UNPACK[vendor]
        columns = [f"{unpack['ordinal']} AS ord"]
        for name, kind in _PAIR_COLUMNS.items():
            value = unpack["named"].format(name=name)
            if name in self.fields:
                value = f"COALESCE({unpack['at'].format(index=int(self.fields.index(name)))}, {value})"
            columns.append(f"CAST({value} AS {unpack[kind]}) AS {name}")
        # Only our table names, column expressions and placeholders go into the text (so every S608 below).
        return f"SELECT {', '.join(columns)} FROM {self.names['run']} r{unpack['source']} WHERE r.id = %s", [  # noqa: S608
            self.run_id]

    def _with(self, body: str, params: list | None = None) -> list[tuple]:
        """Run `body` with the CTEs `pairs`, `visible` and `per_paper` (paper, total, best topic)."""
        pairs, pair_params = self._pairs()
        hidden = f"AND v.paper NOT IN ({', '.join(['%s'] * len(self.hidden))})" if self.hidden else ""
        left_out = f"AND v.ord NOT IN ({', '.join(['%s'] * len(self.left_out))})" if self.left_out else ""
        sql = (f"WITH pairs AS ({pairs}), "  # noqa: S608
               f"visible AS (SELECT v.* FROM pairs v JOIN {self.names['paper']} s ON s.id = v.paper "
               f"WHERE {'TRUE' if self.shown else 'FALSE'} {hidden} {left_out}), "
               "per_paper AS (SELECT paper, SUM(score) AS total, MAX(COALESCE(topic, 0)) AS best FROM visible "
               f"GROUP BY paper) {body}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*pair_params, *self.hidden, *self.left_out, *(params or [])])
            return cursor.fetchall()

    def candidates(self) -> list[tuple[int, int, int]]:
        """(ord, paper, reviewer) of the visible pairs `policy.assignment_refusal` may refuse: it can
        only refuse a removed account, a paper now withdrawn, someone no longer on the PC, an author
        (the paper's creator, or by email) and someone with a recorded conflict. The policy decides."""
        n = self.names
        return self._with(
            f"SELECT v.ord, v.paper, v.reviewer FROM visible v JOIN {n['paper']} s ON s.id = v.paper "  # noqa: S608
            f"LEFT JOIN {n['user']} u ON u.id = v.reviewer "
            "WHERE u.id IS NULL OR s.withdrawn_at IS NOT NULL OR s.created_by_id = v.reviewer "
            f"OR NOT EXISTS (SELECT 1 FROM {n['role']} ro WHERE ro.user_id = v.reviewer AND ro.name = %s) "
            f"OR EXISTS (SELECT 1 FROM {n['conflict']} c WHERE c.submission_id = v.paper AND c.user_id = v.reviewer) "
            f"OR EXISTS (SELECT 1 FROM {n['author']} a WHERE a.submission_id = v.paper "
            "AND LOWER(a.email) = LOWER(u.email)) ORDER BY v.ord", [RoleName.PC])

    def summary(self) -> dict:
        """Every figure in one query (one unpacking of the pairs): papers, the total score, the
        weakest paper's, the pairs not assigned now, whether any paper of the run is left out (gone,
        or the viewer's conflict), each reviewer's pairs, the papers with no expert and every score."""
        n = self.names
        hidden = f"OR p.paper IN ({', '.join(['%s'] * len(self.hidden))})" if self.hidden else ""
        rows = self._with(" UNION ALL ".join([  # (what, id, value)
            "SELECT 'papers', 0, COUNT(*) FROM per_paper",
            "SELECT 'total', 0, COALESCE(SUM(total), 0) FROM per_paper",
            "SELECT 'weakest', 0, COALESCE(MIN(total), 0) FROM per_paper",
            f"SELECT 'new', 0, COUNT(*) FROM visible v WHERE NOT EXISTS (SELECT 1 FROM {n['assignment']} a "  # noqa: S608
            "WHERE a.submission_id = v.paper AND a.reviewer_id = v.reviewer)",
            f"SELECT 'left out', 0, COUNT(*) FROM pairs p LEFT JOIN {n['paper']} s ON s.id = p.paper "  # noqa: S608
            f"WHERE s.id IS NULL {hidden}",
            "SELECT 'load', reviewer, COUNT(*) FROM visible GROUP BY reviewer",
            "SELECT 'no expert', paper, 0 FROM per_paper WHERE best < %s",
            "SELECT 'score', ord, score FROM visible",
        ]), [*self.hidden, EXPERT_TOPIC_SHARE])
        found = {"loads": {}, "no_expert": [], "scores": []}
        for what, key, value in rows:
            if what == "load":
                found["loads"][key] = int(value)
            elif what in ("no expert", "score"):
                found["no_expert" if what == "no expert" else "scores"].append((key, value))
            else:
                found[what] = value
        return {"papers": int(found["papers"]), "total": float(found["total"]), "weakest": float(found["weakest"]),
                "new_pairs": int(found["new"]), "left_out": found["left out"] > 0, "loads": found["loads"],
                "no_expert": sorted(paper for paper, _ in found["no_expert"]),
                "scores": [float(score) for _, score in sorted(found["scores"])]}

    def page(self, *, offset: int, limit: int) -> list[dict]:
        """The papers of one page in numbered order, each with its pairs, best first."""
        n = self.names
        rows = self._with(
            "SELECT v.paper, s.title, v.reviewer, u.full_name, v.score, v.text, v.topic, v.threat, v.bid, v.kept "  # noqa: S608
            f"FROM visible v JOIN {n['paper']} s ON s.id = v.paper JOIN {n['user']} u ON u.id = v.reviewer "
            "WHERE v.paper IN (SELECT paper FROM per_paper ORDER BY paper LIMIT %s OFFSET %s) "
            "ORDER BY v.paper, v.score DESC, v.ord", [limit, offset])
        papers: dict[int, dict] = {}
        for paper, title, reviewer, name, score, text, topic, threat, bid, kept in rows:
            row = papers.setdefault(paper, {"paper": PreviewPaper(paper, title), "reviewers": [], "expert": False})
            row["reviewers"].append({"paper": paper, "reviewer": reviewer, "score": score, "text": text,
                                     "topic": topic, "threat": threat, "bid": bid, "kept": bool(kept),
                                     "reviewer_user": PreviewPerson(reviewer, name)})
            row["expert"] = row["expert"] or (topic or 0) >= EXPERT_TOPIC_SHARE
        return list(papers.values())


# How each database unpacks the pairs: the table function joined to the run, a pair's ordinal, its
# element by position (a list) and by name (an object), and the SQL type of each kind of column.
_UNPACK = {
    "postgresql": {"source": " CROSS JOIN LATERAL jsonb_array_elements(r.result -> 'pairs') WITH ORDINALITY "
                             "AS e(p, ord)",
                   "ordinal": "e.ord", "at": "e.p ->> {index}", "named": "e.p ->> '{name}'",
                   "int": "bigint", "float": "double precision", "bool": "boolean"},
    "sqlite": {"source": ", json_each(r.result, '$.pairs') AS e", "ordinal": "e.key + 1",
               "at": "json_extract(e.value, '$[{index}]')", "named": "json_extract(e.value, '$.{name}')",
               "int": "INTEGER", "float": "REAL", "bool": "INTEGER"},
}
_PAIR_COLUMNS = {"paper": "int", "reviewer": "int", "score": "float", "text": "float", "topic": "float",
                 "threat": "float", "bid": "float", "kept": "bool"}
