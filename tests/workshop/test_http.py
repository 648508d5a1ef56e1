"""Download names: one helper builds every Content-Disposition header."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.utils.http import parse_header_parameters

from workshop.http import as_download, download_name

ROOT = Path(__file__).resolve().parents[2]


def saved_as(response) -> tuple[str, str]:
    """(disposition type, file name) as a browser reads the header (RFC 6266 and RFC 5987)."""
    header = response["Content-Disposition"]
    header.encode("ascii")  # a header beyond ASCII makes browsers drop all of it
    kind, parameters = parse_header_parameters(header)
    return kind, parameters.get("filename", "")


@pytest.mark.parametrize(("acronym", "name"), [
    ("MLSec", "MLSec-2027.bib"),
    ('ML"Sec', "ML-Sec-2027.bib"),  # no quote to end the quoted string early
    ("MLSec€", "MLSec€-2027.bib"),  # kept, as RFC 5987 UTF-8
    ("ML\u202eSec", "MLSec-2027.bib"),  # no right-to-left override to disguise the extension
    ("ML\r\nSec", "MLSec-2027.bib"),  # no header splitting
    ("../../ML/Sec", "..-..-ML-Sec-2027.bib"),
    ("ML\u200bSec\u2066", "MLSec-2027.bib"),  # zero-width space, isolate
])
def test_a_download_is_named_safely_whatever_the_acronym(acronym, name):
    response = as_download(HttpResponse(b"x"), filename=f"{acronym}-2027.bib")

    assert saved_as(response) == ("attachment", name)


def test_an_inline_download_keeps_its_name():
    response = as_download(HttpResponse(b"%PDF"), filename="MLSec-2027-paper3.pdf", inline=True)

    assert response["Content-Disposition"] == 'inline; filename="MLSec-2027-paper3.pdf"'


def test_an_empty_name_still_names_the_file():
    assert download_name("\u202e\u200b") == "download"


def test_every_download_header_comes_from_the_one_helper():
    """Grep the apps: a header built by string formatting would be back to breaking on a quote."""
    offenders = []
    for app in ("workshop", "submissions", "reviews"):
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "workshop" / "http.py" or "migrations" in path.parts:
                continue
            text = path.read_text()
            if re.search(r"Content-Disposition|as_attachment\s*=|FileResponse\([^)]*filename\s*=", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
