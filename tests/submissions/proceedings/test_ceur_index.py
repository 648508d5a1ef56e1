"""The CEUR-WS zip as CEUR's own tooling reads it: pyCEURmake's parsers (in a
virtual environment of their own, tests/submissions/proceedings/ceur_tools.py) find every
paper with its title, authors, pages and file, the volume's acronym, titles,
place and time, its editors, and the workshop's own homepage."""

import io
import zipfile

import pytest
from django.urls import reverse

from submissions.camera_ready.services import PrintedAuthor
from submissions.models import CameraReady
from tests.factories import SubmissionFactory
from tests.submissions.conftest import accept
from tests.submissions.proceedings.ceur_tools import ceur_parse, make_environment
from tests.submissions.proceedings.conftest import paper_ready, volume_built


@pytest.fixture(scope="session")
def ceur_python(tmp_path_factory):
    return make_environment(tmp_path_factory.mktemp("ceur-tools") / "venv")


@pytest.fixture
def four_papers(camera_workshop, author, other_author):
    """Four accepted papers with everything, in two sessions."""
    camera_workshop.venue, camera_workshop.event_dates = "Lisbon, Portugal", "May 18, 2027"
    camera_workshop.homepage = "https://mlsec.example.org/2027/"
    camera_workshop.save()
    papers = []
    for position, (title, session, names) in enumerate([
            ("Backdoors in malware detectors", "Poisoning", ["Zoë Müller", "Alice Author"]),
            ("Label flips at scale", "Poisoning", ["Alice Author"]),
            ("Certified URL filters", "Robustness", ["Oscar Other", "Dana Deputy", "Eve Ernst"]),
            ("Fuzzing tokenizers", "Robustness", ["Oscar Other"])], start=1):
        who = author if "Alice Author" in names else other_author
        paper = paper_ready(accept(SubmissionFactory(created_by=who, title=title)), camera_workshop,
                       authors=[PrintedAuthor(n) for n in names])
        CameraReady.objects.filter(submission=paper).update(position=position, session=session)
        papers.append((paper, title, names))
    return papers


def _index(client, organizer, capture) -> tuple[str, set[str]]:
    volume_built(organizer, capture)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("proceedings_export", args=["ceur.zip"])).content))
    return archive.read("index.html").decode(), set(archive.namelist())


@pytest.mark.django_db
def test_ceur_tools_find_every_paper_of_the_index(ceur_python, tmp_path, client_for, organizer, chair, four_papers,
                                                  django_capture_on_commit_callbacks):
    index, files = _index(client_for(organizer), organizer, django_capture_on_commit_callbacks)

    parsed = ceur_parse(ceur_python, index, tmp_path)

    papers = parsed["papers"]
    assert [(p["title"], p["authors"]) for p in papers] == [(title, names) for _, title, names in four_papers]
    assert [p["pages"] for p in papers] == ["1-2", "3-4", "5-6", "7-8"]
    assert [p["pdf_name"] for p in papers] == [f"paper{n}.pdf" for n in range(1, 5)]
    assert {p["pdf_name"] for p in papers} | {"index.html"} == files
    assert [p["id"] for p in papers] == [f"Vol-XXX/paper{n}" for n in range(1, 5)]


@pytest.mark.django_db
def test_ceur_tools_read_the_volume_with_the_workshops_own_homepage(ceur_python, tmp_path, client_for, organizer,
                                                                   chair, camera_workshop, four_papers,
                                                                   django_capture_on_commit_callbacks):
    index, _ = _index(client_for(organizer), organizer, django_capture_on_commit_callbacks)

    parsed = ceur_parse(ceur_python, index, tmp_path)

    volume = parsed["volume"]
    assert volume["acronym"] == f"{camera_workshop.acronym} {camera_workshop.year}"
    assert volume["homepage"] == "https://mlsec.example.org/2027/"
    assert volume["voltitle"] == camera_workshop.name
    assert volume["title"] == f"Proceedings of the {camera_workshop.name}"
    assert volume["loctime"] == "Lisbon, Portugal, May 18, 2027"
    assert volume["volume_number"] == "Vol-XXX" and volume["urn"] == "urn:nbn:de:0074-XXX-C"
    assert list(parsed["editors"]) == [chair.full_name]


def _settings_form(workshop, homepage):
    from workshop.forms import WorkshopForm

    data = {k: v for k, v in WorkshopForm(instance=workshop).initial.items() if v is not None}
    return WorkshopForm({**data, "homepage": homepage}, instance=workshop)


@pytest.mark.django_db
def test_the_homepage_is_a_workshop_setting(client_for, chair, camera_workshop):
    page = client_for(chair).get(reverse("settings_workshop")).content.decode()
    form = _settings_form(camera_workshop, "mlsec.example.org/2027/")

    assert 'name="homepage"' in page and "Workshop homepage" in page
    assert form.is_valid(), form.errors
    form.save()
    camera_workshop.refresh_from_db()
    assert camera_workshop.homepage == "https://mlsec.example.org/2027/"


@pytest.mark.django_db
@pytest.mark.parametrize(("homepage", "message"), [
    ("https://", "Enter a valid URL."),
    ("https://mlsec.example.org/{2027}", "A URL cannot contain { }; percent-encode it (for example { as %7B)."),
])
def test_a_homepage_that_is_no_web_address_is_refused_saying_why(camera_workshop, homepage, message):
    form = _settings_form(camera_workshop, homepage)

    assert not form.is_valid()
    assert form.errors["homepage"] == [message]
