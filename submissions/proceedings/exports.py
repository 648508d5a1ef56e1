"""What organizers hand to publishers and the web: the accepted papers as
CSV, JSON and BibTeX, a CEUR-WS volume zip, single papers cut from the
published volume, and the threat-model statistics of the field.

Only accepted papers (released, not withdrawn) are exported, in volume
order; the statistics are counts over the papers the viewer may see, never a
list. A build keeps the papers as it printed them (`program_snapshot`): the
public program, the BibTeX and the CEUR zip of a build are made from that,
never from today's data. The same content gives the same bytes (no random
PDF /ID, no wall-clock time in a zip)."""

import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

import pikepdf
from django.conf import settings
from django.template.loader import render_to_string
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from submissions.camera_ready.selectors import CameraStatus
from submissions.models import ProceedingsBuild, Submission
from submissions.selectors import manages_proceedings
from workshop import policy
from workshop.models import VocabularyKind
from workshop.selectors import workshop_current


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
    # False: the authors have not confirmed the printed authors; `authors` is then empty where
    # the submission's may not be printed (`printed_authors`), and UNCONFIRMED_AUTHORS shows instead
    authors_confirmed: bool = True
    pdf_sha256: str = ""  # of the final PDF the build printed ("" in snapshots from before drafts)

    @property
    def byline(self) -> str:
        return ", ".join(a.get("name", "") for a in self.authors) or (
            "" if self.authors_confirmed else UNCONFIRMED_AUTHORS)


UNCONFIRMED_AUTHORS = "[authors not confirmed]"


@dataclass(frozen=True)
class VolumeNames:
    """How the volume names the workshop (what BibTeX and the CEUR index cite)."""

    name: str
    acronym: str
    year: int
    venue: str = ""
    event_dates: str = ""


@dataclass
class ProgramSnapshot:
    """A build's papers and names as it printed them."""

    volume: VolumeNames
    editors: list[str]
    papers: list[AcceptedPaper] = field(default_factory=list)


def build_ranges(build: ProceedingsBuild | None) -> dict[int, tuple[int, int]]:
    return {n: tuple(r) for n, r in zip(build.papers, build.ranges, strict=False)} if build and build.ranges else {}


def printed_authors(status: CameraStatus, submission: Submission, workshop) -> tuple[list[dict], bool]:
    """(the authors as the volume prints them, whether the authors confirmed them). Until
    they confirm, the submission's authors stand in only where the policy lets the volume
    print them (`policy.volume_prints_unconfirmed_authors`); otherwise nobody."""
    camera = status.camera
    if camera.metadata_confirmed_at is not None:
        return camera.authors, True
    if not policy.volume_prints_unconfirmed_authors(workshop):
        return [], False
    return camera.authors or [{"name": a.name, "affiliation": a.affiliation, "orcid": a.orcid}
                              for a in submission.authors.all()], False


def accepted_papers(statuses: list[CameraStatus], build: ProceedingsBuild | None = None, *,
                    ranges: dict[int, tuple[int, int]] | None = None, workshop=None) -> list[AcceptedPaper]:
    """Today's data of the papers of `statuses`, with their pages in `build` (or `ranges`)."""
    ranges = build_ranges(build) if ranges is None else ranges
    workshop = workshop or workshop_current()
    papers = []
    submissions = {s.pk: s for s in Submission.objects.filter(pk__in=[st.submission.pk for st in statuses])
                   .prefetch_related("topics", "threat_terms", "authors")}
    for index, status in enumerate(statuses, start=1):
        paper, camera = submissions[status.submission.pk], status.camera
        threat: dict[str, list[str]] = {}
        for term in sorted(paper.threat_terms.all(), key=lambda t: (t.kind, t.position)):
            threat.setdefault(term.kind, []).append(term.label)
        authors, confirmed = printed_authors(status, paper, workshop)
        pages = ranges.get(paper.pk)
        papers.append(AcceptedPaper(
            number=paper.pk, title=camera.title or paper.title, abstract=camera.abstract or paper.abstract,
            authors=authors, topics=[t.name for t in paper.topics.all()], threat=threat,
            code_url=paper.artifact_url, session=camera.session, pages=tuple(pages) if pages else None,
            file_name=f"paper{index}.pdf", authors_confirmed=confirmed,
            pdf_sha256=status.pdf.sha256 if status.pdf else ""))
    return papers


def program_snapshot(workshop, papers: list[AcceptedPaper], editors: list[str]) -> dict:
    """What a build stores of its papers (JSON), taken when it is built."""
    names = VolumeNames(name=workshop.name, acronym=workshop.acronym, year=workshop.year, venue=workshop.venue,
                        event_dates=workshop.event_dates)
    return {"volume": asdict(names), "editors": list(editors), "papers": [asdict(p) for p in papers]}


