"""Issue 18, items 2, 9, 10 and 12: `dec:` as HotCRP means it, a dense table with show:/hide:/sort:,
stepping through a list from a paper's page, and a dashboard that says what it counts."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.decisions.services import decision_record
from reviews.models import Assignment, Review
from submissions.models import Outcome, Submission, Tag
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from tests.reviews.conftest import submitted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(chair):
    """Four papers: undecided; Accept (oral) released; Accept (poster); Reject."""
    reviewer = UserFactory()
    RoleFactory(user=reviewer, name="pc")
    papers = {}
    for key, outcome, released in (("undecided", None, False), ("oral", "Accept (oral)", True),
                                   ("poster", "Accept (poster)", False), ("reject", "Reject", False)):
        paper = SubmissionFactory(title=f"The {key} paper")
        found = Outcome.objects.get(name=outcome) if outcome else None
        Submission.objects.filter(pk=paper.pk).update(
            outcome=found, released_outcome=found if released else None,
            decision_released_at=timezone.now() if released else None)
        Assignment.objects.create(submission=paper, reviewer=reviewer)
        submitted_review(paper, reviewer, overall_merit={"undecided": "4", "oral": "5", "poster": "3",
                                                         "reject": "1"}[key])
        papers[key] = paper.pk
    return papers


def _listed(client, query) -> list[int]:
    page = client.get(reverse("paper_table"), {"q": query}).content.decode()
    return [int(n) for n in re.findall(r'name="papers" value="(\d+)"', page)]


@pytest.mark.parametrize(("query", "expected"), [
    ("dec:any", ["oral", "poster", "reject"]),
    ("-dec:any", ["undecided"]),
    ("dec:none", ["undecided"]),
    ("dec:?", ["undecided"]),
    ("dec:yes", ["oral", "poster"]),
    ("dec:accept", ["oral", "poster"]),
    ("dec:no", ["reject"]),
    ("dec:oral", ["oral"]),
    ("dec:post", ["poster"]),
    ('dec:"accept (poster)"', ["poster"]),
    ("ovemer:>=4 -dec:any", ["undecided"]),
    ("ovemer:>=3 dec:yes", ["oral", "poster"]),
])
def test_every_dec_form_matches_the_papers_hotcrp_would(client_for, chair, decided, query, expected):
    assert _listed(client_for(chair), query) == sorted(decided[key] for key in expected)


@pytest.mark.parametrize(("query", "message"), [
    ("dec:maybe", "no decision `maybe` — use any, none, yes, no, “Accept (oral)”, “Accept (poster)” or “Reject”"),
    ("dec:acc", "ambiguous decision `acc` — it could be `Accept (oral)` or `Accept (poster)`"),
])
def test_a_dec_value_that_names_no_single_outcome_is_an_inline_error(client_for, chair, decided, query, message):
    page = client_for(chair).get(reverse("paper_table"), {"q": query}).content.decode()

    assert f'<p class="error" id="q-error" role="alert">{message.replace("`", "&#x60;")}' in page or message in page
    assert 'name="papers" value=' not in page


def test_the_table_is_one_line_a_paper_with_topics_on_demand(client_for, chair, decided):
    client = client_for(chair)

    plain = client.get(reverse("paper_table")).content.decode()
    with_topics = client.get(reverse("paper_table"), {"q": "show:topics"}).content.decode()
    no_scores = client.get(reverse("paper_table"), {"q": "hide:scores hide:dots"}).content.decode()

    assert "Topics &amp; threat model" not in plain and "Topics &amp; threat model" in with_topics
    assert "<br>" not in plain.split("<tbody>")[1].split("</tbody>")[0]
    assert 'class="scores opt"' in plain and 'class="scores opt"' not in no_scores
    assert "<svg class=\"dots\"" in plain and "<svg class=\"dots\"" not in no_scores


def test_sort_in_the_search_and_numbers_high_first_on_the_first_click(client_for, chair, decided):
    client = client_for(chair)

    assert _listed(client, "sort:-mean") == [decided[k] for k in ("oral", "undecided", "poster", "reject")]
    assert _listed(client, "sort:mean") == [decided[k] for k in ("reject", "poster", "undecided", "oral")]
    page = client.get(reverse("paper_table")).content.decode()
    mean_link = re.search(r'<a href="([^"]*)">Mean</a>', page)[1]
    title_link = re.search(r'<a href="([^"]*)">Title</a>', page)[1]
    assert "sort=mean" in mean_link and "dir=desc" in mean_link
    assert "sort=title" in title_link and "dir=desc" not in title_link


def test_a_show_of_an_unknown_column_is_an_inline_error(client_for, chair, decided):
    page = client_for(chair).get(reverse("paper_table"), {"q": "show:colour"}).content.decode()

    assert "unknown column" in page and "colour" in page


def test_a_paper_page_reached_from_a_search_steps_through_that_list_and_survives_reloads(client_for, chair,
                                                                                       decided):
    client = client_for(chair)
    table = client.get(reverse("paper_table"), {"q": "dec:any", "sort": "number"}).content.decode()
    key = re.search(r'\?ls=([0-9a-f]{12})', table)[1]
    middle = decided["poster"]

    first_visit = client.get(reverse("submission_detail", args=[middle]), {"ls": key}).content.decode()
    reloaded = client.get(reverse("submission_detail", args=[middle]), {"ls": key}).content.decode()

    for page in (first_visit, reloaded):
        assert f'href="/submissions/{decided["oral"]}/?ls={key}" rel="prev" data-key="k">‹ #{decided["oral"]}' in page
        assert f'href="/submissions/{decided["reject"]}/?ls={key}" rel="next" data-key="j">#{decided["reject"]} ›' \
            in page
        assert "dec:any</a>: 2 of 3" in page
        assert "<kbd>j</kbd> next" in page
    outside = client.get(reverse("submission_detail", args=[decided["undecided"]]), {"ls": key}).content.decode()
    assert "data-list-nav" not in outside  # not in that list


def test_another_users_list_key_shows_nothing(client_for, chair, decided):
    table = client_for(chair).get(reverse("paper_table"), {"q": "dec:any"}).content.decode()
    key = re.search(r'\?ls=([0-9a-f]{12})', table)[1]
    other = UserFactory()
    RoleFactory(user=other, name="chair")

    page = client_for(other).get(reverse("submission_detail", args=[decided["poster"]]), {"ls": key})

    assert "data-list-nav" not in page.content.decode()


def test_the_dashboard_says_which_unfinished_reviews_a_reminder_counts(client_for, chair, decided):
    pending = UserFactory()
    RoleFactory(user=pending, name="pc")
    for key in ("oral", "poster"):  # one on a released paper, one under review
        Assignment.objects.create(submission_id=decided[key], reviewer=pending)

    page = client_for(chair).get(reverse("chair_dashboard")).content.decode()

    assert "Remind reviewers of 1 unfinished review</a>" in page
    assert "1 more is on papers whose decision is released, where reviewing is over." in page
    assert "none: decision released" in page and "1 counted" in page


def _accept():
    return Outcome.objects.get(name="Accept (poster)")


@pytest.mark.django_db
def test_paper_table_shows_scores_and_statistics_and_title_only_for_conflicts(client_for, pc_world):
    people, paper = pc_world
    submitted_review(paper, people["reviewer_before"], overall_merit="2", expertise="4")
    hidden = SubmissionFactory(title="Conflicted one")
    Review.objects.create(submission=hidden, reviewer=people["reviewer_after"], status="submitted",
                          values={"overall_merit": "5"}, submitted_at=timezone.now())
    from submissions.models import Conflict

    Conflict.objects.create(submission=hidden, user=people["chair"], reason="other", source="chair")

    page = client_for(people["chair"]).get(reverse("paper_table"), {"q": "show:range"}).content.decode()

    assert '<td class="scores opt">2 4</td>' in page  # overall merit of both reviews, in order
    assert "<td>3.00</td>" in page and "2–4" in page
    assert "Conflicted one" in page and "You have a conflict with this paper" in page
    assert '<td class="scores opt">5</td>' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 500])
def test_paper_table_runs_a_constant_number_of_queries(client_for, chair, workshop, count,
                                                       django_assert_num_queries):
    reviewer = UserFactory()
    RoleFactory(user=reviewer, name="pc")
    author = UserFactory()
    papers = Submission.objects.bulk_create(
        Submission(title=f"Paper {i}", abstract="x", attack_model="x", security_relationship="x",
                   created_by=author) for i in range(count))
    Assignment.objects.bulk_create(Assignment(submission=p, reviewer=reviewer) for p in papers)
    Review.objects.bulk_create(Review(submission=p, reviewer=reviewer, status="submitted",
                                      values={"overall_merit": "4", "expertise": "3"}) for p in papers)
    client = client_for(chair)

    # 25 whatever the count: the search's facts, the order (one query), the page's rows, the outcomes
    # the search may name, and the session that remembers the list.
    with django_assert_num_queries(25):
        response = client.get(reverse("paper_table"), {"q": "ovemer:>=3", "sort": "mean"})

    assert response.content.decode().count('name="papers"') == min(count, 100)


@pytest.mark.django_db
def test_search_errors_are_shown_inline_with_a_suggestion(client_for, chair):
    page = client_for(chair).get(reverse("paper_table"), {"q": "tpic:poisoning"})

    assert page.status_code == 200
    assert "unknown keyword `tpic:` — did you mean `topic:`?" in page.content.decode()


SEARCHES = ["re:reviewer", "au:author", "ovemer:>=1", "dec:accept", "dec:none", "-dec:none", "status:registered",
            "#hidden", "topic:case", "malware", "NOT re:reviewer"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", SEARCHES)
def test_search_never_matches_what_a_conflicted_chair_may_not_see(client_for, pc_world, query):
    """Queries x personas: the conflicted chair's result never depends on the hidden paper's data."""
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    Tag.objects.create(submission=paper, name="hidden")

    shown = client_for(people["conflicted_chair"]).get(reverse("chair_submissions"), {"q": query}).content.decode()
    chair = client_for(people["chair"]).get(reverse("chair_submissions"), {"q": query}).content.decode()

    negation = query.startswith(("-", "NOT"))
    # Only a negation matches the hidden paper: the same whatever it hides.
    assert (f"#{paper.pk}</td>" in shown) == negation
    # The chair who may see it gets the real answer.
    truly = {"re:reviewer": True, "au:author": True, "ovemer:>=1": True, "dec:accept": True, "dec:none": False,
             "-dec:none": True, "status:registered": True, "#hidden": True, "topic:case": True, "malware": True,
             "NOT re:reviewer": False}
    assert (f"#{paper.pk}</td>" in chair) == truly[query]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["chair", "conflicted_chair"])
def test_chair_list_finds_what_the_paper_table_finds(client_for, pc_world, persona):
    """The chair list loads only the facts a search reads, the paper table every row: same matches."""
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    Tag.objects.create(submission=paper, name="hidden")
    SubmissionFactory(title="Model stealing", abstract="Queries a malware API.")
    other = SubmissionFactory(title="Evasion", authors=[("Ann Author", "ann@author.example")])
    submitted_review(other, people["reviewer_after"], overall_merit="2")
    client = client_for(people[persona])
    sizes = set()

    for query in [*SEARCHES, "ti:stealing", "ab:queries", "#1-2", "threat:goal=integrity", "dec:poster",
                  "ovemer:2 OR tag:hidden", "-(au:ann re:reviewer)"]:
        listed = re.findall(r"<td>#(\d+)</td>", client.get(reverse("chair_submissions"), {"q": query})
                            .content.decode())
        table = re.findall(r"<td>#(\d+)</td>", client.get(reverse("paper_table"), {"q": query}).content.decode())
        assert listed == table, query
        sizes.add(len(listed))
    assert {0, 1, 2} <= sizes


@pytest.mark.django_db
def test_dashboard_counts_nothing_of_a_conflicted_paper(client_for, pc_world):
    people, paper = pc_world

    mine = client_for(people["chair"]).get(reverse("chair_dashboard")).content.decode()
    conflicted = client_for(people["conflicted_chair"]).get(reverse("chair_dashboard")).content.decode()

    assert "1 <span class=\"muted\">of 2 submitted</span>" in mine
    assert "0 <span class=\"muted\">of 0 submitted</span>" in conflicted
    assert "You are conflicted with</dt><dd>1" in conflicted
