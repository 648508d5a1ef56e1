"""Accepted papers with their camera-ready versions, and a built volume, so
the proceedings pages and the author's camera-ready task show something."""

from reviews.demo.papers import demo_pdf
from reviews.demo.pc import EARLY_ACCEPTS
from submissions.camera_ready.selectors import camera_ready_statuses
from submissions.camera_ready.services import (
    PrintedAuthor,
    camera_ready_metadata_save,
    camera_ready_upload,
    licence_accept,
)
from submissions.models import ProceedingsBuild
from submissions.proceedings.services import build_publish, build_run, build_start, volume_order_save
from workshop.models import User


def load_demo_camera_ready(workshop) -> None:
    """Every accepted paper gets its final PDF and metadata, and all but Ada's
    #1 the licence; the volume is built and published."""
    if ProceedingsBuild.objects.exists():
        return
    organizer = User.objects.get(email="organizer@example.org")
    sessions = {title: session for title, _outcome, session in EARLY_ACCEPTS}
    rows = []
    for status in camera_ready_statuses():
        paper = status.submission
        author = User.objects.get(email=paper.authors.all()[0].email)
        names = [a.name for a in paper.authors.all()]
        camera_ready_upload(submission=paper, by=author, filename="final.pdf", workshop=workshop,
                            data=demo_pdf(paper.title, paper.abstract, byline=", ".join(names)))
        camera_ready_metadata_save(
            submission=paper, by=author, title=paper.title, abstract=paper.abstract, workshop=workshop,
            authors=[PrintedAuthor(a.name, a.affiliation, a.orcid) for a in paper.authors.all()])
        if author.email != "author@lakeside.example":  # Ada still owes the licence: a reminder is due
            licence_accept(submission=paper, by=author, workshop=workshop)
        rows.append((paper.pk, sessions.get(paper.title, "Poisoning and backdoors")))
    rows.sort(key=lambda row: row[1])  # by session
    volume_order_save(by=organizer, rows=[(number, position, session)
                                          for position, (number, session) in enumerate(rows, start=1)])
    workshop.preface = ("Welcome to the proceedings of the demo workshop. These papers study attacks on "
                        "machine learning in security settings, each with an explicit threat model.")
    workshop.program_published = True
    workshop.homepage = "https://mlsec.example.org/2027/"
    workshop.save(update_fields=["preface", "program_published", "homepage"])
    build = build_start(by=organizer)
    build_run(build_id=build.pk)
    # Ada's #1 still owes the licence, so this needs a reason: the proceedings page shows it
    build_publish(build=ProceedingsBuild.objects.get(pk=build.pk), by=organizer,
                  reason="Ada's licence is signed on paper and on its way; published for the program.")
