import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from submissions.outbox.views import PAGE_ROWS as OUTBOX_PAGE_ROWS
from tests.factories import OutgoingMailFactory, UserFactory
from workshop.models import MailStatus, OutgoingMail, Role, Topic, VocabularyTerm

CHAIR_PAGES = [
    reverse("settings_workshop"),
    reverse("settings_topics"),
    reverse("settings_vocabulary", args=["goal"]),
    reverse("settings_people"),
    reverse("outbox"),
]


@pytest.mark.django_db
def test_cfp_page_shows_the_workshop_topics_and_deadlines_in_aoe(client, workshop):
    workshop.paper_deadline = datetime(2030, 5, 2, 11, 59, tzinfo=UTC)  # 1 May 23:59 AoE
    workshop.save()

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert workshop.name in html
    assert html.count('<li>', html.index('class="topics"')) >= Topic.objects.count() == 9
    assert "Wed 1 May 2030, 23:59 AoE" in html
    assert 'datetime="2030-05-02T11:59:00+00:00" data-local-time data-countdown' in html


@pytest.mark.django_db
def test_cfp_page_sanitises_the_chairs_markdown(client, workshop):
    workshop.cfp_text = "# Welcome\n\n<script>alert(1)</script>"
    workshop.save()

    html = client.get("/").content.decode()

    assert "<h1>Welcome</h1>" in html
    assert "<script>alert(1)" not in html


@pytest.mark.django_db
def test_navigation_shows_chair_link_only_to_chairs(client_for, author, chair):
    assert f'href="{reverse("chair_dashboard")}"' not in client_for(author).get("/").content.decode()
    assert f'href="{reverse("chair_dashboard")}"' in client_for(chair).get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", CHAIR_PAGES)
def test_chair_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", CHAIR_PAGES)
def test_chair_pages_are_not_found_for_non_chairs(client_for, author, pc_member, organizer, url):
    for user in (author, pc_member, organizer):
        assert client_for(user).get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", CHAIR_PAGES)
def test_chair_pages_open_for_chairs(client_for, chair, url):
    assert client_for(chair).get(url).status_code == 200


def _settings_post(workshop, **changes):
    data = {
        "name": workshop.name, "acronym": workshop.acronym, "year": workshop.year,
        "venue": "", "event_dates": "", "cfp_text": "CfP", "timezone": "Etc/GMT+12", "anonymity": "double",
        "page_limit": 8, "unclear_page_limit": "refuse", "max_pdf_mb": 20, "phase_override": "", "min_topics": 1,
        "max_topics": 3,
        "abstract_word_limit": 300, "statement_word_limit": 400, "reviews_per_paper": 3,
        "reviews_visible_to_pc": "after_own", "reviewer_names_to_pc": "after_own", "response_word_limit": 500,
        "reminder_days_before": "", "camera_ready_page_limit": 10, "licence_name": "CC BY 4.0",
        "licence_text": "Licence", "preface": "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_settings_dates_are_entered_in_aoe(client_for, chair, workshop):
    response = client_for(chair).post(
        reverse("settings_workshop"), _settings_post(workshop, paper_deadline="2027-03-01T23:59")
    )

    workshop.refresh_from_db()
    assert response.status_code == 302
    assert workshop.paper_deadline == datetime(2027, 3, 2, 11, 59, tzinfo=UTC)


@pytest.mark.django_db
def test_settings_refuse_a_paper_deadline_before_the_abstract_deadline(client_for, chair, workshop):
    response = client_for(chair).post(reverse("settings_workshop"), _settings_post(
        workshop, abstract_deadline="2027-03-05T23:59", paper_deadline="2027-03-01T23:59",
    ))

    assert response.status_code == 200
    assert "The paper deadline must come after the abstract registration deadline." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_settings_refuse_an_unknown_time_zone(client_for, chair, workshop):
    response = client_for(chair).post(
        reverse("settings_workshop"), _settings_post(workshop, timezone="Mars/Olympus")
    )

    assert "&quot;Mars/Olympus&quot; is not a time zone name" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("acronym", ['ML"Sec', "MLSec€", "ML\u202eSec"])
def test_settings_refuse_an_acronym_that_would_break_file_names(client_for, chair, workshop, acronym):
    response = client_for(chair).post(reverse("settings_workshop"), _settings_post(workshop, acronym=acronym))

    workshop.refresh_from_db()
    assert response.status_code == 200
    assert "Use only letters A–Z, digits and single dashes between them" in response.content.decode()
    assert workshop.acronym == "MLSec"


@pytest.mark.django_db
def test_settings_accept_aoe_as_a_zone_name(client_for, chair, workshop):
    client_for(chair).post(reverse("settings_workshop"), _settings_post(workshop, timezone="AoE"))

    workshop.refresh_from_db()
    assert workshop.timezone == "Etc/GMT+12"


def _formset_data(prefix, rows, extra_blank=True):
    """What the browser posts: the rows plus, as rendered, a blank row at position 0."""
    rows = [*rows, {"name": "", "position": 0}] if extra_blank else rows
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


@pytest.mark.django_db
def test_topics_page_renames_and_deletes_topics(client_for, chair):
    topics = list(Topic.objects.order_by("position"))
    rows = [{"id": t.pk, "name": t.name, "position": t.position} for t in topics]
    rows[0]["name"] = "Spam and sybil detection case studies"
    rows[1]["DELETE"] = "on"
    data = _formset_data("form", rows)
    data["form-INITIAL_FORMS"] = len(rows)

    response = client_for(chair).post(reverse("settings_topics"), data)

    assert response.status_code == 302
    names = list(Topic.objects.order_by("position").values_list("name", flat=True))
    assert names[0] == "Spam and sybil detection case studies"
    assert len(names) == 8


@pytest.mark.django_db
def test_vocabulary_page_adds_a_term_to_its_own_kind(client_for, chair):
    data = _formset_data("domain", [{"label": "Autonomous driving", "position": 50}], extra_blank=False)

    client_for(chair).post(reverse("settings_vocabulary", args=["domain"]), data)

    assert VocabularyTerm.objects.get(label="Autonomous driving").kind == "domain"


@pytest.mark.django_db
def test_vocabulary_page_unknown_kind_is_not_found(client_for, chair):
    assert client_for(chair).get("/chair/settings/vocabulary/nope/").status_code == 404


@pytest.mark.django_db
def test_people_page_grants_and_revokes_roles(client_for, chair):
    person = UserFactory(email="newpc@example.edu")

    client_for(chair).post(reverse("settings_people"), {"email": "NewPC@example.edu", "roles": ["pc", "organizer"]})
    first = set(Role.objects.filter(user=person).values_list("name", flat=True))
    client_for(chair).post(reverse("settings_people"), {"email": person.email, "roles": ["pc"]})
    second = set(Role.objects.filter(user=person).values_list("name", flat=True))

    assert (first, second) == ({"pc", "organizer"}, {"pc"})


@pytest.mark.django_db
def test_people_page_explains_an_unknown_email(client_for, chair):
    response = client_for(chair).post(reverse("settings_people"), {"email": "nobody@example.edu", "roles": ["pc"]})

    assert "No account uses this address yet." in response.content.decode()


def _mails_listed(response) -> list[str]:
    return re.findall(r'href="/chair/outbox/([0-9a-f-]{36})/"', response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, OUTBOX_PAGE_ROWS + 1])
