// What is within two hops of USAID, and through whom?
MATCH (u:Entity {id: 'usaid'})-[r1]-(middle:Entity)-[r2]-(far:Entity)
WHERE far <> u
RETURN middle.label AS through, type(r1) AS first, type(r2) AS second, far.label AS reaches
ORDER BY through, reaches
LIMIT 50
