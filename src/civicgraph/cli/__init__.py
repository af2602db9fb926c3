"""The command line `civicgraph`: parse arguments, call `api.CivicGraph`, render the answer.

`app` is the entry point: it hands a plain `entity`, `search` or `path` to `quick`, which
runs it without Typer, and anything else to the Typer application in `commands`. Each other
module adds one group of commands (`data`: build, synth, audit; `lookup`: stats, entity,
search, sparql, export; `analytics`; `interfaces`: serve, cypher, push; `explore`; `sources`:
source add; `review`, `resolve`); `answers` holds what entity, search and path do and print,
`kit` the output and error helpers every command shares (neither needs Typer), `options`
the Typer options many take.
"""
