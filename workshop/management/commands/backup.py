from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workshop.errors import Refused
from workshop.ops.backup import backup_create


class Command(BaseCommand):
    help = ("Back up the database (pg_dump, or SQLite's backup API) and every stored file it references "
            "into a new directory, with a manifest of SHA-256 sums.")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A new (or empty) directory for the backup.")

    def handle(self, *args, directory, **options):
        try:
            summary = backup_create(directory=directory)
        except Refused as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Backup in {directory}: database and {summary.files} files, {summary.bytes} bytes, "
            f"{summary.seconds:.2f} s. Only this account can read it; sessions are left out "
            "(after a restore everyone signs in again)."))
