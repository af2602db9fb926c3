"""Tests of civicgraph.serve."""
