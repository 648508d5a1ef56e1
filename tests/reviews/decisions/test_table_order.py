"""The paper table sorts, searches and pages in the database: the same order as sorting every
row in Python (kept here as the reference), hidden papers last whatever they hide, and a
constant number of queries whatever the number of papers."""

import re
from collections import defaultdict

import pytest
from django.urls import reverse

from reviews.decisions.table import SORTABLE, as_number, paper_order, paper_rows, score_fields
from reviews.decisions.table_views import PAGE_ROWS
from reviews.models import Assignment, Review
from submissions.models import Conflict, Submission
from tests.factories import RoleFactory, UserFactory
from tests.reviews.decisions.mixed_world import mixed_world

pytestmark = pytest.mark.django_db


def _statistics(answers: list[dict], key: str) -> dict | None:
    """The old Python statistics of one score field over a paper's submitted answers."""
    pairs = sorted((v, as_number(a.get("expertise")) or 1.0) for a in answers
                   if (v := as_number(a.get(key))) is not None)
    if not pairs:
        return None
    values = [v for v, _ in pairs]
    total = sum(w for _, w in pairs)
    mean = sum(values) / len(values)
    return {"mean": mean, "low": values[0], "high": values[-1], "spread": values[-1] - values[0],
            "weighted": sum(v * w for v, w in pairs) / total if total else mean}


def reference_order(user, column: str, descending: bool) -> list[tuple[int, bool]]:
    """Every row built, then sorted in Python: what the table did before it sorted in the database."""
    fields = score_fields()
    primary = fields[0].key if fields else None
    answers = defaultdict(list)
    for paper, values in Review.objects.filter(status="submitted").values_list("submission_id", "values"):
        answers[paper].append(values)

    def stat(row, key, name):
        found = _statistics(answers[row.number], key) if row.managed and key else None
        return found[name] if found else None

    keys = {"number": lambda r: r.number, "title": lambda r: r.title.casefold(),
            "decision": lambda r: r.outcome.position if r.outcome else None,
            "reviews": lambda r: r.reviews_done if r.managed else None, "status": lambda r: r.status,
            **{c: (lambda r, n=n: stat(r, primary, n)) for c, n in (
                ("mean", "mean"), ("min", "low"), ("max", "high"), ("spread", "spread"), ("weighted", "weighted"))},
            **{f.key: (lambda r, k=f.key: stat(r, k, "mean")) for f in fields}}
    key = keys.get(column, keys["number"])
    rows = paper_rows(user=user, fields=fields)
    present = [r for r in rows if key(r) is not None]
    return [(r.number, r.managed) for r in
            sorted(present, key=key, reverse=descending) + [r for r in rows if key(r) is None]]


def test_every_column_sorts_as_python_sorted_every_row(chair):
    world = mixed_world(chair)
    columns = [*SORTABLE, *[f.key for f in score_fields()], "no-such-column"]

    for user in (chair, world["conflicted_chair"]):
        for column in columns:
            for descending in (False, True):
                assert paper_order(user=user, column=column, descending=descending, fields=score_fields()) == \
                    reference_order(user, column, descending), (user.email, column, descending)


def test_hidden_papers_sort_last_in_numbered_order_whatever_they_hide(chair):
    world = mixed_world(chair)
    hidden = set(Submission.objects.filter(conflicts__user=world["conflicted_chair"],
                                           conflicts__waived_by__isnull=True).values_list("pk", flat=True))
    hidden.add(world["papers"][7].pk)  # an author

    order = paper_order(user=world["conflicted_chair"], column="mean", descending=True, fields=score_fields())

    assert [n for n, managed in order if not managed] == sorted(hidden)
    first_hidden = next(i for i, (_, managed) in enumerate(order) if not managed)
    tail = [n for n, _ in order[first_hidden:]]  # with the papers without a mean, in numbered order
    assert tail == sorted(tail)


def _listed(response) -> list[int]:
    return [int(n) for n in re.findall(r"<td>#(\d+)</td>", response.content.decode())]


def test_the_table_pages_the_order_of_every_paper(client_for, chair):
    world = mixed_world(chair, papers=PAGE_ROWS + 5)
    client = client_for(world["conflicted_chair"])
    expected = [n for n, _ in reference_order(world["conflicted_chair"], "weighted", True)]

    first = client.get(reverse("paper_table"), {"sort": "weighted", "dir": "desc"})
    second = client.get(reverse("paper_table"), {"sort": "weighted", "dir": "desc", "page": 2})

    assert _listed(first) + _listed(second) == expected
    assert f"Page 2 of 2, {PAGE_ROWS + 5} papers" in second.content.decode()
    assert "sort=weighted" in re.search(r'<a href="([^"]*)" rel="prev">', second.content.decode())[1]


def test_a_search_with_a_sort_lists_the_matches_in_that_order(client_for, chair):
    world = mixed_world(chair)
    client = client_for(chair)
    matches = set(_listed(client.get(reverse("chair_submissions"), {"q": "ovemer:>=3"})))
    expected = [n for n, _ in reference_order(chair, "spread", False) if n in matches]

    response = client.get(reverse("paper_table"), {"q": "ovemer:>=3 sort:spread"})

    assert _listed(response) == expected and len(expected) > 2
    assert f"({len(expected)})" in response.content.decode()
    assert len(world["papers"]) > len(expected)


def test_the_csv_follows_the_tables_order(client_for, chair):
    mixed_world(chair)

    text = client_for(chair).get(reverse("chair_submissions_csv"), {"sort": "mean", "dir": "desc"}).content.decode()

    assert [int(line.split(",")[0]) for line in text.splitlines()[1:]] == \
        [n for n, _ in reference_order(chair, "mean", True)]


def _papers(count: int, chair) -> None:
    """`count` papers the chair manages, each with a submitted review, and one they are conflicted with."""
    reviewer = UserFactory()
    RoleFactory(user=reviewer, name="pc")
    author = UserFactory()
    papers = Submission.objects.bulk_create(
        Submission(title=f"Paper {i}", abstract="x", attack_model="x", security_relationship="x",
                   created_by=author) for i in range(count + 1))
    Assignment.objects.bulk_create(Assignment(submission=p, reviewer=reviewer) for p in papers)
    Review.objects.bulk_create(Review(submission=p, reviewer=reviewer, status="submitted",
                                      values={"overall_merit": str(1 + p.pk % 5), "expertise": "3"}) for p in papers)
    Conflict.objects.create(submission=papers[0], user=chair, reason="other", source="chair")


@pytest.mark.parametrize("count", [1, PAGE_ROWS + 1])
@pytest.mark.parametrize(("query", "queries"), [
    ({"page": 1}, 22), ({"sort": "mean", "dir": "desc"}, 22), ({"sort": "title", "page": 2}, 22),
    ({"q": "ovemer:>=1 OR poisoning"}, 25), ({"q": "paper sort:-weighted"}, 24),
])
def test_the_table_runs_a_constant_number_of_queries(client_for, chair, count, query, queries,
                                                     django_assert_num_queries):
    _papers(count, chair)
    client = client_for(chair)
    client.get(reverse("paper_table"))  # the session exists

    with django_assert_num_queries(queries):
        response = client.get(reverse("paper_table"), query)

    assert response.status_code == 200
