// From victims' groups to reforms: the shortest chains of relationships that join the
// Victims' Rights Movement to each reform.
MATCH (v:Entity {id: 'victims-rights-movement'}), (r:Reform)
MATCH p = shortestPath((v)-[*..4]-(r))
RETURN r.label AS reform, length(p) AS hops, [n IN nodes(p) | n.label] AS chain
ORDER BY hops, reform
