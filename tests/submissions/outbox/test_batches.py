"""The progress page of a mail batch: whoever started it, and whoever may start that
kind of batch, watches it; conflicts and the author list's secrecy still apply to
what each mail shows (issue 18 item 4)."""

import pytest
from django.urls import reverse

from submissions.camera_ready.services import camera_reminders_run
from submissions.models import Conflict
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from tests.submissions.conftest import accept
from workshop import policy
from workshop.mail import mail_batch_create, mail_queue
from workshop.models import Job, MailBatch, MailBatchKind, MailStatus, OutgoingMail


def _remind(client, capture, *, deliver=True):
    """The organizer presses "Remind the authors" on the proceedings page, which queues a job;
    the worker writes the mails (which go out once that commits, if `deliver`); the organizer
    follows the job page's link to the batch."""
    with capture(execute=False):
        sent = client.post(reverse("camera_reminders"))
    job = Job.objects.order_by("-pk").first()
    assert sent.url == reverse("job_detail", args=[job.public_id])
    with capture(execute=deliver):
        camera_reminders_run(job.pk)
    batch = MailBatch.objects.get(pk=job.params["batch"])
    assert reverse("mail_batch", args=[batch.public_id]) in client.get(sent.url).content.decode()
    return client.get(reverse("mail_batch", args=[batch.public_id])), batch


@pytest.mark.django_db
def test_the_organizer_who_sends_reminders_watches_them_go_out(client_for, organizer, accepted,
                                                                django_capture_on_commit_callbacks):
    response, batch = _remind(client_for(organizer), django_capture_on_commit_callbacks)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Camera-ready reminders (1 paper)" in page
    assert "<strong>1</strong> sent · <strong>0</strong> queued · <strong>0</strong> failed, of 1 paper" in page
    assert "Done" in page and 'hx-trigger="every 1s"' not in page
    assert OutgoingMail.objects.filter(batch=batch, status=MailStatus.SENT).count() == 2  # Alice and Chen


@pytest.mark.django_db
def test_the_page_polls_while_mails_are_queued(client_for, organizer, accepted, django_capture_on_commit_callbacks):
    client = client_for(organizer)
    _, batch = _remind(client, django_capture_on_commit_callbacks, deliver=False)

    fragment = client.get(reverse("mail_batch", args=[batch.public_id]), HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 1s"' in fragment
    assert "<strong>0</strong> sent · <strong>1</strong> queued" in fragment


@pytest.mark.django_db
@pytest.mark.parametrize("anonymity", ["double", "single"])
def test_an_organizer_learns_neither_how_many_authors_nor_who(client_for, organizer, accepted, camera_workshop,
                                                              anonymity, django_capture_on_commit_callbacks):
    camera_workshop.anonymity = anonymity
    camera_workshop.save()
    _, batch = _remind(client_for(organizer), django_capture_on_commit_callbacks, deliver=False)
    OutgoingMail.objects.filter(batch=batch, recipient="chen@lakeside.example").update(
        status=MailStatus.FAILED, last_error="550 chen@lakeside.example: no such user")
    OutgoingMail.objects.filter(batch=batch).exclude(status=MailStatus.FAILED).update(status=MailStatus.SENT)

    page = client_for(organizer).get(reverse("mail_batch", args=[batch.public_id])).content.decode()

    assert "<strong>0</strong> sent · <strong>0</strong> queued · <strong>1</strong> failed, of 1 paper" in page
    assert f"The authors of #{accepted.pk}" in page
    for secret in ("chen@lakeside.example", "alice@author.example", "550", "of 2"):
        assert secret not in page


@pytest.mark.django_db
def test_a_chair_without_conflicts_sees_each_reminder_and_its_error(client_for, organizer, chair, accepted,
                                                                    django_capture_on_commit_callbacks):
    _, batch = _remind(client_for(organizer), django_capture_on_commit_callbacks, deliver=False)
    OutgoingMail.objects.filter(batch=batch, recipient="chen@lakeside.example").update(
        status=MailStatus.FAILED, last_error="550 no such user")

    page = client_for(chair).get(reverse("mail_batch", args=[batch.public_id])).content.decode()

    assert "of 2." in page
    assert f"chen@lakeside.example (#{accepted.pk}): 550 no such user" in page


def _chairs_batch(by, papers):
    batch = mail_batch_create(label="Message to the authors of 2 papers", by=by)
    for paper in papers:
        mail_queue(to=paper.created_by.email, subject="Hello", body="Hello.", kind="author:message", paper=paper.pk,
                   batch=batch)
    return batch


@pytest.mark.django_db
def test_another_chair_watches_a_chairs_batch_without_the_mails_of_conflicted_papers(client_for, chair, author,
                                                                                     other_author, camera_workshop):
    other_chair = UserFactory(full_name="Dana Deputy")
    RoleFactory(user=other_chair, name="chair")
    mine, conflicted = SubmissionFactory(created_by=author), SubmissionFactory(created_by=other_author)
    Conflict.objects.create(submission=conflicted, user=other_chair, reason="advisor", source="author")
    batch = _chairs_batch(chair, [mine, conflicted])

    page = client_for(other_chair).get(reverse("mail_batch", args=[batch.public_id])).content.decode()
    own = client_for(chair).get(reverse("mail_batch", args=[batch.public_id])).content.decode()

    OutgoingMail.objects.filter(batch=batch).update(status=MailStatus.FAILED, last_error="421 try later")
    failed = client_for(other_chair).get(reverse("mail_batch", args=[batch.public_id])).content.decode()

    assert "of 1." in page and "of 2." in own
    assert "<h1>Mail sent by Carol Chair</h1>" in page  # its label counts the conflicted paper
    assert "<h1>Message to the authors of 2 papers</h1>" in own
    assert f"{author.email} (#{mine.pk}): 421 try later" in failed
    assert other_author.email not in failed and f"#{conflicted.pk}" not in failed


@pytest.mark.django_db
def test_who_may_not_start_a_batch_cannot_tell_it_from_a_missing_one(client_for, chair, organizer, pc_member,
                                                                     author, accepted,
                                                                     django_capture_on_commit_callbacks):
    _, reminders = _remind(client_for(organizer), django_capture_on_commit_callbacks)
    chairs = _chairs_batch(chair, [accepted])
    missing = "00000000-0000-0000-0000-00000000abcd"

    for who, batch in ((organizer, chairs), (pc_member, reminders), (author, reminders), (pc_member, chairs)):
        client = client_for(who)
        assert client.get(reverse("mail_batch", args=[batch.public_id])).status_code == 404
        assert client.get(reverse("mail_batch", args=[missing])).status_code == 404
    assert client_for(None).get(reverse("mail_batch", args=[chairs.public_id])).status_code == 302


# persona: (camera-ready reminders another organizer sent, a batch another chair sent, a batch they sent)
WATCH = {"organizer": (True, False, True), "chair": (True, True, True), "conflicted_chair": (False, True, True),
         "pc": (False, False, True), "author": (False, False, True)}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(WATCH))
