"""Two worlds: a leak test that needs no idea of where the leak might be.

Build two databases that differ ONLY in something a viewer must not learn,
let that viewer crawl the site in each (pages, htmx fragments, GET filter
forms, CSV exports, PDF downloads), and compare everything they got. Any
difference is information about the hidden thing: a leak.

    differences = compare_worlds(build, persona="reviewer", start_urls=["/"])
    assert_no_differences(differences)  # fails with each differing URL and a short diff

`build(variant)` gets "a" or "b", creates that world in an empty (seeded)
database and returns a dict of named objects; `persona` names the viewer in it
(None: an anonymous visitor). `build` may instead return the viewer's User.
Both worlds are built from the same migrated seed with sequences reset, so ids
and paper numbers match, and with the clock frozen, so timestamps match. Only
per-request noise is masked (CSRF tokens, CSP nonces, one-time form tokens);
names, numbers, counts and dates are compared as they are, because masking
them could hide exactly the leak we look for.

Tests that use it need `@pytest.mark.django_db(transaction=True)`: the
database is emptied between the worlds.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import os
import re
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.management import create_default_site
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management.color import no_style
from django.db import connection, models
from django.db.backends.signals import connection_created
from django.test import Client

from tests.seeds import seed_migrated_defaults

# Both worlds live at this instant (the clock does not tick), so every
# auto_now, "3 days left" and "late" is computed alike in both.
FROZEN_AT = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
MAX_URLS = 300
# Send every filter form once per option of each select (see compare_worlds).
VARY_FORMS = os.environ.get("LEAKS_VARY_FORMS", "") not in ("", "0")

# Never requested: sign-out (it would end the persona's session), the admin and
# allauth's account pages (not ours, and some change state on GET), static files.
SKIP_PATTERNS = (
    r"^/admin/", r"^/accounts/", r"logout", r"sign-?out", r"^/static/", r"^/media-not-served/",
)

# Kept through a reset: the content-type cache of this process points at these rows.
_KEEP_TABLES = {ContentType._meta.db_table, Permission._meta.db_table}

Url = str | Callable[[dict], str]


# --- The database ---------------------------------------------------------------------


def reset_database() -> None:
    """Empty every table, restart the id sequences, and put back what the
    migrations seed (the workshop, its topics and vocabularies, the review form,
    the outcomes and mail templates)
    and the Site row allauth needs."""
    tables = [t for t in connection.introspection.django_table_names(only_existing=True, include_views=False)
              if t not in _KEEP_TABLES]
    if connection.vendor == "postgresql":
        # sql_flush is TRUNCATE here, which makes new files for every table: about
        # a second for our 38. The same reset by DELETE and setval takes 20 ms.
        sequences = [s for s in connection.introspection.sequence_list() if s["table"] in tables]
        statements = ["SET CONSTRAINTS ALL DEFERRED",
                      *(f"DELETE FROM {connection.ops.quote_name(t)}" for t in tables),  # noqa: S608 - our tables
                      *connection.ops.sequence_reset_by_name_sql(no_style(), sequences)]
    else:
        statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    connection.ops.execute_sql_flush(statements)
    create_default_site(apps.get_app_config("sites"), verbosity=0)
    seed_migrated_defaults()
    # What a world left in a process-local cache goes too. A shared cache (Redis,
    # also the Celery broker) is not wiped: nothing the crawl reads is cached there.
    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@contextmanager
def _no_fsync() -> Iterator[None]:
    """Commits without waiting for the disk while worlds are built and crawled:
    a world is a few hundred small autocommitted writes, and the test database
    is thrown away anyway. Every connection opened meanwhile gets it too (Django
    closes the connection after each request), and so does the one left open
    afterwards, which the test's closing flush then uses."""

    def relax(sender=None, connection=connection, **kwargs):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous = OFF")
                cursor.execute("PRAGMA journal_mode = MEMORY")
            elif connection.vendor == "postgresql":
                cursor.execute("SET synchronous_commit TO off")

    connection_created.connect(relax)
    try:
        relax()
        yield
    finally:
        connection_created.disconnect(relax)
        relax()


# --- What a persona sees --------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One response, reduced to what may be compared across worlds."""

    status: int
    content_type: str
    disposition: str
    location: str
    body: str  # normalised text, or "sha256 <hex>, <n> bytes" for binary content


