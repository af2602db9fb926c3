"""Tests of civicgraph.cli."""
