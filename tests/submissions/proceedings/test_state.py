"""A volume never goes stale silently (issue 18 item 6): the proceedings page says
when a build no longer matches the accepted papers and what each paper still
owes; drafts for proof-reading; publishing confirms what becomes public and
refuses, unless given a reason, while papers owe something; unconfirmed authors
are never printed from the submission under double blind."""

import csv
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from submissions.camera_ready.services import PrintedAuthor, camera_ready_metadata_save, camera_ready_upload
from submissions.models import CameraReady, Outcome, ProceedingsBuild, Submission
from submissions.proceedings.changes import changes
from submissions.proceedings.services import build_publish, build_start
from tests.factories import SubmissionFactory
from tests.submissions import pdf_corpus
from tests.submissions.conftest import accept
from tests.submissions.proceedings.conftest import paper_ready, volume_built, volume_published
from tests.workshop.test_http import saved_as
from workshop.errors import Refused


def _read(response) -> str:
    """The page's text as a reader sees it: no tags, a line break as a space, runs of spaces as one."""
    html = re.sub(r"<br\s*/?>", " ", response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _home(client) -> str:
    return _read(client.get(reverse("proceedings")))


def _text(path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


# --- Stale builds ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_fresh_published_volume_is_said_to_match(client_for, organizer, volume, camera_workshop,
                                                    django_capture_on_commit_callbacks):
    build = volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)

    page = _home(client_for(organizer))

    assert f"The public program shows build {build.pk}," in page
    assert "it matches the accepted papers" in page and "no longer matches" not in page


@pytest.mark.django_db
def test_a_decision_changed_after_publication_shows_the_volume_is_stale(client_for, organizer, volume,
                                                                        camera_workshop,
                                                                        django_capture_on_commit_callbacks):
    first, second = volume
    build = volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    reject = Outcome.objects.get(name="Reject")
    Submission.objects.filter(pk=second.pk).update(outcome=reject, released_outcome=reject)  # changed and released

    page = _home(client_for(organizer))

    assert f"The published volume (build {build.pk}) no longer matches the accepted papers." in page
    assert f"Removed since: #{second.pk} “=cmd|&#x27; /C calc&#x27;!A0 robustness” is in this build but no longer " \
           "an accepted paper." in page


@pytest.mark.django_db
def test_what_changed_since_the_build_is_named_paper_by_paper(client_for, organizer, author, volume, camera_workshop,
                                                              django_capture_on_commit_callbacks):
    first, second = volume
    build = volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    camera_ready_metadata_save(submission=first, by=author, title="Backdoors, the final title", abstract="New.",
                               authors=[PrintedAuthor("Zoë Müller")], workshop=camera_workshop)
    camera_ready_upload(submission=second, by=second.created_by, data=pdf_corpus.paper(3, byline="Named Authors"),
                        filename="v2.pdf", workshop=camera_workshop)
    late = paper_ready(accept(SubmissionFactory(created_by=author, title="Accepted since")), camera_workshop)
    CameraReady.objects.filter(submission=late).update(position=3)

    page = _home(client_for(organizer))
    detail = _read(client_for(organizer).get(reverse("build_detail", args=[build.pk])))

    for text in (page, detail):
        assert f"Changed since: #{first.pk} “Backdoors, the final title”: title, authors, abstract." in text
        assert f"Changed since: #{second.pk} “=cmd|&#x27; /C calc&#x27;!A0 robustness”: final PDF." in text
        assert f"Added since: #{late.pk} “Accepted since” is accepted but not in this build." in text


@pytest.mark.django_db
def test_the_newest_build_is_checked_too_before_anything_is_published(client_for, organizer, author, volume,
                                                                      camera_workshop,
                                                                      django_capture_on_commit_callbacks):
    first, _ = volume
    build = volume_built(organizer, django_capture_on_commit_callbacks)
    CameraReady.objects.filter(submission=first).update(session="Poisoning")

    page = _home(client_for(organizer))

    assert f"Build {build.pk}, the newest, no longer matches the accepted papers." in page
    assert f"#{first.pk} “Backdoors in malware detectors”: session." in page


