"""``manage.py bench_generate``: fill the (empty, migrated) database with the benchmark's data set.

Loads the demo organisation first (``load_demo``), then writes the generated rows set-based
(bench/generate.py) with a progress bar, and checks the result (bench/checks.py). Sizes by flags; the
defaults are the product's real size (1,000,000 enterprises).
"""

from __future__ import annotations

import json
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from bench.checks import check_generated
from bench.generate import Generator, Sizes
from bench.progress import GenerationProgress


class Command(BaseCommand):
    help = "Generate the benchmark's data set (sizes by flags) in the current, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=1_000_000)
        parser.add_argument("--requests", type=int, default=None, help="default: 2 per enterprise")
        parser.add_argument("--appeals", type=int, default=None, help="default: 0.2 per enterprise")
        parser.add_argument("--abnormal", type=int, default=None, help="default: 0.1 per enterprise")
        parser.add_argument("--coordinators", type=int, default=None, help="default: 1 per 500 enterprises")
        parser.add_argument("--aeo-share", type=float, default=0.01, help="advanced certified (default 1%%)")
        parser.add_argument("--report-years", type=int, default=3)
        parser.add_argument("--messages-per-request", type=float, default=2.0)
        parser.add_argument("--backlog-days", type=int, default=7, help="days since the daily jobs last ran")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--report", help="write the generation report (JSON) to this file")

    def handle(self, *args, **o):
        from enterprises.models import Enterprise

        if Enterprise.objects.filter(uscc__startswith="91", customs_code__regex=r"^\d\d3\d{7}$").exists():
            raise CommandError("This database already holds generated data: generate into a fresh database.")
        started = time.perf_counter()
        if not Enterprise.objects.exists():
            self.stderr.write("[generate] loading the demo organisation (load_demo) ...")
            call_command("load_demo", verbosity=0)
        sizes = Sizes(
            enterprises=o["enterprises"],
            requests=o["requests"],
            appeals=o["appeals"],
            abnormal=o["abnormal"],
            coordinators=o["coordinators"],
            aeo_share=o["aeo_share"],
            report_years=o["report_years"],
            messages_per_request=o["messages_per_request"],
            backlog_days=o["backlog_days"],
        )
        generator = Generator(sizes, seed=o["seed"])
        total = sum(step.rows for step in generator.plan()) + 200
        with GenerationProgress(total) as progress:
            report = generator.run(progress)
        checks = check_generated(generator)
        seconds = time.perf_counter() - started
        result = {
            "sizes": sizes.__dict__,
            "seconds": round(seconds, 1),
            "steps": [{"step": n, "rows": r, "seconds": round(t, 1)} for n, r, t in report.steps],
            "counts": checks["counts"],
            "checks": checks["checks"],
        }
        if o["report"]:
            with open(o["report"], "w") as f:
                json.dump(result, f, indent=2, ensure_ascii=False, default=str)
        for name, count in checks["counts"].items():
            self.stdout.write(f"  {name:<40} {count:>14,}")
        failed = [c for c in checks["checks"] if not c["ok"]]
        for c in checks["checks"]:
            self.stdout.write(f"  check {'ok  ' if c['ok'] else 'FAIL'} {c['name']}: {c['detail']}")
        self.stdout.write(f"Generated in {seconds:,.0f} s.")
        if failed:
            raise CommandError(f"{len(failed)} checks of the generated data failed.")
