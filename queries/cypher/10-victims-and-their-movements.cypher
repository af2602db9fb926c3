// Victims of crimes and the groups they founded, lead or joined.
MATCH (v:Person)-[:VICTIM_OF]->(crime:Entity)
MATCH (v)-[r:FOUNDED|LEADS|MEMBER_OF]->(group:Entity)
RETURN v.label AS victim, crime.label AS crime, type(r) AS relation, group.label AS group
ORDER BY victim, group