def _paper(number, **changed):
    from submissions.proceedings.exports import AcceptedPaper

    values = {"number": number, "title": f"Paper {number}", "abstract": "A.", "authors": [{"name": "Ada"}],
              "topics": [], "threat": {}, "code_url": "", "session": "", "pdf_sha256": "aa"}
    return AcceptedPaper(**{**values, **changed})


def test_changes_name_a_new_place_in_the_volume_and_skip_unknown_pdfs():
    built = [_paper(1), _paper(2, pdf_sha256=""), _paper(3)]
    today = [_paper(3), _paper(1), _paper(2, pdf_sha256="bb"), _paper(4)]

    found = changes(built, today)

    assert [(c.number, c.what) for c in found.changed] == [(3, ("place in the volume",))]  # 1 and 2 kept theirs
    assert found.added == [(4, "Paper 4")] and found.removed == []
    assert found.summary == "#4 added; #3 changed (place in the volume)"
    assert not changes(built, built)


# --- Publishing --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_while_a_paper_owes_its_licence_is_refused_naming_it(organizer, volume,
                                                                        django_capture_on_commit_callbacks):
    first, _ = volume
    CameraReady.objects.filter(submission=first).update(licence_accepted_at=None)
    build = volume_built(organizer, django_capture_on_commit_callbacks)

    with pytest.raises(Refused) as refused:
        build_publish(build=build, by=organizer)

    assert refused.value.message == (f"Build {build.pk} is not published: #{first.pk} still owes the licence. "
                                     "Complete the papers and build again, or publish anyway and say why.")
    assert ProceedingsBuild.objects.get(pk=build.pk).published_at is None
    assert build.owed == {str(first.pk): ["the licence"]}


@pytest.mark.django_db
def test_the_publish_page_says_what_becomes_public_and_what_is_missing(client_for, organizer, volume,
                                                                       django_capture_on_commit_callbacks):
    first, second = volume
    CameraReady.objects.filter(submission=first).update(licence_accepted_at=None)
    build = volume_built(organizer, django_capture_on_commit_callbacks)
    client = client_for(organizer)

    page = _read(client.get(reverse("build_publish", args=[build.pk])))
    unconfirmed = client.post(reverse("build_publish", args=[build.pk]), {"confirm": "yes"})
    no_reason = client.post(reverse("build_publish", args=[build.pk]), {"confirm": "yes", "anyway": "yes",
                                                                         "reason": "  "})

    assert f"Publish build {build.pk}?" in page
    assert f"the whole volume ({build.pages} pages) and each paper" in page
    assert "Backdoors in malware detectors Zoë Müller, Alice Author" in page and "1–2" in page
    assert f"#{first.pk} “Backdoors in malware detectors”: the licence" in page
    assert "Publish anyway" in page
    assert f"Build {build.pk} is not published: #{first.pk} still owes the licence." in unconfirmed.content.decode()
    assert "say why it is published anyway" in no_reason.content.decode()
    assert ProceedingsBuild.objects.get(pk=build.pk).published_at is None


@pytest.mark.django_db
def test_publishing_anyway_keeps_the_reason_and_shows_it(client_for, organizer, volume,
                                                         django_capture_on_commit_callbacks):
    first, _ = volume
    CameraReady.objects.filter(submission=first).update(licence_accepted_at=None)
    build = volume_built(organizer, django_capture_on_commit_callbacks)
    client = client_for(organizer)

    client.post(reverse("build_publish", args=[build.pk]), {
        "confirm": "yes", "anyway": "yes", "reason": "The licence form is signed on paper; it\nis on its way."})

    build.refresh_from_db()
    assert build.published_at is not None
    assert build.publish_note == "The licence form is signed on paper; it is on its way."
    assert "It was published anyway, because: “The licence form is signed on paper; it is on its way.”" in \
        _home(client)


