"""Backup and restore: the database and every stored file it references, in one directory.

A backup directory holds

    manifest.json        format, created_at, engine; path, SHA-256 and size of the dump and of every file
    database.dump        pg_dump --format=custom (PostgreSQL), or database.sqlite3 (SQLite)
    files/<name>         every file named by a FileField, read through the storage API

The dump comes first and the file list is read from the same snapshot (PostgreSQL:
an exported snapshot that pg_dump shares; SQLite: the copy itself), so the files
are exactly the ones the dump references. Stored names are never reused (uploads
get fresh random names), so copying them after the dump is safe. manifest.json is
written last: a directory without it is an unfinished backup.

The backup holds unpublished papers and reviews: its folders are 0700 and its
files 0600, whatever the umask, and it leaves out the sessions (a copy of
`django_session` would let whoever reads it act as anyone signed in).

`restore` only fills an empty database and a store without those names, checks
every SHA-256 before it writes anything, and reads everything back afterwards;
every path in the manifest must stay inside the backup directory.
The management commands `backup` and `restore` call `backup_create` / `backup_restore`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections, models, transaction
from django.utils import timezone

from workshop.errors import Refused

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_DIR = "files"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
SESSIONS_TABLE = "django_session"
# settings.DATABASES[...]["OPTIONS"] keys that libpq's tools read from the environment.
_LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                  "sslkey": "PGSSLKEY", "service": "PGSERVICE", "passfile": "PGPASSFILE", "options": "PGOPTIONS"}


@dataclass(frozen=True)
class Summary:
    files: int
    bytes: int  # files and dump together
    seconds: float


# ---- backup -----------------------------------------------------------------------------------------------


def backup_create(*, directory: Path, using: str = "default") -> Summary:
    """Write a new backup into `directory` (which must not exist, or be empty)."""
    started = time.monotonic()
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise Refused(f"{directory} already exists and is not empty; give a new directory for the backup.")
    connection = connections[using]
    if connection.vendor not in DUMP_NAMES:
        raise Refused(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    if connection.in_atomic_block:
        raise Refused("A backup must run outside a transaction (it shares its snapshot with pg_dump).")
    columns = _file_columns()
    directory.mkdir(parents=True, exist_ok=True)
    try:
        _private_dir(directory)
        dump = directory / DUMP_NAMES[connection.vendor]
        if connection.vendor == "postgresql":
            names = _dump_postgresql(connection, dump, columns)
        else:
            names = _dump_sqlite(connection, dump, columns)
        files = _copy_out(names, directory / FILES_DIR)
        digest, size = _hash_file(dump)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "database": {"path": dump.name, "sha256": digest, "size": size},
            "files": files,
        }
        with _private_open(directory / MANIFEST) as out:
            out.write((json.dumps(manifest, indent=1) + "\n").encode())
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)  # ours: it was new or empty
        raise
    total = size + sum(entry["size"] for entry in files)
    return Summary(files=len(files), bytes=total, seconds=time.monotonic() - started)


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField of every installed model, all in the default storage."""
    columns = set()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                if field.storage is not default_storage:
                    raise Refused(f"{model._meta.label}.{field.name} uses another storage than the default; "
                                  "the backup only knows the default storage.")
                columns.add((model._meta.db_table, field.column))
    return sorted(columns)


def _referenced_names(cursor, columns: list[tuple[str, str]], quote) -> list[str]:
    names = set()
    for table, column in columns:
        col = quote(column)
        cursor.execute(f"SELECT DISTINCT {col} FROM {quote(table)} WHERE {col} IS NOT NULL AND {col} <> ''")  # noqa: S608 (identifiers from the models)
        names.update(row[0] for row in cursor.fetchall())
    return sorted(names)


