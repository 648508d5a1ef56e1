"""What organizers hand to publishers and the web: the accepted papers as
CSV, JSON and BibTeX, a CEUR-WS volume zip, single papers cut from the
published volume, and the threat-model statistics of the field.

Only accepted papers (released, not withdrawn) are exported, in volume
order; the statistics are counts over the papers the viewer may see, never a
list."""

import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass

import pikepdf
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from pylatexenc.latexencode import unicode_to_latex

from submissions.models import ProceedingsBuild, Submission
from submissions.selectors import CameraStatus, manages_proceedings
from workshop import policy
from workshop.models import VocabularyKind


@dataclass
class AcceptedPaper:
    number: int
    title: str
    abstract: str
    authors: list[dict]  # name, affiliation, orcid, as printed
    topics: list[str]
    threat: dict[str, list[str]]  # vocabulary kind -> labels
    code_url: str
    session: str
    pages: tuple[int, int] | None = None  # in the published (or given) build
    file_name: str = ""


def accepted_papers(statuses: list[CameraStatus], build: ProceedingsBuild | None = None) -> list[AcceptedPaper]:
    ranges = dict(zip(build.papers, build.ranges, strict=False)) if build and build.ranges else {}
    papers = []
    submissions = {s.pk: s for s in Submission.objects.filter(pk__in=[st.submission.pk for st in statuses])
                   .prefetch_related("topics", "threat_terms", "authors")}
    for index, status in enumerate(statuses, start=1):
        paper, camera = submissions[status.submission.pk], status.camera
        threat: dict[str, list[str]] = {}
        for term in sorted(paper.threat_terms.all(), key=lambda t: (t.kind, t.position)):
            threat.setdefault(term.kind, []).append(term.label)
        authors = camera.authors or [{"name": a.name, "affiliation": a.affiliation, "orcid": a.orcid}
                                     for a in paper.authors.all()]
        pages = ranges.get(paper.pk)
        papers.append(AcceptedPaper(
            number=paper.pk, title=camera.title or paper.title, abstract=camera.abstract or paper.abstract,
            authors=authors, topics=[t.name for t in paper.topics.all()], threat=threat,
            code_url=paper.artifact_url, session=camera.session, pages=tuple(pages) if pages else None,
            file_name=f"paper{index}.pdf"))
    return papers


def papers_table(papers: list[AcceptedPaper]) -> tuple[list[str], list[list]]:
    header = ["number", "title", "authors", "affiliations", "orcids", "topics", *VocabularyKind.values,
              "pages", "code_url", "session"]
    rows = [[p.number, p.title, "; ".join(a["name"] for a in p.authors),
             "; ".join(a.get("affiliation", "") for a in p.authors), "; ".join(a.get("orcid", "") for a in p.authors),
             "; ".join(p.topics), *["; ".join(p.threat.get(kind, [])) for kind in VocabularyKind.values],
             f"{p.pages[0]}-{p.pages[1]}" if p.pages else "", p.code_url, p.session] for p in papers]
    return header, rows


def papers_json(papers: list[AcceptedPaper], workshop, statistics: dict) -> str:
    return json.dumps({
        "workshop": {"name": workshop.name, "acronym": workshop.acronym, "year": workshop.year},
        "papers": [{"number": p.number, "title": p.title, "abstract": p.abstract, "authors": p.authors,
                    "topics": p.topics, "threat_model": p.threat,
                    "pages": f"{p.pages[0]}-{p.pages[1]}" if p.pages else None, "code_url": p.code_url,
                    "session": p.session} for p in papers],
        "threat_model_statistics": statistics,
    }, indent=2, ensure_ascii=False)


# --- BibTeX -------------------------------------------------------------------------------


def _latex(text: str) -> str:
    """Accents and specials as LaTeX (é -> \\'e, & -> \\&), braces kept balanced."""
    return unicode_to_latex(text, non_ascii_only=False, replacement_latex_protection="braces-all")


def _bib_name(name: str) -> str:
    """"Ada Lovelace" -> "Lovelace, Ada" (the last word is the family name)."""
    parts = name.split()
    return name if len(parts) < 2 else f"{parts[-1]}, {' '.join(parts[:-1])}"