@dataclass(frozen=True)
class Request:
    url: str
    htmx: bool = False

    def __str__(self) -> str:
        return f"GET {self.url}" + (" (HX-Request)" if self.htmx else "")


@dataclass(frozen=True)
class Difference:
    request: str  # "GET /submissions/1/" or "GET /x (HX-Request)"
    what: str  # reached / status / content type / content disposition / redirect / body
    detail: str  # the values, or a short unified diff of the bodies

    def __str__(self) -> str:
        return f"{self.request}: {self.what} differs\n{self.detail}"


_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")

_MASKS = (
    # The CSRF token is new for every session (hidden inputs and the htmx header on <body>).
    (re.compile(r'(<input\b[^>]*\bname="csrfmiddlewaretoken"[^>]*\bvalue=")[^"]*'), r"\1<csrf>"),
    (re.compile(r'(<input\b[^>]*\bvalue=")[^"]*("[^>]*\bname="csrfmiddlewaretoken")'), r"\1<csrf>\2"),
    (re.compile(r'("X-CSRFToken"\s*:\s*")[^"]*'), r"\1<csrf>"),
    # CSP nonces are new for every response.
    (re.compile(r'(\bnonce=")[^"]*'), r"\1<nonce>"),
    # The registration form's one-time token against double clicks: random per request.
    (re.compile(r'(<input\b[^>]*\bname="token"[^>]*\bvalue=")[A-Za-z0-9_-]{20,}'), r"\1<form-token>"),
)


def normalise(text: str, *, html: bool) -> str:
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    # HTML gets one tag per line, so a diff points at the element that differs.
    return re.sub(r">\s*<", ">\n<", text) if html else text


def _page(response) -> Page:
    # The test client closes the response (and any file behind it) once its content
    # is read, without closing the database connection as a real request end would.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    media_type = content_type.split(";")[0].strip()
    if media_type.startswith(_TEXT_TYPES):
        body = normalise(content.decode(response.charset or "utf-8", errors="replace"),
                         html=media_type == "text/html")
    else:
        body = f"sha256 {hashlib.sha256(content).hexdigest()}, {len(content)} bytes"
    return Page(status=response.status_code, content_type=content_type,
                disposition=response.get("Content-Disposition", ""), location=response.get("Location", ""),
                body=body)


# --- Finding links ---------------------------------------------------------------------


class _Links(HTMLParser):
    """hrefs, hx-get targets and GET forms (with their fields) of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.htmx: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("href"):
            self.links.append(attributes["href"])
        if attributes.get("hx-get"):
            self.htmx.append(attributes["hx-get"])
        if tag == "form":
            get = (attributes.get("method") or "get").lower() == "get"
            self._form = {"action": attributes.get("action") or "", "fields": []} if get else None
            if get:
                self.forms.append(self._form)
            return
        if self._form is None or attributes.get("disabled") is not None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self._form["fields"].append({"name": name, "value": attributes.get("value") or "", "options": []})
        elif tag == "textarea" and name:
            self._form["fields"].append({"name": name, "value": "", "options": []})
        elif tag == "select" and name:
            self._select = {"name": name, "value": None, "options": []}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None and attributes.get("disabled") is None:
            value = attributes.get("value") or ""
            self._select["options"].append(value)
            if self._select["value"] is None or "selected" in attributes:
                self._select["value"] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _form_urls(form: dict, page_url: str, *, vary: bool) -> list[str]:
    """The form sent as it stands; with `vary`, also once for each other option
    of each select (the other fields as they stand): every filter a person can pick."""
    action = urljoin(page_url, form["action"]).split("?")[0].split("#")[0]
    fields = form["fields"]
    default = [(f["name"], f["value"] or "") for f in fields]
    urls = [f"{action}?{urlencode(default)}"]
    if vary:
        for i, field in enumerate(fields):
            for option in field["options"]:
                if option != field["value"]:
                    varied = default[:i] + [(field["name"], option)] + default[i + 1:]
                    urls.append(f"{action}?{urlencode(varied)}")
    return urls


def _same_site(url: str) -> str | None:
    """The path and query of a URL on this site, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https"):
        return None
    own_hosts = {"testserver", urlsplit(settings.SITE_URL).netloc}
    if parts.netloc and parts.netloc not in own_hosts:
        return None
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