def _dump_postgresql(connection, dump: Path, columns) -> list[str]:
    """pg_dump and the file list read the same exported snapshot, so they agree."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _private_open(dump).close()  # pg_dump truncates and fills it, keeping its mode
        _run("pg_dump", ["--format=custom", f"--snapshot={snapshot}", f"--file={dump}",
                         f"--exclude-table-data={SESSIONS_TABLE}"], connection)
        return _referenced_names(cursor, columns, connection.ops.quote_name)


def _dump_sqlite(connection, dump: Path, columns) -> list[str]:
    """SQLite's online backup API copies a consistent snapshot; the file list is read from the copy."""
    source = _sqlite_path(connection)
    _private_open(dump).close()
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(dump)) as dst:
        src.backup(dst)
        tables = {row[0] for row in dst.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if SESSIONS_TABLE in tables:
            dst.execute(f"DELETE FROM {SESSIONS_TABLE}")  # noqa: S608 (a constant)
            dst.commit()
            dst.execute("VACUUM")  # else the deleted rows' pages still hold the session keys
        return _referenced_names(dst.cursor(), columns, connection.ops.quote_name)


def _copy_out(names: list[str], files_dir: Path) -> list[dict]:
    entries, missing = [], []
    for name in names:
        target = _local_path(files_dir, name)
        _private_dirs(files_dir, target.parent)
        try:
            source = default_storage.open(name, "rb")
        except FileNotFoundError:
            missing.append(name)
            continue
        with source, _private_open(target) as out:
            digest, size = _stream(source, out)
        entries.append({"path": name, "sha256": digest, "size": size})
    if missing:
        raise Refused(f"The database references {len(missing)} file(s) the store does not have: "
                      + ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else ""))
    return entries


# ---- restore ----------------------------------------------------------------------------------------------


def backup_restore(*, directory: Path, using: str = "default") -> Summary:
    """Restore a backup into an empty database and a store that has none of its files."""
    started = time.monotonic()
    directory = Path(directory)
    manifest = _read_manifest(directory)
    connection = connections[using]
    # 1. The backup is whole: every byte as the manifest says, before anything is written.
    _verify_local(directory, manifest)
    # 2. The targets are empty.
    if manifest["engine"] != connection.vendor:
        raise Refused(f"This backup is of a {manifest['engine']} database; the target is {connection.vendor}.")
    _refuse_unless_empty(connection)
    taken = [entry["path"] for entry in manifest["files"] if default_storage.exists(entry["path"])]
    if taken:
        raise Refused(f"The store already holds {len(taken)} of the backup's files (e.g. {taken[0]}); "
                      "restore only into an empty store.")
    # 3. Database, then files under their own names.
    dump = _dump_path(directory, manifest)
    if connection.vendor == "postgresql":
        _run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(dump)],
             connection)
    else:
        _restore_sqlite(connection, dump)
    for entry in manifest["files"]:
        name = entry["path"]
        with open(_local_path(directory / FILES_DIR, name), "rb") as fh:
            saved = default_storage.save(name, File(fh, name=name))
        if saved != name:
            raise Refused(f"The store saved {name} as {saved}; restore only into an empty store.")
    # 4. Read everything back.
    for entry in manifest["files"]:
        with default_storage.open(entry["path"], "rb") as fh:
            digest, size = _stream(fh, None)
        if (digest, size) != (entry["sha256"], entry["size"]):
            raise Refused(f"{entry['path']} reads back differently from the store than it was written.")
    with connection.cursor() as cursor:
        restored = _referenced_names(cursor, _file_columns(), connection.ops.quote_name)
    if restored != sorted(entry["path"] for entry in manifest["files"]):
        raise Refused("The restored database references other files than the backup holds.")
    total = manifest["database"]["size"] + sum(entry["size"] for entry in manifest["files"])
    return Summary(files=len(manifest["files"]), bytes=total, seconds=time.monotonic() - started)


def _read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise Refused(f"{path} is missing: {directory} is not a backup, or an unfinished one.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise Refused(f"{path} is not valid JSON ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise Refused(f"{path} has format {found!r}; this version reads format {FORMAT_VERSION}.")
    files = manifest.get("files")
    entries = [manifest.get("database"), *(files if isinstance(files, list) else [None])]
    if not isinstance(manifest.get("engine"), str) or not all(map(_is_entry, entries)):
        raise Refused(f"{path} is not a backup manifest: it needs an engine, and a path, sha256 and size for the "
                      "database and for every file. Nothing was restored.")
    return manifest


def _is_entry(entry) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("path"), str) \
        and isinstance(entry.get("sha256"), str) and isinstance(entry.get("size"), int)


