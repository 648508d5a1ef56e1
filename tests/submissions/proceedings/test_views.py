"""The organizers' pages (status, order, builds, publishing, downloads) and who may
open them."""


import pytest
from django.urls import reverse

from submissions.models import CameraReady, Conflict, ProceedingsBuild, Submission
from submissions.proceedings.services import build_start
from tests.factories import SubmissionFactory, UserFactory
from tests.submissions.conftest import accept
from tests.submissions.proceedings.conftest import volume_built, volume_published
from tests.workshop.test_http import saved_as
from workshop.errors import Refused
from workshop.models import Workshop
from workshop.runs import RunState

PROCEEDINGS_URLS = ["volume_order", "proceedings_statistics"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["proceedings", *PROCEEDINGS_URLS])
def test_organizers_and_chairs_without_conflicts_run_the_proceedings(client_for, organizer, chair, pc_member,
                                                                      author, name, volume):
    url = reverse(name)

    assert client_for(organizer).get(url).status_code == 200
    assert client_for(chair).get(url).status_code == 200
    assert client_for(pc_member).get(url).status_code == 404
    assert client_for(author).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


@pytest.mark.django_db
def test_a_chair_with_a_conflict_leaves_the_proceedings_to_the_organizers(client_for, chair, volume, author,
                                                                           camera_workshop):
    rejected = Submission.objects.get(title="A rejected paper")
    Conflict.objects.create(submission=rejected, user=chair, reason="advisor", source="author")
    client = client_for(chair)

    home = client.get(reverse("proceedings")).content.decode()

    assert "the organizers prepare it" in home
    assert "Backdoors in malware detectors" not in home
    for name in PROCEEDINGS_URLS:
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("proceedings_export", args=["papers.csv"])).status_code == 404
    with pytest.raises(Refused):
        build_start(by=chair)


@pytest.mark.django_db
def test_the_status_page_lists_accepted_released_papers_only(client_for, organizer, volume):
    page = client_for(organizer).get(reverse("proceedings")).content.decode()

    assert "Backdoors in malware detectors" in page
    assert "A rejected paper" not in page and "An embargoed acceptance" not in page
    assert "<strong>2</strong> of <strong>2</strong>" in page


@pytest.mark.django_db
def test_the_status_page_costs_the_same_queries_for_3_or_12_papers(client_for, organizer, camera_workshop,
                                                                   author, django_assert_max_num_queries):
    client = client_for(organizer)
    for _ in range(3):
        accept(SubmissionFactory(created_by=author))
    client.get(reverse("proceedings"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("proceedings"))
    for _ in range(9):
        accept(SubmissionFactory(created_by=author))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("proceedings"))


@pytest.mark.django_db
def test_the_order_page_sets_positions_and_sessions(client_for, organizer, volume):
    first, second = volume

    client_for(organizer).post(reverse("volume_order"), {
        f"position-{first.pk}": "2", f"session-{first.pk}": "Poisoning",
        f"position-{second.pk}": "1", f"session-{second.pk}": "Robustness",
        "position-999": "1"})  # a tampered number is ignored

    from submissions.camera_ready import selectors
    assert [s.submission.pk for s in selectors.camera_ready_statuses()] == [second.pk, first.pk]
    assert CameraReady.objects.get(submission=first).session == "Poisoning"


@pytest.mark.django_db
def test_the_build_page_polls_while_running_and_refreshes_when_done(client_for, organizer, volume):
    build = build_start(by=organizer)  # no worker ran it yet
    client = client_for(organizer)

    fragment = client.get(reverse("build_detail", args=[build.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in fragment.content.decode() and "<progress" in fragment.content.decode()

    ProceedingsBuild.objects.filter(pk=build.pk).update(state=RunState.FAILED, error="Broken")
    done = client.get(reverse("build_detail", args=[build.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "Broken" in client.get(reverse("build_detail", args=[build.pk])).content.decode()


@pytest.mark.django_db
def test_the_volume_downloads_and_publishes(client_for, organizer, volume, camera_workshop,
                                            django_capture_on_commit_callbacks):
    build = volume_built(organizer, django_capture_on_commit_callbacks)
    client = client_for(organizer)

    download = client.get(reverse("build_download", args=[build.pk]))
    client.post(reverse("build_publish", args=[build.pk]), {"confirm": "yes"})

    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert ProceedingsBuild.objects.get(pk=build.pk).published_at is not None


@pytest.mark.django_db
def test_a_build_from_before_snapshots_cannot_be_published_and_says_why(client_for, organizer, volume,
                                                                         django_capture_on_commit_callbacks):
    build = volume_built(organizer, django_capture_on_commit_callbacks)
    ProceedingsBuild.objects.filter(pk=build.pk).update(program=None)

    response = client_for(organizer).post(reverse("build_publish", args=[build.pk]), {"confirm": "yes"})

    assert "build the volume again and publish the new build" in response.content.decode()
    assert ProceedingsBuild.objects.get(pk=build.pk).published_at is None


# Acronyms saved before the validator (a quote, a sign beyond ASCII, a right-to-left override) and their file names.
BAD_ACRONYMS = [('ML"Sec', "ML-Sec"), ("MLSec€", "MLSec€"), ("ML\u202eSec", "MLSec")]


@pytest.mark.django_db
@pytest.mark.parametrize(("acronym", "shown"), BAD_ACRONYMS)
def test_every_proceedings_download_has_a_safe_file_name(client, client_for, organizer, author, volume,
                                                        camera_workshop, django_capture_on_commit_callbacks,
                                                        acronym, shown):
    first, _ = volume
    Workshop.objects.update(acronym=acronym)  # an old row, from before the validator
    camera_workshop.refresh_from_db()
    build = volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    version = first.pdf_versions.get(kind="camera_ready")
    stem = f"{shown}-{camera_workshop.year}"
    manager = client_for(organizer)
    downloads = {
        (manager, reverse("build_download", args=[build.pk])):
            ("attachment", f"{stem}-proceedings-build{build.pk}.pdf"),
        **{(manager, reverse("proceedings_export", args=[kind])): ("attachment", f"{stem}{suffix}")
           for kind, suffix in (("papers.csv", "-accepted.csv"), ("papers.json", "-accepted.json"),
                                ("volume.bib", ".bib"), ("ceur.zip", "-ceur.zip"))},
        (client, reverse("program_volume_pdf")): ("inline", f"{stem}-proceedings.pdf"),
        (client, reverse("program_paper_pdf", args=[first.pk])): ("inline", f"{stem}-paper{first.pk}.pdf"),
        (client_for(author), reverse("camera_ready_pdf", args=[first.pk, version.pk])):
            ("attachment", f"{stem}-camera-ready-{first.pk}-{version.uploaded_at:%Y%m%d-%H%M%S}.pdf"),
    }

    for (who, url), expected in downloads.items():
        response = who.get(url)
        assert response.status_code == 200, url
        assert saved_as(response) == expected, url


@pytest.mark.django_db
def test_a_nobody_cannot_tell_a_build_from_a_missing_one(client_for, volume, organizer,
                                                         django_capture_on_commit_callbacks):
    build = volume_built(organizer, django_capture_on_commit_callbacks)
    stranger = client_for(UserFactory())

    for name in ("build_detail", "build_download"):
        assert stranger.get(reverse(name, args=[build.pk])).status_code == 404
        assert stranger.get(reverse(name, args=[build.pk + 50])).status_code == 404
