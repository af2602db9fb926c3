"""The graph stage: what analysts ask of a build.

Takes an opened build (`store.builds.Build`). Hands on entity profiles and name search
(`entities`), the property-graph projection and its filtered views (`project`, read through
`loaded`), paths with cited hops (`paths`), reach and neighbourhoods (`reach`), centrality,
communities and brokers (`centrality`, `communities`, on the index arrays of `indexed`),
layouts of parts of the graph (`layout`), evidence packets (`evidence`), statistical tables
(`tables`), exports (`export`, `subgraph`) and, for a new source, its names linked to the
build's entities with relationship candidates (`suggest`, which also keeps the review
queue). Everything returns plain data in the
contract's JSON shapes; nothing here serves or renders.
"""
