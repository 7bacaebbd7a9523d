"""Drop every table of the configured database (its ``public`` schema) so that ``migrate`` rebuilds it:
what ``make reset-db`` runs after a change of layout. Asks for confirmation unless ``--no-input``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Drop all tables of the database (DROP SCHEMA public CASCADE) so migrate can rebuild it."

    def add_arguments(self, parser):
        parser.add_argument("--no-input", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, no_input=False, **options):
        name = connection.settings_dict["NAME"]
        if not no_input:
            answer = input(f"Drop every table of the database “{name}”? Type the database name to confirm: ")
            if answer.strip() != name:
                raise CommandError("Nothing was dropped.")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        self.stdout.write(self.style.SUCCESS(f"Dropped every table of “{name}”."))
