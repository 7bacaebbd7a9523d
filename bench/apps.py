from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed only by the benchmark's settings (``bench.settings``), never in production."""

    name = "bench"
    verbose_name = "Benchmark"