def test_outbox_runs_a_constant_number_of_queries(client_for, chair, django_assert_num_queries, count):
    OutgoingMailFactory.create_batch(count)
    client = client_for(chair)

    # session, user, roles, workshop, the COUNT and the page's mails (conflicted papers left out in both)
    with django_assert_num_queries(6):
        response = client.get(reverse("outbox"))

    assert len(_mails_listed(response)) == min(count, OUTBOX_PAGE_ROWS)


@pytest.mark.django_db
def test_outbox_page_two_shows_the_older_mails(client_for, chair):
    mails = OutgoingMailFactory.create_batch(OUTBOX_PAGE_ROWS + 2)

    response = client_for(chair).get(reverse("outbox"), {"page": 2})

    assert _mails_listed(response) == [str(m.public_id) for m in reversed(mails[:2])]  # newest first
    assert f"Page 2 of 2, {OUTBOX_PAGE_ROWS + 2} mails" in response.content.decode()


@pytest.mark.django_db
def test_outbox_status_filter_survives_paging(client_for, chair):
    failed = OutgoingMailFactory.create_batch(OUTBOX_PAGE_ROWS + 1, status=MailStatus.FAILED)
    OutgoingMailFactory.create_batch(5, status=MailStatus.SENT)
    client = client_for(chair)

    page_one = client.get(reverse("outbox"), {"status": "failed"}).content.decode()
    page_two = client.get(reverse("outbox"), {"status": "failed", "page": 2})

    assert 'href="?status=failed&amp;page=2" rel="next"' in page_one
    assert _mails_listed(page_two) == [str(failed[0].public_id)]


@pytest.mark.django_db
def test_outbox_hides_the_text_of_account_mails_from_chairs(client_for, chair):
    secret = OutgoingMailFactory(kind="account:password_reset_key", body="reset: /accounts/password/reset/key/1-abc/")

    html = client_for(chair).get(reverse("outbox_detail", args=[secret.public_id])).content.decode()

    assert "1-abc" not in html
    assert "shown only to its recipient" in html


