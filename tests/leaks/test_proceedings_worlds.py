"""Two worlds for the proceedings (issue 18): under double blind an organizer
never learns how many people wrote a paper, nor who, while its authors have not
confirmed the printed authors: not from the progress page of the camera-ready
reminders, nor from a draft, a build, its publication, the exports or the
public program (which print "[authors not confirmed]")."""

import pytest

from submissions.camera_ready.services import (
    PrintedAuthor,
    camera_ready_metadata_save,
    camera_ready_reminders,
    camera_ready_upload,
    camera_reminders_run,
    licence_accept,
)
from submissions.models import Author, ProceedingsBuild, Submission
from submissions.proceedings.services import build_publish, build_run, build_start, volume_order_save
from tests.leaks.test_two_worlds import COAUTHOR, DIRECT, START, STRANGER, Base, base_world
from tests.leaks.two_worlds import FROZEN_AT, assert_no_differences, compare_worlds
from tests.submissions import pdf_corpus
from workshop.models import MailBatch, Workshop

pytestmark = pytest.mark.django_db(transaction=True)


def other_coauthor(world):
    Author.objects.filter(submission=world["paper"], position=1).update(name=STRANGER[0], email=STRANGER[1])


def one_more_author(world):
    Author.objects.create(submission=world["paper"], position=2, name=STRANGER[0], email=STRANGER[1])


def _final_pdf(paper, author, workshop):
    paper = Submission.objects.get(pk=paper.pk)  # as decided since the world was made
    camera_ready_upload(submission=paper, by=author, data=pdf_corpus.paper(1), filename="f.pdf",
                                            workshop=workshop, now=FROZEN_AT)


def unconfirmed_authors(change):
    """Decisions out, both papers accepted. #1 (Alice Author and her coauthor) has its final
    PDF but its authors have confirmed nothing else; #2 has everything. The organizer sets the
    order, sends the camera-ready reminders, builds a draft and a volume and publishes it anyway;
    the program is public. World b `change`s #1's authors first."""
    def build(variant):
        world = base_world(Base(decisions_released=True))
        if variant == "b":
            change(world)
        organizer, workshop = world["organizer"], world["workshop"]
        _final_pdf(world["paper"], world["author"], workshop)
        other = Submission.objects.get(pk=world["other"].pk)
        _final_pdf(other, world["other_author"], workshop)
        camera_ready_metadata_save(
            submission=other, by=world["other_author"], title="Certified URL filters", abstract="As printed.",
            authors=[PrintedAuthor("Oscar Other")], workshop=workshop, now=FROZEN_AT)
        licence_accept(submission=other, by=world["other_author"], workshop=workshop,
                                           now=FROZEN_AT)
        volume_order_save(by=organizer, rows=[(world["paper"].pk, 1, ""), (other.pk, 2, "")])
        _, job = camera_ready_reminders(by=organizer, send=True)
        camera_reminders_run(job.pk)
        world["batch"] = MailBatch.objects.get(pk=job.params["batch"])
        for draft in (True, False):
            started = build_start(by=organizer, draft=draft)
            build_run(build_id=started.pk)
        build_publish(build=ProceedingsBuild.objects.get(draft=False), by=organizer,
                                          reason="The authors confirm on the day.")
        Workshop.objects.update(program_published=True)
        return world
    return build


BATCH = [lambda world: f"/chair/mail/{world['batch'].public_id}/"]
BUILDS = [f"/proceedings/builds/{n}/{tail}" for n in (1, 2) for tail in ("", "volume.pdf", "publish/")]


@pytest.mark.parametrize("change", [other_coauthor, one_more_author])
def test_an_organizer_learns_nothing_of_unconfirmed_authors(change):
    assert COAUTHOR[1] != STRANGER[1]
    differences = compare_worlds(unconfirmed_authors(change), persona="organizer", start_urls=START,
                                 extra_urls=[*DIRECT, *BATCH, *BUILDS], fragment_urls=BATCH,
                                 reuse_a="proceedings-unconfirmed")
    assert_no_differences(differences)


@pytest.mark.parametrize("change", [other_coauthor, one_more_author])
def test_the_public_program_prints_no_unconfirmed_authors(change):
    differences = compare_worlds(unconfirmed_authors(change), persona=None, start_urls=START,
                                 extra_urls=["/program/", "/program/volume.pdf", "/program/1.pdf", "/program/2.pdf"],
                                 reuse_a="proceedings-unconfirmed")
    assert_no_differences(differences)


def test_the_worlds_differ_where_the_authors_may_look():
    """The harness would see the change: the paper's own authors are shown it."""
    differences = compare_worlds(unconfirmed_authors(other_coauthor), persona="author", start_urls=START,
                                 extra_urls=["/submissions/1/"], reuse_a="proceedings-unconfirmed")
    assert any(STRANGER[0] in d.detail for d in differences), [str(d) for d in differences]
