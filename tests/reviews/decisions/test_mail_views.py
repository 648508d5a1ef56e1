"""The chairs' mail pages: reminders, mail texts, messages to authors."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from reviews.decisions.services import decision_record
from submissions.models import Outcome, Submission
from workshop.models import MailTemplate, OutgoingMail


def _accept():
    return Outcome.objects.get(name="Accept (poster)")


def _mail_texts_post(**changes) -> dict:
    """The mail-texts page's two formsets as the browser posts them unchanged, then `changes`."""
    templates = list(MailTemplate.objects.order_by("key"))
    outcomes = list(Outcome.objects.all())
    data = {"templates-TOTAL_FORMS": len(templates), "templates-INITIAL_FORMS": len(templates),
            "outcomes-TOTAL_FORMS": len(outcomes), "outcomes-INITIAL_FORMS": len(outcomes)}
    for i, t in enumerate(templates):
        data.update({f"templates-{i}-id": t.pk, f"templates-{i}-subject": t.subject, f"templates-{i}-body": t.body})
    for i, o in enumerate(outcomes):
        data.update({f"outcomes-{i}-id": o.pk, f"outcomes-{i}-name": o.name, f"outcomes-{i}-category": o.category,
                     f"outcomes-{i}-position": o.position, f"outcomes-{i}-mail_subject": o.mail_subject,
                     f"outcomes-{i}-mail_body": o.mail_body})
    return data | changes


@pytest.mark.django_db
def test_reminders_preview_then_send_never_twice_a_day(client_for, pc_world, django_capture_on_commit_callbacks):
    people, paper = pc_world
    client = client_for(people["chair"])

    preview = client.get(reverse("reminders")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("reminders"))
    job_page = client.get(queued.url).content.decode()
    again = client.post(reverse("reminders"), follow=True).content.decode()

    assert "<strong>1</strong> unfinished review" in preview
    assert "<strong>1</strong> mail to reviewers with an unfinished review queued" in job_page
    assert list(OutgoingMail.objects.filter(kind="pc:reminder").values_list("recipient", flat=True)) == [
        people["reviewer_before"].email]
    assert "already reminded today" in again


@pytest.mark.django_db
def test_reminders_page_shows_exactly_the_first_reminder_it_sends(client_for, pc_world, settings,
                                                                  django_capture_on_commit_callbacks):
    """The preview was rendered apart from the mail: without the subject's [acronym] and with links to
    the address the chair's browser used instead of SITE_URL."""
    settings.SITE_URL = "https://review.mlsec.example"
    people, paper = pc_world
    client = client_for(people["chair"])

    page = client.get(reverse("reminders")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reminders"))

    sent = OutgoingMail.objects.get(kind="pc:reminder")
    assert f"https://review.mlsec.example/submissions/{paper.pk}/review/" in sent.body
    assert f"<dd>{escape(sent.recipient)}</dd><dt>Subject</dt><dd>{escape(sent.subject)}</dd>" in page
    assert f'<pre class="mail-body">{escape(sent.body)}</pre>' in page


@pytest.mark.django_db
def test_reminders_page_previews_nothing_once_every_review_was_reminded_today(client_for, pc_world,
                                                                             django_capture_on_commit_callbacks):
    people, _paper = pc_world
    client = client_for(people["chair"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reminders"))

    page = client.get(reverse("reminders")).content.decode()

    assert "<strong>1</strong> unfinished review" in page
    assert "The first reminder, as it will be sent" not in page


@pytest.mark.django_db
def test_deleting_an_outcome_in_use_saves_no_other_change_either(client_for, pc_world):
    """The mail texts were saved before the outcomes failed, so "cannot be deleted" left half a change."""
    people, paper = pc_world
    Submission.objects.filter(pk=paper.pk).update(outcome=_accept())
    reminder = MailTemplate.objects.get(key="reminder")
    in_use = list(Outcome.objects.all()).index(_accept())
    keys = [t.key for t in MailTemplate.objects.order_by("key")]
    data = _mail_texts_post(**{f"templates-{keys.index('reminder')}-subject": "Changed subject",
                               f"outcomes-{in_use}-DELETE": "on"})

    response = client_for(people["chair"]).post(reverse("mail_templates"), data)

    assert MailTemplate.objects.get(key="reminder").subject == reminder.subject
    assert Outcome.objects.filter(name="Accept (poster)").exists()
    assert response.status_code == 200
    assert "Nothing was saved. An outcome that papers have cannot be deleted" in response.content.decode()
    assert 'value="Changed subject"' in response.content.decode()  # the chair's edit is still in the form


@pytest.mark.django_db
def test_mail_text_with_an_unknown_placeholder_is_refused_with_its_name(client_for, chair):
    outcomes = list(Outcome.objects.all())
    data = _mail_texts_post(**{"outcomes-0-mail_body": "Dear {authros}, {reviews}"})

    page = client_for(chair).post(reverse("mail_templates"), data).content.decode()

    assert "Unknown placeholder {authros}." in page
    assert Outcome.objects.get(pk=outcomes[0].pk).mail_body != "Dear {authros}, {reviews}"


@pytest.mark.django_db
def test_message_to_authors_refuses_outcome_of_an_embargoed_decision(client_for, pc_world,
                                                                     django_capture_on_commit_callbacks):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    client = client_for(people["chair"])
    url = reverse("compose") + f"?papers={paper.pk}"

    leak = client.post(url, {"subject": "Re #{number}", "body": "It is {outcome}.", "send": "1"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"subject": "About #{number}", "body": "Dear {authors}, hello.", "send": "1"})

    assert "would tell authors an unreleased decision" in leak
    mails = OutgoingMail.objects.filter(kind="author:message")
    assert sorted(m.recipient for m in mails) == sorted([people["author"].email, people["coauthor"].email])
    assert mails[0].body == "Dear Author and Coauthor, hello."
