"""Benchmark suite (issue 8); run `python -m bench --help`, read docs/benchmarks.md."""
