"""manage.py backup / restore: a backup restored into a genuinely empty second
database and media folder (a new process, as an operator would run it) brings
back every paper, review and PDF version, byte for byte. Runs on PostgreSQL
(pg_dump / pg_restore) and on SQLite (the backup API)."""

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from reviews.models import Review, ReviewStatus
from submissions.models import PdfVersion, Submission
from submissions.services.papers import pdf_upload
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from tests.submissions import pdf_corpus
from workshop.selectors import workshop_current

ROOT = Path(__file__).resolve().parents[3]

# Committed data, so pg_dump (another session) sees it; the backup refuses to run inside a transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_workshop():
    workshop = workshop_current()
    now = timezone.now()
    workshop.submission_opens = now - timedelta(days=10)
    workshop.abstract_deadline = now + timedelta(days=3)
    workshop.paper_deadline = now + timedelta(days=7)
    workshop.review_deadline = now + timedelta(days=30)
    workshop.save()
    return workshop


def _papers(workshop, *, count: int, versions: int, reviews: int) -> None:
    """`count` papers with `versions` PDF uploads each (upload and reviewer copy: two files) and
    `reviews` submitted reviews each."""
    reviewers = [UserFactory() for _ in range(reviews)]
    for reviewer in reviewers:
        RoleFactory(user=reviewer, name="pc")
    for _ in range(count):
        author = UserFactory()
        paper = SubmissionFactory(created_by=author)
        for body_pages in range(2, 2 + versions):
            pdf_upload(submission=paper, by=author, data=pdf_corpus.paper(body_pages=body_pages),
                       filename=f"draft-{body_pages}.pdf", workshop=workshop)
        for reviewer in reviewers:
            Review.objects.create(submission=paper, reviewer=reviewer, status=ReviewStatus.SUBMITTED,
                                  submitted_at=timezone.now(), values={"overall_merit": "3", "summary": "Fine."})


