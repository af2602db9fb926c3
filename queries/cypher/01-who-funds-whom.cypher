// Who funds whom? Each funding relationship with the quotes that support it.
MATCH (funder:Entity)-[r:FUNDS]->(recipient:Entity)
RETURN funder.label AS funder, recipient.label AS recipient, r.start AS start,
       r.status AS status, r.quotes AS quotes
ORDER BY funder, recipient
