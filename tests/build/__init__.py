"""Tests of civicgraph.build."""