@dataclass
class Target:
    """An empty database of the tests' engine (as a DATABASE_URL) and an empty media folder."""

    url: str
    media: Path
    connect: object  # () -> DB-API connection to the target database

    def rows(self, sql: str) -> list[tuple]:
        with closing(self.connect()) as db, closing(db.cursor()) as cursor:
            cursor.execute(sql)
            return sorted(tuple(row) for row in cursor.fetchall())

    def select(self, model, *columns: str) -> list[tuple]:
        """Sorted rows of a model's table in the target database."""
        return self.rows(f"SELECT {', '.join(columns)} FROM {model._meta.db_table}")  # noqa: S608 (our names)

    def tables(self) -> list[str]:
        if self.url.startswith("sqlite"):
            return [row[0] for row in self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [row[0] for row in self.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]


@pytest.fixture
def empty_target(tmp_path):
    media = tmp_path / "restored-media"
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield Target(url=f"sqlite:///{path}", media=media, connect=lambda: sqlite3.connect(path))
        return
    import psycopg2

    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    server = {"host": params["HOST"] or "localhost", "port": params["PORT"] or 5432,
              "user": params["USER"], "password": params["PASSWORD"]}

    def admin(sql):
        with closing(psycopg2.connect(dbname="postgres", **server)) as db:
            db.autocommit = True
            with db.cursor() as cursor:
                cursor.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    credentials = quote(server["user"] or "", safe="") + (f":{quote(server['password'], safe='')}"
                                                           if server["password"] else "")
    yield Target(url=f"postgres://{credentials}@{server['host']}:{server['port']}/{name}", media=media,
                 connect=lambda: psycopg2.connect(dbname=name, **server))
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restore_in_new_process(target: Target, backup: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": target.url, "MEDIA_ROOT": str(target.media)}
    env.pop("AWS_STORAGE_BUCKET_NAME", None)  # the local media folder, whatever the shell had
    return subprocess.run([sys.executable, "manage.py", "restore", str(backup)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stored_files() -> dict[str, str]:
    names = [name for pair in PdfVersion.objects.values_list("file", "reviewer_file") for name in pair if name]
    return {name: _sha256(default_storage.open(name).read()) for name in names}


def _files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def test_backup_then_restore_into_an_empty_database_brings_back_every_paper_review_and_file(
    open_workshop, empty_target, tmp_path, capsys,
):
    _papers(open_workshop, count=3, versions=2, reviews=2)
    paper_columns = ("id", "title", "created_by_id")
    review_columns = ("id", "submission_id", "reviewer_id", "status")
    version_columns = ("id", "submission_id", "file", "reviewer_file", "sha256", "reviewer_sha256")
    papers = sorted(Submission.objects.values_list(*paper_columns))
    reviews = sorted(Review.objects.values_list(*review_columns))
    versions = sorted(PdfVersion.objects.values_list(*version_columns))
    files = _stored_files()

    call_command("backup", tmp_path / "backup")
    restored = _restore_in_new_process(empty_target, tmp_path / "backup")

    assert restored.returncode == 0, restored.stderr
    assert f"database and {len(files)} files" in capsys.readouterr().out
    assert f"{len(files)} files" in restored.stdout
    assert (len(papers), len(reviews), len(versions), len(files)) == (3, 6, 6, 12)
    assert empty_target.select(Submission, *paper_columns) == papers
    assert empty_target.select(Review, *review_columns) == reviews
    assert empty_target.select(PdfVersion, *version_columns) == versions
    restored_files = {path.relative_to(empty_target.media).as_posix(): _sha256(path.read_bytes())
                      for path in _files_under(empty_target.media)}
    assert restored_files == files
    assert {(restored_files[file], restored_files[reviewer_file]) for _, _, file, reviewer_file, *_ in versions} \
        == {(sha, reviewer_sha) for *_, sha, reviewer_sha in versions}


def test_restore_into_a_database_with_data_is_refused(open_workshop, tmp_path, settings):
    _papers(open_workshop, count=1, versions=1, reviews=0)
    call_command("backup", tmp_path / "backup")
    settings.MEDIA_ROOT = tmp_path / "other-media"
    before = Submission.objects.count()

    with pytest.raises(CommandError, match=r"is not empty: it has \d+ tables \(\d+ users, \d+ applied migrations\)"):
        call_command("restore", tmp_path / "backup")

    assert Submission.objects.count() == before == 1
    assert _files_under(tmp_path / "other-media") == []


def test_restore_of_a_tampered_backup_is_refused_naming_the_file_and_writes_nothing(
    open_workshop, empty_target, tmp_path,
):
    _papers(open_workshop, count=1, versions=1, reviews=0)
    call_command("backup", tmp_path / "backup")
    tampered = _files_under(tmp_path / "backup" / "files")[0]
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))

    restored = _restore_in_new_process(empty_target, tmp_path / "backup")

    assert restored.returncode != 0
    assert f"The backup is damaged: {tampered} does not match its SHA-256" in restored.stderr
    assert empty_target.tables() == []
    assert _files_under(empty_target.media) == []


# ---- issue 17, item 8: private, without sessions, and only its own paths ---------------------------------


def test_backup_is_readable_only_by_its_owner_whatever_the_umask(open_workshop, tmp_path):
    _papers(open_workshop, count=1, versions=1, reviews=0)
    backup = tmp_path / "backups" / "today"
    umask = os.umask(0o002)  # group-writable, as on many shared hosts
    try:
        call_command("backup", backup)
    finally:
        os.umask(umask)

    entries = [backup, *backup.rglob("*")]
    assert {stat.S_IMODE(path.stat().st_mode) for path in entries if path.is_dir()} == {0o700}
    assert {stat.S_IMODE(path.stat().st_mode) for path in entries if path.is_file()} == {0o600}
    assert len([path for path in entries if path.is_file()]) == 4  # database, manifest, the PDF and its copy


def test_backup_leaves_out_the_sessions_of_signed_in_people(open_workshop, empty_target, tmp_path, capsys):
    client = Client()
    client.force_login(UserFactory())
    key = client.session.session_key

    call_command("backup", tmp_path / "backup")
    restored = _restore_in_new_process(empty_target, tmp_path / "backup")

    assert restored.returncode == 0, restored.stderr
    assert Session.objects.filter(session_key=key).count() == 1  # the site itself keeps its sessions
    assert empty_target.rows("SELECT session_key FROM django_session") == []
    assert [path.name for path in _files_under(tmp_path / "backup") if key.encode() in path.read_bytes()] == []
    assert "sessions are left out" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["parent folder", "absolute path", "symbolic link"])
def test_restore_refuses_a_database_copy_outside_the_backup(open_workshop, empty_target, tmp_path, where):
    call_command("backup", tmp_path / "backup")
    manifest_file = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    dump = tmp_path / "backup" / manifest["database"]["path"]
    elsewhere = tmp_path / f"elsewhere{dump.suffix}"
    dump.rename(elsewhere)
    if where == "symbolic link":
        dump.symlink_to(elsewhere)
    else:
        manifest["database"]["path"] = f"../{elsewhere.name}" if where == "parent folder" else str(elsewhere)
        manifest_file.write_text(json.dumps(manifest))

    restored = _restore_in_new_process(empty_target, tmp_path / "backup")

    assert restored.returncode != 0
    assert (f"Refusing the manifest's database copy {manifest['database']['path']!r}: it must be a plain relative "
            "path inside") in restored.stderr
    assert empty_target.tables() == []


def test_restore_of_a_manifest_without_its_database_entry_says_so(open_workshop, tmp_path):
    call_command("backup", tmp_path / "backup")
    manifest_file = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    del manifest["database"]
    manifest_file.write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="is not a backup manifest: it needs an engine, and a path, sha256"):
        call_command("restore", tmp_path / "backup")
