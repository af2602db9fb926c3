"""Benchmarks of civicgraph against the naive stack (rdflib in memory + networkx).

Run `uv run python -m bench`; see `bench/__main__.py` and bench/RESULTS.md.
"""
