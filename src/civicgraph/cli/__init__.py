"""The command line `civicgraph`: parse arguments, call `api.CivicGraph`, render the answer.

`app` is the Typer application and the entry point; each other module adds one group of
commands (`data`: build, synth, audit; `lookup`: stats, entity, search, sparql, export;
`analytics`; `interfaces`: serve, cypher, push; `explore`; `sources`: source add); `kit`
holds what they share.
"""
