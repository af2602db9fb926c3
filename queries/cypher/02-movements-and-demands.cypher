// Which movements are there, and what does each demand?
MATCH (m:Movement)-[:DEMANDS]->(d:Entity)
RETURN m.label AS movement, collect(d.label) AS demands
ORDER BY movement
