"""Benchmarks of civicgraph against the naive stack (rdflib in memory + networkx).

Run `uv run --group bench python -m bench` (the group adds matplotlib for the plot); see
`bench/__main__.py` and bench/RESULTS.md.
"""
