"""Tests of civicgraph.graph."""
