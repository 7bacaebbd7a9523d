"""Run a scheduled job now, for demos and operators: ``manage.py run_job <name>``.

Jobs are found in each installed app's ``tasks.py`` (a ``JOBS`` dict: name -> function returning a
``JobResult``). Without a name the command lists them; an unknown name is a clear error (exit 1).
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from portal.exceptions import DomainError


def available_jobs() -> dict:
    jobs: dict = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tasks":
                raise
            continue
        jobs.update(getattr(module, "JOBS", {}))
    return dict(sorted(jobs.items()))


class Command(BaseCommand):
    help = "Run a scheduled job (e.g. the abnormal-list or re-certification job) now. Without a name, list the jobs."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="the job to run")
        parser.add_argument(
            "--batch-size", type=int, default=None, help="rows per transaction (default: the job's)"
        )

    def handle(self, *args, name=None, batch_size=None, **options):
        jobs = available_jobs()
        if not name:
            self.stdout.write("Available jobs:")
            for job_name, function in jobs.items():
                summary = (function.__doc__ or "").strip().splitlines()
                self.stdout.write(f"  {job_name}" + (f"  — {summary[0]}" if summary else ""))
            return
        if name not in jobs:
            raise CommandError(f"Unknown job “{name}”. Available jobs: {', '.join(jobs)}.")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be a positive number.")
        kwargs = {"batch_size": batch_size} if batch_size else {}
        try:
            result = jobs[name](**kwargs)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{name}: {result.processed} done, {result.skipped} already done or not due, {result.failed} refused"
            )
        )
