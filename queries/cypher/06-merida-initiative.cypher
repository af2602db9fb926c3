// The Merida Initiative: its parts, and the actors related to each of them.
MATCH (part:Entity)-[:PART_OF*0..2]->(m:Entity {id: 'merida-initiative'})
MATCH (actor:Entity)-[r]->(part)
RETURN part.label AS part, type(r) AS relation, actor.label AS actor
ORDER BY part, relation, actor
