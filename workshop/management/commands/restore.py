from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workshop.errors import Refused
from workshop.ops.backup import backup_restore


class Command(BaseCommand):
    help = ("Restore a backup made by `backup` into an EMPTY database and a store without its files; "
            "every SHA-256 is checked before anything is written, and again after.")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A directory written by `manage.py backup`.")

    def handle(self, *args, directory, **options):
        try:
            summary = backup_restore(directory=directory)
        except Refused as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored from {directory}: database and {summary.files} files, {summary.bytes} bytes, "
            f"{summary.seconds:.2f} s; every SHA-256 read back and matched."))
