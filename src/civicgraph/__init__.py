"""civicgraph: a cited knowledge graph of Mexico's civic responses to crime and violence.

Data flows one way, one package per stage: `model` (the ontology's Python side) → `build`
(curated files into checked records and triples) → `store` (the atomic Oxigraph build) →
`graph` (profiles, paths, analytics over the projection) → `serve` (SPARQL, Bolt, push) →
`api.CivicGraph` (the facade) → the faces: `cli` and `explorer` (with the pages in `app/`).
`config` (settings) and `errors` (the exception hierarchy) serve every stage.
"""
