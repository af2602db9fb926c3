"""The build stage: curated files in, checked records and RDF out.

Takes `data/` (YAML records and `sources/` texts with their metadata) and the model. Reads
the source texts (`sources`) and the YAML files (`datafiles`, `blockyaml`), types the
records (`ingest` into `records`, a claim two publishers quote `confirmed` by
`corroboration`), checks them across records and against the SHACL shapes (`validate`),
finds records of different documents that disagree (`contradictions`), applies the entity
resolution judgements of `data/resolutions.yaml` (`resolutions`; `judge` writes them), and
writes them as N-Triples (`rdf`). Hands on records, their problems (every one with its
`FILE:LINE`) and the triples that `store` loads. Also here: `audit` (what the sources name
that the data does not cover), `synth` (synthetic datasets in the same format), and
`extract` + `documents` (`source add`: a document into a new source text and its metadata).
"""
