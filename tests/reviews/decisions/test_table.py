"""Issue 18, items 2, 9, 10 and 12: `dec:` as HotCRP means it, a dense table with show:/hide:/sort:,
stepping through a list from a paper's page, and a dashboard that says what it counts."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Assignment
from submissions.models import Outcome, Submission
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