def _key(workshop, paper: AcceptedPaper) -> str:
    family = paper.authors[0]["name"].split()[-1] if paper.authors else "anon"
    ascii_family = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode() or "anon"
    return f"{re.sub(r'[^A-Za-z0-9]', '', workshop.acronym)}{workshop.year}-{re.sub(r'[^A-Za-z]', '', ascii_family)}" \
           f"{paper.number}"


def bibtex_paper(workshop, paper: AcceptedPaper) -> str:
    lines = [f"@inproceedings{{{_key(workshop, paper)},",
             f"  author    = {{{_latex(' and '.join(_bib_name(a['name']) for a in paper.authors))}}},",
             f"  title     = {{{{{_latex(paper.title)}}}}},",
             f"  booktitle = {{{_latex(f'Proceedings of the {workshop.name} ({workshop.acronym} {workshop.year})')}}},",
             f"  year      = {{{workshop.year}}},"]
    if paper.pages:
        lines.append(f"  pages     = {{{paper.pages[0]}--{paper.pages[1]}}},")
    if paper.code_url:
        lines.append(f"  note      = {{Code: \\url{{{paper.code_url}}}}},")
    return "\n".join(lines) + "\n}\n"


def bibtex_volume(workshop, papers: list[AcceptedPaper], editors: list[str]) -> str:
    head = (f"@proceedings{{{re.sub(r'[^A-Za-z0-9]', '', workshop.acronym)}{workshop.year},\n"
            f"  title     = {{{_latex(f'Proceedings of the {workshop.name} ({workshop.acronym} {workshop.year})')}}},\n"
            f"  editor    = {{{_latex(' and '.join(_bib_name(e) for e in editors))}}},\n"
            f"  year      = {{{workshop.year}}},\n}}\n")
    return head + "\n" + "\n".join(bibtex_paper(workshop, p) for p in papers)


# --- CEUR-WS and single papers --------------------------------------------------------------


def ceur_zip(workshop, papers: list[AcceptedPaper], editors: list[str], pdfs: dict[int, bytes]) -> bytes:
    """index.html in CEUR-WS's markup (its CEUR* classes) and one PDF per paper, named as in the index."""
    index = render_to_string("submissions/proceedings/ceur_index.html",
                             {"workshop": workshop, "papers": papers, "editors": editors,
                              "site_url": settings.SITE_URL, "today": timezone.now()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", index)
        for paper in papers:
            archive.writestr(paper.file_name, pdfs[paper.number])
    return buffer.getvalue()


def pages_of(volume_file, first: int, last: int, front_pages: int) -> bytes:
    """Pages first..last (numbered from the first paper page) cut from a volume."""
    with pikepdf.open(volume_file) as volume, pikepdf.new() as out:
        out.pages.extend(volume.pages[front_pages + first - 1: front_pages + last])
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()


# --- Statistics of the field -----------------------------------------------------------------


DIMENSIONS = [("topic", "Topic"), *VocabularyKind.choices]


def threat_statistics(*, user) -> dict:
    """Submitted and accepted counts, and the acceptance rate, by topic and by
    each threat-model dimension, over the papers `user` may see: a chair sees
    every paper they are not conflicted with, an organizer the accepted ones."""
    manager = manages_proceedings(user)
    papers = Submission.objects.filter(withdrawn_at__isnull=True).select_related("outcome").prefetch_related(
        "topics", "threat_terms", "authors", "conflicts", "pdf_versions")
    counted = [p for p in papers if p.pdf_versions.all() and (
        policy.can_manage_submission(user, p) or (manager and policy.is_accepted(p)))]
    result = {}
    for key, label in DIMENSIONS:
        submitted, accepted = Counter(), Counter()
        for paper in counted:
            values = {t.name for t in paper.topics.all()} if key == "topic" else \
                {t.label for t in paper.threat_terms.all() if t.kind == key}
            for value in values:
                submitted[value] += 1
                accepted[value] += policy.is_accepted(paper)
        result[key] = {"label": label, "rows": [
            {"value": value, "submitted": submitted[value], "accepted": accepted[value],
             "rate": round(accepted[value] / submitted[value], 3)} for value in sorted(submitted)]}
    result["papers"] = {"submitted": len(counted), "accepted": sum(policy.is_accepted(p) for p in counted),
                        "complete_view": all(policy.can_manage_submission(user, p) for p in papers)}
    return result
