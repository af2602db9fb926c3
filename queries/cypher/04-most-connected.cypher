// Which entities have the most relationships (in either direction)?
MATCH (n:Entity)-[r]-()
RETURN n.label AS entity, n.types AS types, count(r) AS relationships
ORDER BY relationships DESC, entity
LIMIT 20