_PAPER_FIELDS = set(AcceptedPaper.__dataclass_fields__)
_VOLUME_FIELDS = set(VolumeNames.__dataclass_fields__)


def program_of(build: ProceedingsBuild | None) -> ProgramSnapshot | None:
    """The snapshot a build stored, or None (no build, or one built before snapshots)."""
    data = build.program if build is not None else None
    if not data:
        return None
    papers = []
    for stored in data.get("papers", []):
        values = {key: value for key, value in stored.items() if key in _PAPER_FIELDS}
        values["pages"] = tuple(values["pages"]) if values.get("pages") else None
        papers.append(AcceptedPaper(**values))
    volume = VolumeNames(**{key: value for key, value in data["volume"].items() if key in _VOLUME_FIELDS})
    return ProgramSnapshot(volume=volume, editors=list(data.get("editors", [])), papers=papers)


def papers_table(papers: list[AcceptedPaper]) -> tuple[list[str], list[list]]:
    header = ["number", "title", "authors", "affiliations", "orcids", "topics", *VocabularyKind.values,
              "pages", "code_url", "session"]
    rows = [[p.number, p.title, "; ".join(a["name"] for a in p.authors) or p.byline,
             _per_author(p.authors, "affiliation"), _per_author(p.authors, "orcid"),
             "; ".join(p.topics), *["; ".join(p.threat.get(kind, [])) for kind in VocabularyKind.values],
             page_range(p.pages), p.code_url, p.session] for p in papers]
    return header, rows


def page_range(pages: tuple[int, int] | None) -> str:
    """ "4-9", or "3" for a one-page paper, or "" without pages."""
    if not pages:
        return ""
    return f"{pages[0]}-{pages[1]}" if pages[1] != pages[0] else str(pages[0])


def _per_author(authors: list[dict], key: str) -> str:
    """One place per author, in the authors' order ("; 0000-..." when only the second has one),
    or nothing when no author has one: a lone "; " reads as a value."""
    values = [a.get(key, "") or "" for a in authors]
    return "; ".join(values) if any(values) else ""


def papers_json(papers: list[AcceptedPaper], workshop, statistics: dict) -> str:
    return json.dumps({
        "workshop": {"name": workshop.name, "acronym": workshop.acronym, "year": workshop.year},
        "papers": [{"number": p.number, "title": p.title, "abstract": p.abstract, "authors": p.authors,
                    "authors_confirmed": p.authors_confirmed,
                    "topics": p.topics, "threat_model": p.threat,
                    "pages": page_range(p.pages) or None, "code_url": p.code_url,
                    "session": p.session} for p in papers],
        "threat_model_statistics": statistics,
    }, indent=2, ensure_ascii=False)


# --- BibTeX -------------------------------------------------------------------------------


# BibTeX counts every brace, escaped or not (`\\}` closes a field), so a literal
# brace or backslash becomes a command; "braces-all" wraps every replacement in
# its own balanced group. A straight quote stays one (pylatexenc would curl it).
_TEX = UnicodeToLatexEncoder(
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, {
        ord("{"): r"\textbraceleft", ord("}"): r"\textbraceright", ord("\\"): r"\textbackslash", ord('"'): '"'}),
        "defaults"],
    non_ascii_only=False, replacement_latex_protection="braces-all", unknown_char_warning=False)


def _one_line(text: str) -> str:
    """No control or invisible formatting characters (a right-to-left override
    would reorder what a reader sees), white space as single spaces."""
    return " ".join("".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in str(text)
                            if unicodedata.category(c) != "Cf").split())


def _latex(text: str) -> str:
    """Accents and specials as LaTeX (é -> {\\'e}, & -> {\\&}, { -> {\\textbraceleft}): every brace balanced."""
    return _TEX.unicode_to_latex(_one_line(text))


_AND = re.compile(r"\band\b", re.IGNORECASE)


def _bib_part(text: str) -> str:
    """A part of a name; braced when BibTeX would split it (a comma, the word "and")."""
    latex = _latex(text)
    return f"{{{latex}}}" if "," in text or _AND.search(text) else latex


def _bib_name(name: str) -> str:
    """"Ada Lovelace" -> "Lovelace, Ada" (the last word is the family name), as LaTeX."""
    parts = _one_line(name).split()
    if len(parts) < 2:
        return _bib_part(" ".join(parts))
    return f"{_bib_part(parts[-1])}, {_bib_part(' '.join(parts[:-1]))}"


def _bib_names(names: list[str]) -> str:
    return " and ".join(_bib_name(n) for n in names if _one_line(n))