# --- Crawling --------------------------------------------------------------------------


@dataclass
class Crawl:
    pages: dict[Request, Page]
    truncated: bool


def crawl(client: Client, seeds: Iterable[Request], *, max_urls: int = MAX_URLS,
          skip: Sequence[str] = SKIP_PATTERNS, vary_forms: bool = False) -> Crawl:
    """Breadth-first over everything the persona can reach by GET from `seeds`."""
    skipped = [re.compile(p) for p in skip]
    queue: list[Request] = []
    seen: set[Request] = set()
    varied: set[tuple] = set()  # each filter form is expanded once, not again on every filtered page

    def add(request: Request) -> None:
        if request in seen or any(p.search(request.url) for p in skipped):
            return
        seen.add(request)
        queue.append(request)

    for seed in seeds:
        add(seed)
    pages: dict[Request, Page] = {}
    truncated = False
    while queue:
        if len(pages) >= max_urls:
            truncated = True
            break
        request = queue.pop(0)
        headers = {"HX-Request": "true"} if request.htmx else {}
        response = client.get(request.url, headers=headers)
        page = pages[request] = _page(response)
        if page.location:
            target = _same_site(urljoin(request.url, page.location))
            if target:
                add(Request(target))
        if not page.content_type.startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(page.body)
        found = [Request(u) for u in parser.links]
        found += [Request(u, htmx=True) for u in parser.htmx]
        for form in parser.forms:
            key = (urljoin(request.url, form["action"]).split("?")[0], tuple(f["name"] for f in form["fields"]))
            vary = vary_forms and key not in varied
            varied.add(key)
            found += [Request(u) for u in _form_urls(form, request.url, vary=vary)]
        for link in found:
            target = _same_site(urljoin(request.url, link.url.split("#")[0]))
            if target:
                add(Request(target, htmx=link.htmx))
    return Crawl(pages=pages, truncated=truncated)


# --- Comparing -------------------------------------------------------------------------


def _diff(a: str, b: str, *, lines: int = 40) -> str:
    diff = list(difflib.unified_diff(a.splitlines(), b.splitlines(), "world a", "world b", n=2, lineterm=""))
    cut = diff[:lines] + ([f"... ({len(diff) - lines} more diff lines)"] if len(diff) > lines else [])
    return "\n".join(line if len(line) <= 300 else line[:300] + " ..." for line in cut)


def compare_crawls(a: Crawl, b: Crawl) -> list[Difference]:
    differences = []
    for request in sorted(a.pages.keys() | b.pages.keys(), key=lambda r: (r.url, r.htmx)):
        page_a, page_b = a.pages.get(request), b.pages.get(request)
        if page_a is None or page_b is None:
            differences.append(Difference(str(request), "reached", "reached in world a only" if page_b is None
                                          else "reached in world b only"))
            continue
        for what, attribute in (("status", "status"), ("content type", "content_type"),
                                ("content disposition", "disposition"), ("redirect", "location")):
            value_a, value_b = getattr(page_a, attribute), getattr(page_b, attribute)
            if value_a != value_b:
                differences.append(Difference(str(request), what, f"world a: {value_a!r}\nworld b: {value_b!r}"))
        if page_a.body != page_b.body:
            differences.append(Difference(str(request), "body", _diff(page_a.body, page_b.body)))
    return differences


def _resolve(url: Url, world: dict) -> str:
    return url(world) if callable(url) else url


@contextmanager
def _repeatable_ids() -> Iterator[None]:
    """Random ids by default (UUIDField(default=uuid4): the outbox's opaque
    mail ids) come out as one fixed sequence in every world, like the clock."""
    counter = itertools.count(1)
    fields = [f for model in apps.get_models() for f in model._meta.concrete_fields
              if isinstance(f, models.UUIDField) and f.default is uuid.uuid4]

    def set_default(field, default):
        field.default = default
        field.__dict__.pop("_get_default", None)  # Django caches the default's callable

    for field in fields:
        set_default(field, lambda: uuid.UUID(int=next(counter)))
    try:
        yield
    finally:
        for field in fields:
            set_default(field, uuid.uuid4)


