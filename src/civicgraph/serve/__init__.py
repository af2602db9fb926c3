"""The serve stage: the graph for other tools.

Takes an opened build, or a `graph.loaded.LoadedGraph` where the property graph is needed.
`sparql/` is the read-only SPARQL 1.1 Protocol endpoint (HTTP server, worker pool, result
writers); `bolt/` puts the projection into a Bolt server (rows, the Neo4j loader, the
embedded ArcadeDB and its fast loader, Cypher); `push` hands the graph to a bigger server;
`saved` lists the saved queries of `queries/`. Hands on servers and query answers.
"""
