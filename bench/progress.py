"""A progress bar with rows, rate and ETA (rich), or one log line per step when not on a terminal."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} rows/s", style="cyan")


class GenerationProgress:
    """``with progress.step(name, rows) as advance: ... advance(n)``; an overall bar over every step."""

    def __init__(self, total_rows: int, *, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.interactive = self.console.is_terminal
        self.total_rows = total_rows
        self.started = time.perf_counter()
        self.done = 0
        self.progress = Progress(
            TextColumn("{task.description:<58}"),
            BarColumn(bar_width=28),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            disable=not self.interactive,
            refresh_per_second=4,
        )
        self.overall = self.progress.add_task("all steps", total=total_rows)

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        self.progress.__exit__(*exc)

    @contextmanager
    def step(self, name: str, rows: int):
        task = self.progress.add_task(name, total=max(rows, 1))
        start = time.perf_counter()
        written = 0

        def advance(n: int) -> None:
            nonlocal written
            written += n
            self.progress.advance(task, n)
            self.progress.advance(self.overall, n)
            self.done += n

        yield advance
        self.progress.update(task, completed=max(rows, 1))
        elapsed = time.perf_counter() - start
        if not self.interactive:
            total = time.perf_counter() - self.started
            share = min(self.done / self.total_rows, 1.0) if self.total_rows else 1.0
            eta = total / share - total if share > 0 else 0
            rate = f"{written / elapsed:,.0f} rows/s" if elapsed > 0 and written > 1 else ""
            print(
                f"[generate] {name:<58} {written:>12,} rows {elapsed:7.1f}s {rate:>16}  "
                f"total {total:6.0f}s, ETA {eta:5.0f}s",
                file=sys.stderr,
                flush=True,
            )
