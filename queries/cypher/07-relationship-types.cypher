// Table statistics of the property graph: how many relationships of each type.
MATCH ()-[r]->()
RETURN type(r) AS relationship, count(r) AS count
ORDER BY count DESC, relationship