def visit(build: Callable[[str], dict], variant: str, *, persona: str | None, start_urls: Sequence[Url],
          extra_urls: Sequence[Url] = (), fragment_urls: Sequence[Url] = (), max_urls: int = MAX_URLS,
          skip: Sequence[str] = SKIP_PATTERNS, vary_forms: bool = False) -> Crawl:
    """Reset the database, build one world and crawl it as `persona`."""
    reset_database()
    with _repeatable_ids():
        world = build(variant)
        if not isinstance(world, dict):  # build returned the persona itself
            world = {"persona": world}
            persona = "persona"
        client = Client()
        if persona is not None:
            client.force_login(world[persona])
        seeds = [Request(_resolve(u, world)) for u in (*start_urls, *extra_urls)]
        seeds += [Request(_resolve(u, world), htmx=True) for u in fragment_urls]
        return crawl(client, seeds, max_urls=max_urls, skip=skip, vary_forms=vary_forms)


# World a's crawl, by `reuse_a` key and crawl parameters (see compare_worlds).
_crawls_of_a: dict[Hashable, Crawl] = {}


def compare_worlds(build: Callable[[str], dict], *, persona: str | None, start_urls: Sequence[Url],
                   extra_urls: Sequence[Url] = (), fragment_urls: Sequence[Url] = (),
                   max_urls: int = MAX_URLS, skip: Sequence[str] = SKIP_PATTERNS,
                   vary_forms: bool | None = None, reuse_a: Hashable | None = None) -> list[Difference]:
    """Build world "a" and world "b" with `build`, crawl each as `persona`, and
    return every difference in what that persona got.

    start_urls: where the crawl begins (usually "/"); every same-site href,
        hx-get (sent with HX-Request: true), redirect and GET form (sent as it
        stands) is followed from there.
    extra_urls: URLs to fetch (and crawl from) although no page may link them:
        direct object URLs an outsider could type, exports.
    fragment_urls: URLs to fetch as htmx requests (HX-Request: true).
    vary_forms: also send each GET form once per other option of each of its
        selects (every filter a person can pick). Thorough but slow (the
        vocabulary filter alone has 34 options), so off unless asked for here
        or with LEAKS_VARY_FORMS=1 in the environment.
    reuse_a: a key for world a. Calls with the same key, persona and crawl
        parameters crawl world a once per test process and compare their
        world b with that crawl. Give it only when `build("a")` is the same
        world in all of them (scenarios sharing one base world).
    A URL may be a callable taking the world's dict. Up to `max_urls` requests
    per world; URLs matching `skip` (regexes) are never requested.
    """
    kwargs = {"persona": persona, "start_urls": start_urls, "extra_urls": extra_urls,
              "fragment_urls": fragment_urls, "max_urls": max_urls, "skip": skip,
              "vary_forms": VARY_FORMS if vary_forms is None else vary_forms}
    key = None if reuse_a is None else (reuse_a, *((k, tuple(v) if isinstance(v, list | tuple) else v)
                                                   for k, v in kwargs.items()))
    with time_machine.travel(FROZEN_AT, tick=False), _no_fsync():
        world_a = _crawls_of_a.get(key) if key is not None else None
        if world_a is None:
            world_a = visit(build, "a", **kwargs)
            if key is not None:
                _crawls_of_a[key] = world_a
        world_b = visit(build, "b", **kwargs)
    differences = compare_crawls(world_a, world_b)
    if world_a.truncated != world_b.truncated:
        differences.append(Difference("(crawl)", "size", f"stopped at {max_urls} URLs in world "
                                      f"{'a' if world_a.truncated else 'b'} only"))
    return differences


def report(differences: Sequence[Difference], *, limit: int = 8) -> str:
    """What a failing test prints: each differing URL with a short diff."""
    shown = "\n\n".join(str(d) for d in differences[:limit])
    more = f"\n\n... and {len(differences) - limit} more differences" if len(differences) > limit else ""
    urls = sorted({d.request for d in differences})
    return f"{len(differences)} differences on {len(urls)} URLs:\n" + "\n".join(urls) + "\n\n" + shown + more


def assert_no_differences(differences: Sequence[Difference]) -> None:
    """Fail with the report (URLs and short diffs), without pytest's own dump of the list."""
    if differences:
        pytest.fail(report(differences), pytrace=False)