@pytest.mark.django_db
def test_publishing_needs_the_confirmation(client_for, organizer, volume, django_capture_on_commit_callbacks):
    build = volume_built(organizer, django_capture_on_commit_callbacks)

    response = client_for(organizer).post(reverse("build_publish", args=[build.pk]))

    assert "Nothing was published: tick the box to confirm what becomes public." in response.content.decode()
    assert ProceedingsBuild.objects.get(pk=build.pk).published_at is None


# --- Drafts ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_is_built_with_placeholders_and_never_published(client_for, organizer, author, volume,
                                                                camera_workshop,
                                                                django_capture_on_commit_callbacks):
    late = accept(SubmissionFactory(created_by=author, title="No PDF yet"))
    client = client_for(organizer)
    with pytest.raises(Refused) as refused:
        build_start(by=organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("build_start"), {"draft": "yes"})
    draft = ProceedingsBuild.objects.get()

    text = _text(draft.file.path)
    download = client.get(reverse("build_download", args=[draft.pk]))
    published = client.post(reverse("build_publish", args=[draft.pk]), {"confirm": "yes"})

    assert "A draft stands placeholders in for them." in refused.value.message
    assert response.url == reverse("build_detail", args=[draft.pk]) and draft.draft
    assert text.count("DRAFT, not for publication") == draft.pages
    assert "No PDF yet" in text and "Placeholder: the final PDF of this paper is not uploaded yet." in text
    assert saved_as(download) == ("attachment", f"{camera_workshop.acronym}-{camera_workshop.year}-proceedings-"
                                                f"build{draft.pk}-DRAFT.pdf")
    assert "never published" in published.content.decode()
    assert ProceedingsBuild.objects.get(pk=draft.pk).published_at is None
    assert draft.owed[str(late.pk)] == ["the final PDF", "the final title, abstract and authors", "the licence"]


@pytest.mark.django_db
def test_no_export_is_made_from_a_draft(client_for, organizer, volume, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        build_start(by=organizer, draft=True)

    response = client_for(organizer).get(reverse("proceedings_export", args=["ceur.zip"]), follow=True)

    assert "Build the volume first" in response.content.decode()


# --- Authors not confirmed ---------------------------------------------------------------------------


@pytest.fixture
def unconfirmed(camera_workshop, author, organizer, accepted):
    """`accepted` (Alice Author and Chen Coauthor) has its final PDF but its authors have not
    confirmed the printed authors; the organizer has put it in the volume's order."""
    camera_ready_upload(submission=accepted, by=author, data=pdf_corpus.paper(1, byline="Named Authors"),
                        filename="final.pdf", workshop=camera_workshop)
    from submissions.proceedings.services import volume_order_save
    volume_order_save(by=organizer, rows=[(accepted.pk, 1, "")])  # makes its camera-ready row
    return accepted


@pytest.mark.django_db
@pytest.mark.parametrize(("anonymity", "printed"), [("double", "[authors not confirmed]"),
                                                   ("single", "Alice Author, Chen Coauthor")])
def test_unconfirmed_authors_are_printed_from_the_submission_only_outside_double_blind(
        client_for, organizer, camera_workshop, unconfirmed, anonymity, printed, django_capture_on_commit_callbacks):
    camera_workshop.anonymity = anonymity
    camera_workshop.save()

    with django_capture_on_commit_callbacks(execute=True):
        draft = build_start(by=organizer, draft=True)
    draft.refresh_from_db()
    text = _text(draft.file.path)
    rows = list(csv.DictReader(io.StringIO(client_for(organizer).get(
        reverse("proceedings_export", args=["papers.csv"])).content.decode())))

    assert printed in text
    assert rows[0]["authors"] == printed.replace(", ", "; ")
    if anonymity == "double":
        assert "Chen" not in text and "Chen" not in str(rows) and "Chen" not in str(draft.program)