# RFC 3986's characters (unreserved, reserved and the percent sign): none of them is a brace or a backslash.
_URL_KEPT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def tex_url(url: str) -> str:
    """`url` fit for \\url{...} in BibTeX or LaTeX: every other character
    percent-encoded as UTF-8 ({ as %7B, a space as %20, é as %C3%A9), and a
    percent sign that starts no escape as %25. Old rows were stored before the
    form refused these characters."""
    out = []
    for index, char in enumerate(url):
        if char == "%":
            out.append("%" if _ESCAPE.match(url, index) else "%25")
        else:
            out.append(char if char in _URL_KEPT else quote(char, safe=""))
    return "".join(out)


def _key(workshop, paper: AcceptedPaper) -> str:
    words = _one_line(paper.authors[0].get("name", "")).split() if paper.authors else []
    family = words[-1] if words else "anon"
    ascii_family = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode() or "anon"
    return f"{re.sub(r'[^A-Za-z0-9]', '', workshop.acronym)}{workshop.year}-{re.sub(r'[^A-Za-z]', '', ascii_family)}" \
           f"{paper.number}"


def _booktitle(workshop) -> str:
    return _latex(f"Proceedings of the {workshop.name} ({workshop.acronym} {workshop.year})")


def bibtex_paper(workshop, paper: AcceptedPaper) -> str:
    """One @inproceedings; `workshop` is the Workshop or a snapshot's `VolumeNames`."""
    lines = [f"@inproceedings{{{_key(workshop, paper)},",
             f"  author    = {{{_bib_names([a.get('name', '') for a in paper.authors])}}},",
             f"  title     = {{{{{_latex(paper.title)}}}}},",
             f"  booktitle = {{{_booktitle(workshop)}}},",
             f"  year      = {{{int(workshop.year)}}},"]
    if paper.pages:
        first, last = int(paper.pages[0]), int(paper.pages[1])
        lines.append(f"  pages     = {{{first}--{last}}}," if last != first else f"  pages     = {{{first}}},")
    if paper.code_url:
        lines.append(f"  note      = {{Code: \\url{{{tex_url(paper.code_url)}}}}},")
    return "\n".join(lines) + "\n}\n"


def bibtex_volume(workshop, papers: list[AcceptedPaper], editors: list[str]) -> str:
    head = (f"@proceedings{{{re.sub(r'[^A-Za-z0-9]', '', workshop.acronym)}{int(workshop.year)},\n"
            f"  title     = {{{_booktitle(workshop)}}},\n"
            f"  editor    = {{{_bib_names(editors)}}},\n"
            f"  year      = {{{int(workshop.year)}}},\n}}\n")
    return head + "\n" + "\n".join(bibtex_paper(workshop, p) for p in papers)


# --- CEUR-WS and single papers --------------------------------------------------------------


def ceur_zip(workshop, papers: list[AcceptedPaper], editors: list[str], pdfs: dict[int, bytes], *,
             dated: datetime, homepage: str = "") -> bytes:
    """index.html as CEUR-WS's volume template has it (its CEUR* classes inside the CEURTOC
    table of contents, one <li id="paperN"> per paper, what CEUR's own tools parse) and one
    PDF per paper, named as in the index. The volume's title links to `homepage`, the
    workshop's own site (else this site). `dated` (when the volume was built) is the index's
    date and every entry's time, so the same volume always zips to the same bytes."""
    index = render_to_string("submissions/proceedings/ceur_index.html",
                             {"workshop": workshop, "papers": papers, "editors": editors,
                              "homepage": homepage or settings.SITE_URL, "today": dated})
    stamp = max(dated.astimezone(UTC), _ZIP_EPOCH).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("index.html", index.encode()), *((p.file_name, pdfs[p.number]) for p in papers)]:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(entry, data)
    return buffer.getvalue()


_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest time a zip entry can carry


def pages_of(volume_file, first: int, last: int, front_pages: int) -> bytes:
    """Pages first..last (numbered from the first paper page) cut from a volume."""
    with pikepdf.open(volume_file) as volume, pikepdf.new() as out:
        out.pages.extend(volume.pages[front_pages + first - 1: front_pages + last])
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True)  # the same pages, the same bytes (a random /ID otherwise)
        return buffer.getvalue()


# --- Statistics of the field -----------------------------------------------------------------


DIMENSIONS = [("topic", "Topic"), *VocabularyKind.choices]


def threat_statistics(*, user) -> dict:
    """Submitted and accepted counts, and the acceptance rate, by topic and by
    each threat-model dimension, over the papers `user` may see: a chair sees
    every paper they are not conflicted with, an organizer the accepted ones."""
    manager = manages_proceedings(user)
    papers = Submission.objects.filter(withdrawn_at__isnull=True).select_related(
        "outcome", "released_outcome").prefetch_related(
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
