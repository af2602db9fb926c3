"""The property graph over Bolt: `rows` (the projection as statement parameters, kept beside
the build), `driver` (any Bolt server through the neo4j driver: targets, the batched loader,
connection errors), `arcade` and `arcade_load` (the embedded ArcadeDB server and its in-process
loader), `shim`, `packstream` and `answers` (the Bolt shim in front of it that gives Neo4j's
tools what they expect) and `cypher` (queries and their answers as plain JSON)."""