def _dump_path(directory: Path, manifest: dict) -> Path:
    """The database copy, by the same rule as the files: a plain relative path inside the backup."""
    name = manifest["database"]["path"]
    try:
        return _local_path(directory, name)
    except Refused:
        raise Refused(f"Refusing the manifest's database copy {name!r}: it must be a plain relative path inside "
                      f"{directory}, and not a link out of it. Nothing was restored.") from None


def _verify_local(directory: Path, manifest: dict) -> None:
    wanted = [(_dump_path(directory, manifest), manifest["database"])]
    wanted += [(_local_path(directory / FILES_DIR, entry["path"]), entry) for entry in manifest["files"]]
    for path, entry in wanted:
        if not path.is_file():
            raise Refused(f"The backup is incomplete: {path} is missing. Nothing was restored.")
        if _hash_file(path) != (entry["sha256"], entry["size"]):
            raise Refused(f"The backup is damaged: {path} does not match its SHA-256 in the manifest. "
                          "Nothing was restored.")


def _refuse_unless_empty(connection) -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if not tables:
            return
        counts = []
        for table, what in ((get_user_model()._meta.db_table, "users"), ("django_migrations", "applied migrations")):
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts.append(f"{cursor.fetchone()[0]} {what}")
    detail = f" ({', '.join(counts)})" if counts else ""
    raise Refused(f"The database {connection.settings_dict['NAME']} is not empty: it has {len(tables)} tables"
                  f"{detail}. Restore only into a new, empty database (create it and do not run migrate).")


def _restore_sqlite(connection, dump: Path) -> None:
    target = _sqlite_path(connection)
    connection.close()
    with closing(sqlite3.connect(dump)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


# ---- helpers ----------------------------------------------------------------------------------------------


def _sqlite_path(connection) -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise Refused("Backups need an SQLite database in a file.")
    return name


def _run(tool: str, args: list[str], connection) -> None:
    """Run a libpq tool with the connection's settings (the password goes through the environment)."""
    settings = connection.settings_dict
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[var] = str(settings[key])
    for key, value in (settings.get("OPTIONS") or {}).items():
        if key in _LIBPQ_OPTIONS and value:
            env[_LIBPQ_OPTIONS[key]] = str(value)
    executable = shutil.which(tool)
    if executable is None:
        raise Refused(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    command = [executable, f"--dbname={settings['NAME']}", *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise Refused(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def _local_path(root: Path, name: str) -> Path:
    """Where a storage name lives inside the backup; names that would leave it are refused,
    and so are paths that a symbolic link inside the backup leads out of it."""
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or any(part in ("..", ".", "") for part in parts) \
            or "\\" in name or "\x00" in name:
        raise Refused(f"Refusing the stored name {name!r}: it is not a plain relative path.")
    path = root.joinpath(*parts)
    if not path.resolve().is_relative_to(root.resolve()):
        raise Refused(f"Refusing the stored name {name!r}: it leads out of {root} through a symbolic link.")
    return path


def _private_dir(path: Path) -> None:
    os.chmod(path, PRIVATE_DIR)  # exactly, whatever the umask took away or left


def _private_dirs(root: Path, leaf: Path) -> None:
    """`leaf` and every folder from `root` down to it, each 0700."""
    leaf.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    for folder in (leaf, *leaf.parents):
        if not folder.is_relative_to(root):
            break
        _private_dir(folder)


def _private_open(path: Path):
    """A new file only its owner can read (0600 exactly, whatever the umask)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    return os.fdopen(fd, "wb")


def _stream(source, out) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return digest.hexdigest(), size


def _hash_file(path: Path) -> tuple[str, int]:
    with open(path, "rb") as fh:
        return _stream(fh, None)
