"""Tests of civicgraph.explorer."""
