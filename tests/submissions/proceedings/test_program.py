"""The public program: shown once published, exactly as the published build printed it."""

import html
import importlib
import io
import re

import bibtexparser
import pikepdf
import pytest
from django.urls import reverse

from submissions.camera_ready.services import PrintedAuthor, camera_ready_metadata_save
from submissions.models import CameraReady, ProceedingsBuild, Submission
from submissions.proceedings.services import build_publish
from tests.factories import SubmissionFactory
from tests.leaks.two_worlds import normalise
from tests.submissions.conftest import accept
from tests.submissions.proceedings.conftest import paper_ready, volume_built, volume_published


@pytest.mark.django_db
def test_the_program_is_public_only_once_published(client, organizer, volume, camera_workshop,
                                                   django_capture_on_commit_callbacks):
    build = volume_built(organizer, django_capture_on_commit_callbacks)
    build_publish(build=build, by=organizer)
    first, _ = volume

    assert client.get(reverse("program")).status_code == 404
    assert client.get(reverse("program_paper_pdf", args=[first.pk])).status_code == 404

    camera_workshop.program_published = True
    camera_workshop.save()
    page = client.get(reverse("program")).content.decode()
    pdf = client.get(reverse("program_paper_pdf", args=[first.pk]))

    assert "Backdoors in malware detectors" in page and "Zoë Müller" in page
    assert "A rejected paper" not in page and "An embargoed acceptance" not in page
    with pikepdf.open(io.BytesIO(pdf.content)) as paper:
        assert len(paper.pages) == 2
    embargoed = Submission.objects.get(title="An embargoed acceptance")
    assert client.get(reverse("program_paper_pdf", args=[embargoed.pk])).status_code == 404


@pytest.mark.django_db
def test_before_any_publication_the_program_says_it_is_not_published(client, organizer, volume, camera_workshop,
                                                                      django_capture_on_commit_callbacks):
    camera_workshop.program_published = True
    camera_workshop.save()
    first, _ = volume
    volume_built(organizer, django_capture_on_commit_callbacks)  # built, not published

    page = client.get(reverse("program"))

    assert page.status_code == 200
    assert "The program is not published yet." in page.content.decode()
    assert "Backdoors in malware detectors" not in page.content.decode()
    assert client.get(reverse("program_volume_pdf")).status_code == 404
    assert client.get(reverse("program_paper_pdf", args=[first.pk])).status_code == 404


@pytest.mark.django_db
def test_the_program_shows_the_published_volume_not_what_changed_since(client, organizer, author, volume,
                                                                       camera_workshop,
                                                                       django_capture_on_commit_callbacks):
    first, second = volume
    volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    before = client.get(reverse("program")).content.decode()
    camera_ready_metadata_save(submission=first, by=author, title="A new camera-ready title", abstract="New.",
                               authors=[PrintedAuthor("Newly Printed")], workshop=camera_workshop)
    CameraReady.objects.filter(submission=first).update(session="A later session", position=3)
    Submission.objects.filter(pk=second.pk).update(artifact_url="https://code.example/later")
    late = paper_ready(accept(SubmissionFactory(created_by=author, title="Accepted after publication")),
                       camera_workshop)

    after = client.get(reverse("program")).content.decode()

    assert normalise(after, html=True) == normalise(before, html=True)
    for later in ("A new camera-ready title", "Newly Printed", "A later session", "code.example/later",
                  "Accepted after publication", f"#{late.pk}"):
        assert later not in after
    assert client.get(reverse("program_paper_pdf", args=[late.pk])).status_code == 404

    volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)  # the next publication
    republished = client.get(reverse("program")).content.decode()
    assert "A new camera-ready title" in republished and "Accepted after publication" in republished


@pytest.mark.django_db
def test_the_program_pages_follow_the_volume_they_were_cut_from(client, organizer, volume, camera_workshop,
                                                                django_capture_on_commit_callbacks):
    first, second = volume
    volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    CameraReady.objects.filter(submission=first).update(position=2)  # reordered after publication
    CameraReady.objects.filter(submission=second).update(position=1)

    page = client.get(reverse("program")).content.decode()

    assert page.index("Backdoors in malware detectors") < page.index("calc&#x27;!A0 robustness")
    assert "pages 1–2" in page and "pages 3–5" in page
    for paper, pages in ((first, 2), (second, 3)):
        with pikepdf.open(io.BytesIO(client.get(reverse("program_paper_pdf", args=[paper.pk])).content)) as pdf:
            assert len(pdf.pages) == pages
    entries = [bibtexparser.parse_string(html.unescape(text)).entries[0]
               for text in re.findall(r'<pre class="bibtex">(.*?)</pre>', page, re.S)]
    assert [e["pages"] for e in entries] == ["1--2", "3--5"]


@pytest.mark.django_db
def test_a_build_published_before_snapshots_gets_one_of_the_data_it_showed(client, organizer, volume,
                                                                           camera_workshop,
                                                                           django_capture_on_commit_callbacks):
    from django.apps import apps

    first, second = volume
    build = volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    ProceedingsBuild.objects.filter(pk=build.pk).update(program=None)  # as the migration finds it
    assert "The program is not published yet." in client.get(reverse("program")).content.decode()

    importlib.import_module("submissions.migrations.0008_snapshot_published_builds").snapshot_published_builds(
        apps, None)

    page = client.get(reverse("program")).content.decode()
    assert "Backdoors in malware detectors" in page and "Zoë Müller" in page and "pages 3–5" in page
    assert len(pikepdf.open(io.BytesIO(client.get(reverse("program_paper_pdf", args=[second.pk])).content)).pages) \
        == 3


@pytest.mark.django_db
def test_the_volume_groups_sessions_in_the_organizers_order_so_pages_run_up(client, organizer, author, volume,
                                                                          camera_workshop,
                                                                          django_capture_on_commit_callbacks):
    first, second = volume
    third = paper_ready(accept(SubmissionFactory(created_by=author, title="Evasion at scale")), camera_workshop)
    for paper, position, session in ((first, 1, "Poisoning"), (second, 2, "Robustness"), (third, 3, "Poisoning")):
        CameraReady.objects.filter(submission=paper).update(position=position, session=session)

    build = volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    page = client.get(reverse("program")).content.decode()

    assert build.papers == [first.pk, third.pk, second.pk]  # a session's papers together, sessions as they first come
    assert build.ranges == [[1, 2], [3, 4], [5, 7]]
    headings = re.findall(r'<h2 id="session-\d+">(.*?)</h2>', page)
    assert headings == ["Poisoning", "Robustness"]
    assert re.findall(r"pages? (\d+)", page) == ["1", "3", "5"]  # the program's pages run up as well
    from submissions.camera_ready import selectors
    assert [s.submission.pk for s in selectors.camera_ready_statuses()] == build.papers  # the order page too


@pytest.mark.django_db
def test_without_sessions_the_program_lists_the_papers_in_volume_order(client, organizer, author, volume,
                                                                       camera_workshop,
                                                                       django_capture_on_commit_callbacks):
    from workshop.models import Topic

    first, second = volume
    third = paper_ready(accept(SubmissionFactory(created_by=author, title="Evasion at scale")), camera_workshop)
    CameraReady.objects.filter(submission=third).update(position=3)
    topics = list(Topic.objects.order_by("position")[:2])
    for paper, topic in ((first, topics[1]), (second, topics[0]), (third, topics[1])):
        paper.topics.set([topic])  # grouped by topic, #3 would move before #2 and the pages would jump

    volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    page = client.get(reverse("program")).content.decode()

    assert re.findall(r"pages? (\d+)", page) == ["1", "3", "6"]
