"""Tell whether the database was built by this code's migrations (``make run`` calls it before migrate).

Exit status 0: the database is empty or its applied migrations all exist in the code (migrate brings it
up to date). Exit status 3: the database holds migrations of an older layout of Guanqi (apps and models
have moved since); ``make reset-db`` rebuilds it. Nothing is changed either way.
"""

from __future__ import annotations

import sys

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.loader import MigrationLoader

STALE = 3


class Command(BaseCommand):
    help = "Check that the database's applied migrations belong to this code's layout."

    def handle(self, *args, **options):
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        ours = {
            config.label for config in apps.get_app_configs() if config.path.startswith(str(self._root()))
        }
        applied_ours = {(app, name) for app, name in loader.applied_migrations if app in ours}
        stale = sorted(key for key in applied_ours if key not in loader.disk_migrations)
        if not stale:
            self.stdout.write("The database matches this code's migrations.")
            return
        shown = ", ".join(f"{app}.{name}" for app, name in stale[:5])
        self.stderr.write(
            "This database was built by an older layout of Guanqi (applied migrations that no longer "
            f"exist: {shown}{' …' if len(stale) > 5 else ''}). Run `make reset-db` to rebuild it "
            "(it drops the data in this database and loads the demo again)."
        )
        sys.exit(STALE)

    @staticmethod
    def _root():
        from django.conf import settings

        return settings.BASE_DIR
