"""The store stage: an atomic Oxigraph build, and reading it back.

Takes the settings (where `data/`, `ontology/` and the store live) and the build stage's
records and triples. `builder` writes a new build aside and swaps the `current` link only
when every check passed; `loading` feeds Oxigraph's bulk loader while records are read;
`builds` finds and opens the current build read-only; `kept` writes and reads the files
kept beside a build (projection, name index, citations); `sparql` runs queries over it.
Hands on an opened `Build` (directory, store, model) to the graph stage.
"""
