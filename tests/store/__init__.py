"""Tests of civicgraph.store."""