def test_can_watch_mail_batch_table(persona, accepted):
    from submissions.selectors import manages_proceedings

    roles = {"organizer": ["organizer"], "chair": ["chair"], "conflicted_chair": ["chair"], "pc": ["pc"],
             "author": []}[persona]
    person, someone = UserFactory(), UserFactory()
    for role in roles:
        RoleFactory(user=person, name=role)
    if persona == "conflicted_chair":
        Conflict.objects.create(submission=SubmissionFactory(), user=person, reason="advisor", source="author")
    batches = (MailBatch(kind=MailBatchKind.CAMERA_READY, created_by=someone),
               MailBatch(kind=MailBatchKind.CHAIRS, created_by=someone), MailBatch(created_by=person))

    manages = manages_proceedings(person)
    assert tuple(policy.can_watch_mail_batch(person, b, manages_proceedings=manages) for b in batches) \
        == WATCH[persona]


@pytest.mark.django_db
def test_reminders_sent_before_batches_had_kinds_are_the_proceedings_teams(organizer, accepted):
    import importlib

    from django.apps import apps

    batch = MailBatch.objects.create(label="Camera-ready reminders (1 paper)", created_by=UserFactory())
    other = MailBatch.objects.create(label="Decisions on 3 papers", created_by=UserFactory())

    importlib.import_module("workshop.migrations.0013_workshop_homepage_and_mail_batch_kind").camera_ready_batches(
        apps, None)

    assert MailBatch.objects.get(pk=batch.pk).kind == MailBatchKind.CAMERA_READY
    assert MailBatch.objects.get(pk=other.pk).kind == MailBatchKind.CHAIRS


@pytest.mark.django_db
def test_the_batch_page_costs_the_same_queries_for_one_or_ten_papers(client_for, organizer, author, camera_workshop,
                                                                     django_assert_max_num_queries,
                                                                     django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(organizer)
    accept(SubmissionFactory(created_by=author))
    _, one = _remind(client, django_capture_on_commit_callbacks)
    client.get(reverse("mail_batch", args=[one.public_id]))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mail_batch", args=[one.public_id]))
    queries = len(few.captured_queries)  # the log empties at the next request
    for _ in range(9):
        accept(SubmissionFactory(created_by=author))
    _, ten = _remind(client, django_capture_on_commit_callbacks)

    assert ten.mails.count() == 10
    with django_assert_max_num_queries(queries):
        client.get(reverse("mail_batch", args=[ten.public_id]))