@pytest.mark.django_db
def test_outbox_retry_requeues_a_failed_mail(client_for, chair, django_capture_on_commit_callbacks):
    failed = OutgoingMailFactory(status=MailStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        client_for(chair).post(reverse("outbox_retry", args=[failed.public_id]))

    failed.refresh_from_db()
    assert failed.status == MailStatus.SENT


@pytest.mark.django_db
def test_outbox_detail_of_a_missing_mail_is_not_found(client_for, chair):
    missing = "00000000-0000-4000-8000-000000000000"

    assert client_for(chair).get(reverse("outbox_detail", args=[missing])).status_code == 404
    assert client_for(chair).get("/chair/outbox/1/").status_code == 404


@pytest.mark.django_db
def test_profile_saves_a_pasted_orcid_url(client_for, author):
    response = client_for(author).post(reverse("profile"), {
        "full_name": "Alice Author", "affiliation": "Lakeside", "email_domains": "@Lakeside.edu, cs.lakeside.edu",
        "orcid": "https://orcid.org/0000-0002-1825-0097",
    })

    author.refresh_from_db()
    assert response.status_code == 302
    assert (author.orcid, author.email_domains) == ("0000-0002-1825-0097", "lakeside.edu, cs.lakeside.edu")


@pytest.mark.django_db
def test_profile_explains_a_wrong_orcid_check_digit(client_for, author):
    response = client_for(author).post(reverse("profile"), {
        "full_name": "Alice Author", "affiliation": "", "email_domains": "", "orcid": "0000-0002-1825-0098",
    })

    assert "wrong check digit" in response.content.decode()


@pytest.mark.django_db
def test_profile_rejects_something_that_is_not_a_domain(client_for, author):
    response = client_for(author).post(reverse("profile"), {
        "full_name": "Alice Author", "affiliation": "", "email_domains": "lakeside", "orcid": "",
    })

    assert "These do not look like email domains: lakeside." in response.content.decode()


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]

    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_pages_never_load_the_debug_helper_that_paints_error_pages_with_inline_styles(client, settings):
    settings.DEBUG = True  # as `make run` serves

    page = client.get("/").content.decode()

    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in page
    assert "django-htmx.js" not in page


@pytest.mark.django_db
def test_missing_page_answers_with_the_friendly_404(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "There is nothing here, or it is not yours to see." in response.content.decode()


@pytest.mark.django_db
def test_settings_form_cannot_release_decisions(client_for, chair, workshop):
    """Issue 9, item 11: release is a confirmed action of its own, not a checkbox."""
    page = client_for(chair).get(reverse("settings_workshop")).content.decode()
    client_for(chair).post(reverse("settings_workshop"), {**_settings_post(workshop), "decisions_released": "on"})

    workshop.refresh_from_db()
    assert 'name="decisions_released"' not in page
    assert workshop.decisions_released is False


@pytest.mark.django_db
def test_profile_refuses_a_name_with_a_line_break(client_for, author):
    response = client_for(author).post(reverse("profile"), {
        "full_name": "Alice\r\nAuthor", "affiliation": "", "email_domains": "", "orcid": ""})

    author.refresh_from_db()
    assert "without line breaks" in response.content.decode()
    assert author.full_name != "Alice\r\nAuthor"


@pytest.mark.django_db
def test_cfp_offers_submit_a_paper_only_while_registration_is_open(client, workshop):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    closed = client.get(reverse("cfp")).content.decode()
    workshop.submission_opens, workshop.abstract_deadline = now - timedelta(days=1), now + timedelta(days=1)
    workshop.save()
    opened = client.get(reverse("cfp")).content.decode()

    assert "Submit a paper" not in closed
    assert f'href="{reverse("submission_new")}">Submit a paper</a>' in opened


@pytest.mark.django_db
def test_times_on_pages_are_shown_in_the_workshop_zone_with_the_local_time(client_for, chair):
    from datetime import UTC, datetime

    mail = OutgoingMailFactory()
    OutgoingMail.objects.filter(pk=mail.pk).update(created_at=datetime(2026, 11, 27, 12, 0, tzinfo=UTC))

    page = client_for(chair).get(reverse("outbox")).content.decode()

    assert "27 Nov 2026, 00:00 AoE" in page
    assert '<time datetime="2026-11-27T12:00:00+00:00" data-local-time="short">' in page
    assert "UTC</time>" not in page and " UTC</td>" not in page


@pytest.mark.django_db
def test_the_settings_page_shows_every_setting_in_a_labelled_group(client_for, chair):
    from workshop.forms import WorkshopForm

    page = client_for(chair).get(reverse("settings_workshop")).content.decode()

    missing = [name for name in WorkshopForm.Meta.fields if f'name="{name}"' not in page]
    assert missing == []
    assert page.count("<legend>") == len(WorkshopForm.SECTIONS)
    assert "<legend>Camera-ready and proceedings</legend>" in page
