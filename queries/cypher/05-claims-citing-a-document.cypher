// All claims (relationships) that cite a given source document, with their quotes.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE 'building-resilient-communities-intro.txt' IN r.documents
RETURN a.label AS subject, r.predicate AS predicate, b.label AS object, r.quotes AS quotes
ORDER BY subject, predicate, object
