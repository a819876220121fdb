"""Benchmarks that print JSON; run each as `python -m bench.NAME` from the repository root."""
