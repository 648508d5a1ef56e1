"""CEUR-WS's own parsers of a volume's index.html (pyCEURmake), run in a virtual
environment of their own: beside the app pyCEURmake's requirements would
downgrade oauthlib below what django-allauth needs.

`ceur_parse(index_html)` returns what pyCEURmake reads from the page: the
volume (VolumeParser.parse_soup: acronym, homepage, titles, location and time),
the editors (VolumeParser.parseEditors) and the papers (PaperTocParser, the
parser of the table of contents). The environment is made once per test
session; pip installs from the package index this machine is configured with.
Only pyCEURmake's parsers are imported, so only what they import is installed:
BeautifulSoup, and pylodstorage for `ceurws.config` (VolumeParser's cache folder).
"""

import json
import subprocess
import sys
import venv
from pathlib import Path

PACKAGES = ["beautifulsoup4==4.15.0", "pylodstorage==0.19.9"]
PYCEURMAKE = "pyceurmake==0.5.6"

PARSE = r"""
import json, sys
from bs4 import BeautifulSoup
from ceurws.papertocparser import PaperTocParser
from ceurws.volumeparser import VolumeParser

soup = BeautifulSoup(open(sys.argv[1], encoding="utf-8").read(), "html.parser")
parser = VolumeParser(baseurl="http://127.0.0.1:9")  # never asked: parse_soup reads the page given
print(json.dumps({"volume": parser.parse_soup(soup=soup, number="XXX"),
                  "editors": parser.parseEditors(soup),
                  "papers": PaperTocParser(number="XXX", soup=soup).parsePapers()}))
"""


def make_environment(folder: Path) -> Path:
    """A virtual environment with pyCEURmake's parsers; its Python."""
    venv.create(folder, with_pip=True)
    python = folder / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # pyCEURmake without its requirements (a web app, Wikidata and Neo4j clients): the parsers need none of them
    for command in ([*pip, "--no-deps", PYCEURMAKE], [*pip, *PACKAGES]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)  # noqa: S603 - our pip
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return python


def ceur_parse(python: Path, index_html: str, folder: Path) -> dict:
    page = folder / "index.html"
    page.write_text(index_html, encoding="utf-8")
    done = subprocess.run([str(python), "-c", PARSE, str(page)], capture_output=True, text=True,  # noqa: S603
                          timeout=120, env={"HOME": str(folder), "PATH": "/usr/bin:/bin"}, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pyCEURmake could not parse the index:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":  # by hand: python -m tests.submissions.proceedings.ceur_tools FOLDER index.html
    print(json.dumps(ceur_parse(make_environment(Path(sys.argv[1])), Path(sys.argv[2]).read_text(), Path(sys.argv[1])),
                     indent=2))
