"""Tests of civicgraph.model."""
