// Which publications does the chapter cite, and who wrote them?
MATCH (p:Publication)
OPTIONAL MATCH (a:Entity)-[:AUTHORED]->(p)
RETURN p.label AS publication, collect(a.label) AS authors
ORDER BY publication
