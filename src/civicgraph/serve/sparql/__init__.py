"""The read-only SPARQL 1.1 Protocol endpoint: `server` (HTTP), `pool` (the worker processes
that each hold the store open and run one query at a time) and `results` (the W3C result
formats and content negotiation)."""
