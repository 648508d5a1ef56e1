"""Builds made before snapshots have none. The published one gets a snapshot of
today's data, so the public program shows what it showed before this release
(papers in the volume that are still accepted, titles and authors as printed
now) but in the volume's order with its pages, and stays so until the next
publication. Unpublished old builds keep none, and publishing one is refused
with a message to build again: the program only ever shows a snapshot."""

from django.db import migrations


def _paper(submission, index, pages):
    camera = getattr(submission, "camera_ready", None)
    threat = {}
    for term in sorted(submission.threat_terms.all(), key=lambda t: (t.kind, t.position)):
        threat.setdefault(term.kind, []).append(term.label)
    authors = (camera.authors if camera is not None and camera.authors else
               [{"name": a.name, "affiliation": a.affiliation, "orcid": a.orcid}
                for a in submission.authors.order_by("position")])
    return {"number": submission.pk, "title": (camera.title if camera else "") or submission.title,
            "abstract": (camera.abstract if camera else "") or submission.abstract, "authors": authors,
            "topics": [t.name for t in submission.topics.order_by("position", "id")], "threat": threat,
            "code_url": submission.artifact_url, "session": camera.session if camera else "",
            "pages": list(pages), "file_name": f"paper{index}.pdf"}


def snapshot_published_builds(apps, schema_editor):
    build_model = apps.get_model("submissions", "ProceedingsBuild")
    submission_model = apps.get_model("submissions", "Submission")
    workshop = apps.get_model("workshop", "Workshop").objects.order_by("id").first()
    user_model = apps.get_model("workshop", "User")
    # "status" at this migration; "state" since 0012 (a test runs this function on today's models)
    state = "status" if any(f.name == "status" for f in build_model._meta.fields) else "state"
    builds = build_model.objects.filter(published_at__isnull=False, program__isnull=True, **{state: "done"})
    if workshop is None or not builds.exists():
        return
    editors = list(user_model.objects.filter(roles__name="chair", is_active=True).order_by("full_name", "pk")
                   .distinct().values_list("full_name", flat=True))
    volume = {"name": workshop.name, "acronym": workshop.acronym, "year": workshop.year, "venue": workshop.venue,
              "event_dates": workshop.event_dates}
    for build in builds:
        accepted = {s.pk: s for s in submission_model.objects.filter(
            pk__in=build.papers, outcome__category="accept", decision_released_at__isnull=False,
            withdrawn_at__isnull=True).select_related("camera_ready")}
        kept = [(number, pages) for number, pages in zip(build.papers, build.ranges, strict=False)
                if number in accepted]
        papers = [_paper(accepted[number], index, pages) for index, (number, pages) in enumerate(kept, start=1)]
        build.program = {"volume": volume, "editors": editors, "papers": papers}
        build.save(update_fields=["program"])


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0007_build_program_snapshot_and_plain_artifact_url"),
        ("workshop", "0011_workshop_acronym_letters_digits_dashes"),
    ]

    operations = [
        migrations.RunPython(snapshot_published_builds, migrations.RunPython.noop),
    ]
