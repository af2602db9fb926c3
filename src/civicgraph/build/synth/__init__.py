"""Synthetic datasets in the format of `data/`, for benchmarks: `generator` writes records
and source texts that cite each other exactly, from the invented words in `words`."""
