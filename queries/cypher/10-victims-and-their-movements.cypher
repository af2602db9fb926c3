// Victims of crimes, and relatives of victims, and the groups they founded, lead or joined.
MATCH (v:Person)-[k:VICTIM_OF|RELATIVE_OF_VICTIM_OF]->(crime:Entity)
MATCH (v)-[r:FOUNDED|LEADS|MEMBER_OF]->(group:Entity)
RETURN v.label AS person, type(k) AS how, k.role AS role, crime.label AS crime,
       type(r) AS relation, group.label AS group
ORDER BY person, group
