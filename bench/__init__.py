"""Benchmark of the japan_nato course: start-up, notebooks, checks, store, size, browser.

Run it from the repository root as `python -m bench` (`make bench`); bench/README.md explains
each figure.
"""
