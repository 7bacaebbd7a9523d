"""Import enterprises from a CSV or Excel (.xlsx) file: all rows or none (see enterprises.importing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enterprises.importing import import_enterprises
from portal.models import User


class Command(BaseCommand):
    help = "Import enterprises from a .csv or .xlsx file. A file with any invalid row imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .csv or .xlsx file")
        parser.add_argument("--actor", help="username recorded as the registering officer", default=None)

    def handle(self, *args, path, actor=None, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        user = None
        if actor:
            user = User.objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"No user {actor}")
        result = import_enterprises(data=file.read_bytes(), filename=file.name, actor=user)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Nothing was imported: {len(result.errors)} problems in {file.name}.")
        self.stdout.write(self.style.SUCCESS(f"Imported {len(result.created)} enterprises from {file.name}."))
