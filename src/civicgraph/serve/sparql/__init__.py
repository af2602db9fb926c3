"""The read-only SPARQL 1.1 Protocol endpoint: `server` (HTTP, limits worded, `/health`),
`pool` (the worker processes, each query bounded in time and memory, slow queries kept to
a few slots), `worker` (one process holding the current build open, one job at a time),
`answers` (what a worker does with a job) and `results` (the W3C result formats and
content negotiation)."""
