"""``X-Bench-Queries``: the number of SQL statements a response cost; ``X-Bench-CPU-ms``: the CPU time
the worker process spent on it (Python only: the database's own time is not in it). Bench deployment
only. On a shared machine the CPU time is steadier than the wall-clock latency: it does not count the
time the worker waited for a core."""

from __future__ import annotations

import time

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.process_time()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        response["X-Bench-CPU-ms"] = f"{(time.process_time() - started) * 1000:.1f}"
        return response
