"""The scale benchmark: a data generator (``manage.py bench_generate``) and the load benchmark
(``bench/run.py``, what ``make bench`` runs). See bench/README.md."""
