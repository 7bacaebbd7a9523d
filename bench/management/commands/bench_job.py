"""``manage.py bench_job NAME OUT.json``: run one daily job over the whole data set, counting its SQL
statements, and write {seconds, processed, queries, ...}. ``outbox`` first writes ``--pending``
undelivered outbox messages and drains them all (``portal.outbox.drain`` batch after batch, as beat
does once a minute); ``announcement-digest`` runs ``outreach.tasks.send_announcement_digests``."""

from __future__ import annotations

import json
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Run one job with timing and query counts (benchmark)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("out")
        parser.add_argument("--pending", type=int, default=100_000, help="outbox: messages to drain")
        parser.add_argument(
            "--budget",
            type=float,
            default=0,
            help="stop a batched job after this many seconds (its kill point) and report the rate so far",
        )

    def handle(self, *args, name, out, pending, budget, **options):
        import inspect

        from portal.jobs import JobInterrupted, default_batch_size
        from portal.management.commands.run_job import available_jobs

        jobs = available_jobs()
        queries: Counter = Counter()

        def counter(execute, sql, params, many, context):
            head = " ".join(sql.split()[:6])[:90]
            queries[head] += 1
            return execute(sql, params, many, context)

        extra: dict = {}
        seen = {"n": 0}
        deadline = {"t": 0.0}

        def kill_point(count: int) -> None:
            seen["n"] += 1
            if budget and time.perf_counter() > deadline["t"]:
                raise JobInterrupted(f"budget of {budget} s spent")

        if name == "outbox":
            self._pending_outbox(pending)
            from portal import outbox

            def run():
                total = 0
                while True:
                    done = outbox.drain(outbox.DRAIN_BATCH)
                    total += done
                    seen["n"] = total
                    if done == 0:
                        return total
                    if budget and time.perf_counter() > deadline["t"]:
                        raise JobInterrupted(f"budget of {budget} s spent")

            extra["batch"] = 500
        elif name == "announcement-digest":
            from outreach.tasks import send_announcement_digests

            def run():
                return send_announcement_digests()

        elif name in jobs:
            function = jobs[name]
            takes_kill_point = "kill_point" in inspect.signature(function).parameters

            def run():
                return function(kill_point=kill_point) if takes_kill_point else function()
        else:
            raise CommandError(f"unknown job {name}")
        started = time.perf_counter()
        deadline["t"] = started + budget
        interrupted = False
        with connection.execute_wrapper(counter):
            try:
                outcome = run()
            except JobInterrupted:
                interrupted, outcome = True, seen["n"]
        seconds = time.perf_counter() - started
        if isinstance(outcome, int):
            processed, skipped, failed = outcome, 0, 0
        else:
            processed, skipped, failed = outcome.processed, outcome.skipped, outcome.failed
        total_queries = sum(queries.values())
        result = {
            "job": name,
            "seconds": round(seconds, 2),
            "processed": processed,
            "skipped": skipped,
            "failed": failed,
            "queries": total_queries,
            "batch_size": default_batch_size(),
            "rows_per_second": round((processed + skipped) / seconds, 1) if seconds > 0 else None,
            "queries_per_row": round(total_queries / (processed + skipped), 1)
            if processed + skipped
            else None,
            "interrupted": interrupted,
            "top_statements": queries.most_common(12),
            **extra,
        }
        with open(out, "w") as f:
            json.dump(result, f, indent=1, ensure_ascii=False)
        self.stdout.write(json.dumps({k: v for k, v in result.items() if k != "top_statements"}))

    def _pending_outbox(self, count: int) -> None:
        """``count`` undelivered e-mail notifications in the outbox (as after a Redis outage)."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO portal_outboxmessage (task_name, kwargs, dedupe_key, created_at, dispatched_at, attempts,
                    last_error)
                SELECT 'portal.send_notification_email', jsonb_build_object('notification_id', id), NULL,
                       now() - interval '1 hour' + rn * interval '1 millisecond', NULL, 1, 'Error 111 connecting'
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn
                      FROM (SELECT id FROM portal_notification ORDER BY id DESC LIMIT %s) latest) x
                """,
                [count],
            )
