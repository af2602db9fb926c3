// Which claims does the source only allege, rather than report as fact?
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.status <> 'reported'
RETURN a.label AS subject, r.predicate AS predicate, b.label AS object, r.status AS status,
       r.quotes AS quotes
ORDER BY subject, predicate
