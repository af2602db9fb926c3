"""Shortest simple paths between two entities, every hop with the words that support it.

Paths ignore direction (a movement demanding a reform and a donor funding the movement
connect the donor to the reform); each hop says whether its relationship points along the
path (`out`) or against it (`in`). Where several relationships join the same two entities
the hop uses the best attested one that fits: by claim status, then number of citations,
then id.

By default a path does not step *through* contextual entities (places, publications,
datasets, concepts: `civ:contextual` in the ontology): "both are in Mexico" or "both are
cited by the chapter" is not a connection a journalist can print. They can still be the
ends of a path, and `through_context=True` lets paths use them.

The search runs on networkx's graphs (`Views`) or, for the part of the graph a path can use
(`graph.nearby`), on plain dicts (`Plain`, `PlainViews`): the same pool of paths, found
without importing networkx, and networkx is asked where its own search order decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import TYPE_CHECKING, Any, TypeAlias

from civicgraph.errors import NotFoundError, UsageError
from civicgraph.graph.entities import EntitySummary
from civicgraph.graph.project import Views, year
from civicgraph.model.ontology import Model
from civicgraph.model.vocab import entity_iri

if TYPE_CHECKING:  # imported where a search runs on it: a search on `Plain` never does
    import networkx as nx

Multigraph: TypeAlias = "nx.MultiDiGraph[str] | Plain"  # what a path's hops are chosen from

STATUS_ORDER = {"confirmed": 0, "reported": 1, "alleged": 2, "disputed": 3}
CANDIDATE_LIMIT = 2_000  # simple paths examined at most while looking for K that qualify
POOL = 5  # paths considered per path returned, so the best attested K come first
SourcesFor = Callable[[list[str]], dict[str, list[dict[str, Any]]]]


@dataclass(frozen=True)
class PathOptions:
    """What paths to look for."""

    k: int = 3
    max_hops: int = 6
    via: frozenset[str] | None = None  # record types, at least one intermediate must have one
    avoid: frozenset[str] = field(default_factory=frozenset)  # entity ids never stepped on
    through_context: bool = False
    time_consistent: bool = False
    # the target's types and their subtypes: a path through another of them is a detour
    target_kinds: frozenset[str] = field(default_factory=frozenset)


def hop_quality(edge: dict[str, Any]) -> tuple[int, int, str]:
    """Order relationships best attested first: by claim status, citations, then id."""
    return STATUS_ORDER.get(edge["status"], 9), -edge["citations"], edge["id"]


def hop_candidates(graph: Multigraph, a: str, b: str) -> list[dict[str, Any]]:
    """Every relationship between a and b, best attested first, with its direction."""
    forward: dict[Any, dict[str, Any]] = graph.get_edge_data(a, b, default={})
    backward: dict[Any, dict[str, Any]] = graph.get_edge_data(b, a, default={})
    found = [{**data, "direction": "out"} for data in forward.values()]
    found += [{**data, "direction": "in"} for data in backward.values()]
    return sorted(found, key=hop_quality)


def consistent(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Tell whether a hop is still valid when the next one starts (unknown dates never fail).

    The next hop must not start before this one starts, nor after this one ended.
    """
    start, end = year(before.get("start")), year(before.get("end"))
    next_start = year(after.get("start"))
    if next_start is None:
        return True
    return (start is None or start <= next_start) and (end is None or next_start <= end)


def choose_hops(
    graph: Multigraph, nodes: list[str], time_consistent: bool
) -> list[dict[str, Any]] | None:
    """Pick one relationship per hop: the best ones, or the best time-consistent chain."""
    options = [hop_candidates(graph, a, b) for a, b in pairwise(nodes)]
    if not time_consistent:
        return [candidates[0] for candidates in options]

    def search(index: int, previous: dict[str, Any] | None) -> list[dict[str, Any]] | None:
        if index == len(options):
            return []
        for hop in options[index]:
            if previous is None or consistent(previous, hop):
                rest = search(index + 1, hop)
                if rest is not None:
                    return [hop, *rest]
        return None

    return search(0, None)


def passable(simple: nx.Graph[str], blocked: frozenset[str], ends: set[str]) -> nx.Graph[str]:
    """Hide blocked entities except the ends; a lazy view, so a query costs what it explores."""

    import networkx as nx

    def shown(node: str) -> bool:
        return node in ends or node not in blocked

    view: nx.Graph[str] = nx.subgraph_view(simple, filter_node=shown)
    return view


Candidate = tuple[list[str], list[dict[str, Any]]]  # a path's entities and its hops


class Plain:
    """A part of the projection in plain dicts, filled as a networkx MultiDiGraph is
    (`add_node`, `add_edge`) and read as one where hops are chosen (`nodes`,
    `get_edge_data`): a path search on it needs no networkx, whose import alone takes
    longer than a search on the part of the graph a path can use (`graph.nearby`)."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: list[tuple[str, str, str, dict[str, Any]]] = []  # in the order added
        self.neighbours: dict[str, dict[str, None]] = {}  # the simple graph: ordered sets
        self._between: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def add_node(self, node: str, **data: Any) -> None:
        self.nodes.setdefault(node, {}).update(data)
        self.neighbours.setdefault(node, {})

    def add_edge(self, source: str, target: str, key: str, **data: Any) -> None:
        for node in (source, target):
            if node not in self.nodes:
                self.add_node(node)
        self.edges.append((source, target, key, data))
        self._between.setdefault((source, target), {})[key] = data
        if source != target:  # a simple path never steps from an entity to itself
            self.neighbours[source][target] = self.neighbours[target][source] = None

    def get_edge_data(
        self, source: str, target: str, default: dict[str, dict[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        """The relationships from source to target, by id, as networkx's MultiDiGraph."""
        return self._between.get((source, target), default)

    def networkx(self) -> nx.MultiDiGraph[str]:
        """The same graph in networkx: nodes and edges in the same order."""
        import networkx as nx

        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        graph.add_nodes_from(self.nodes.items())
        for source, target, key, data in self.edges:
            graph.add_edge(source, target, key=key, **data)
        return graph


@dataclass(frozen=True)
class PlainViews:
    """`Views` for a path search on a `Plain` graph (without a filter: see graph.nearby)."""

    graph: Plain
    contextual: frozenset[str]
    model: Model

    @classmethod
    def of(cls, graph: Plain, model: Model) -> PlainViews:
        contextual = (n for n, data in graph.nodes.items() if model.is_contextual(data["types"]))
        return cls(graph, frozenset(contextual), model)

    def networkx(self) -> Views:
        """These views in networkx, where its search order decides (see `_plain_pool`)."""
        return Views.of(self.graph.networkx(), self.model)


def _qualified(graph: Multigraph, nodes: list[str], options: PathOptions) -> Candidate | None:
    """A path's hops when it qualifies (through an entity of a `via` type, hops that fit)."""
    middle = nodes[1:-1]
    if options.via and not any(options.via & set(graph.nodes[n]["types"]) for n in middle):
        return None
    hops = choose_hops(graph, nodes, options.time_consistent)
    return None if hops is None else (nodes, hops)


def _examined(
    views: Views, source: str, target: str, options: PathOptions
) -> Iterator[tuple[int, Candidate | None]]:
    """Yield each simple path examined, shortest first, up to CANDIDATE_LIMIT of them and
    no longer than max_hops: its length, and its hops when it qualifies (else None)."""
    import networkx as nx

    blocked = options.avoid if options.through_context else views.contextual | options.avoid
    usable = passable(views.simple, blocked, {source, target})
    try:
        for nodes in islice(nx.shortest_simple_paths(usable, source, target), CANDIDATE_LIMIT):
            if len(nodes) - 1 > options.max_hops:
                return
            yield len(nodes) - 1, _qualified(views.graph, nodes, options)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return


def candidate_pool(
    views: Views | PlainViews, source: str, target: str, options: PathOptions
) -> tuple[list[Candidate], bool]:
    """Return the paths `shortest_paths` chooses among, and whether a graph holding more
    entities, or allowing longer paths, would give the same ones.

    The pool holds every qualifying path up to the length at which it reaches POOL per
    path asked for, that length included: which paths it holds does not depend on the
    order the search finds paths of one length in. It is final once a longer path comes,
    or once CANDIDATE_LIMIT paths were examined; a search that runs out of paths within
    max_hops before the pool is full could find more with longer paths allowed.
    """
    if isinstance(views, PlainViews):
        found = _plain_pool(views, source, target, options)
        if found is not None:
            return found
        views = views.networkx()
    pool: list[Candidate] = []
    examined, full_at = 0, None
    for length, candidate in _examined(views, source, target, options):
        if full_at is not None and length > full_at:
            return pool, True
        examined += 1
        if candidate is not None:
            pool.append(candidate)
            if full_at is None and len(pool) >= POOL * options.k:
                full_at = length
    return pool, full_at is not None or examined == CANDIDATE_LIMIT


def _plain_pool(
    views: PlainViews, source: str, target: str, options: PathOptions
) -> tuple[list[Candidate], bool] | None:
    """`candidate_pool` without networkx: every simple path of each length, shortest first,
    as a whole (the pool does not depend on the order within a length). None where the
    paths of a length the pool needs are more than CANDIDATE_LIMIT leaves to examine:
    which of them networkx's search examines is its order's, so it is asked."""
    graph = views.graph
    if source not in graph or target not in graph or source == target:
        return [], source == target  # (the same entity at both ends is refused after)
    blocked = options.avoid if options.through_context else views.contextual | options.avoid
    near = {
        node: [n for n in around if n in (source, target) or n not in blocked]
        for node, around in graph.neighbours.items()
        if node in (source, target) or node not in blocked
    }
    to_target = _hops_to(near, target)
    pool: list[Candidate] = []
    examined, full_at = 0, None
    for length in range(to_target.get(source, options.max_hops + 1), options.max_hops + 1):
        if full_at is not None:
            return pool, True
        found = _simple_paths(near, to_target, source, target, length, CANDIDATE_LIMIT - examined)
        if found is None:
            return None
        for nodes in found:
            examined += 1
            candidate = _qualified(graph, nodes, options)
            if candidate is not None:
                pool.append(candidate)
                if full_at is None and len(pool) >= POOL * options.k:
                    full_at = length
        if examined == CANDIDATE_LIMIT:
            return pool, True
    return pool, full_at is not None


def _hops_to(near: dict[str, list[str]], target: str) -> dict[str, int]:
    """Each entity's hop count to the target (breadth first), those that reach it."""
    found, frontier = {target: 0}, [target]
    while frontier:
        following = []
        for node in frontier:
            for other in near[node]:
                if other not in found:
                    found[other] = found[node] + 1
                    following.append(other)
        frontier = following
    return found


def _simple_paths(
    near: dict[str, list[str]],
    to_target: dict[str, int],
    source: str,
    target: str,
    length: int,
    most: int,
) -> list[list[str]] | None:
    """Every simple path of exactly `length` hops from source to target, or None when they
    are more than `most`; a step is taken only where the target is still within reach."""
    found: list[list[str]] = []
    path, on = [source], {source}

    def walk(node: str, left: int) -> bool:  # False once there are too many
        for other in near[node]:
            if other in on or to_target.get(other, left) > left - 1:
                continue
            if other == target:
                if left == 1:
                    found.append([*path, target])
                    if len(found) > most:
                        return False
                continue
            path.append(other)
            on.add(other)
            going = walk(other, left - 1)
            path.pop()
            on.discard(other)
            if not going:
                return False
        return True

    return found if walk(source, length) else None


def weakest(hops: list[dict[str, Any]], cited: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Name a path's weakest hop: the least firmly stated, then the one with fewest quotes."""
    step = min(
        range(len(hops)),
        key=lambda i: (
            -STATUS_ORDER.get(hops[i]["status"], 9),
            len(cited[entity_iri(hops[i]["id"])]),
            i,
        ),
    )
    hop, quotes = hops[step], len(cited[entity_iri(hops[step]["id"])])
    why = f"{hop['status']}" if hop["status"] not in ("reported", "confirmed") else ""
    why = why or (f"{quotes} quote" + ("" if quotes == 1 else "s"))
    return {"step": step + 1, "relationship": hop["id"], "why": why}


def shortest_paths(
    views: Views | PlainViews,
    source: EntitySummary,
    target: EntitySummary,
    sources_for: SourcesFor,
    options: PathOptions = PathOptions(),
    pool: list[Candidate] | None = None,
) -> dict[str, Any]:
    """Return up to k shortest paths, in the contract's `path --json` shape, each with its
    weakest hop. Among paths of one length, those that do not detour through another entity
    of the target's kind (a reform on the way to a reform) come first, then those with the
    fewest alleged hops, then those with the most distinct quoted spans. `pool` is
    `candidate_pool`'s when the caller has it (found on part of the graph, see
    `graph.nearby`)."""
    if options.k < 1 or options.max_hops < 1:
        raise UsageError("--k and --max-hops must be at least 1")
    if source.id == target.id:
        raise UsageError("FROM and TO are the same entity")
    for end in (source, target):
        if end.id in options.avoid:
            raise UsageError(f"cannot avoid {end.id!r}: it is an end of the path")
    graph = views.graph
    if pool is None:
        pool, _ = candidate_pool(views, source.id, target.id, options)
    if not pool:
        raise NotFoundError(
            f"no path from {source.label!r} to {target.label!r} within {options.max_hops} hops"
            + ("" if options.through_context else " (not through places, works or concepts)")
        )
    cited = sources_for(sorted({entity_iri(h["id"]) for _, hops in pool for h in hops}))
    kinds = options.target_kinds or frozenset(target.types)

    def evidence(candidate: Candidate) -> tuple[int, int, int, int]:
        nodes, hops = candidate
        # the step right before the target may be of its kind (a pillar of the program)
        detour = any(kinds & set(graph.nodes[n]["types"]) for n in nodes[1:-2])
        weak = sum(hop["status"] not in ("reported", "confirmed") for hop in hops)
        spans = {
            (s["document"], s["char_start"], s["char_end"])
            for hop in hops
            for s in cited[entity_iri(hop["id"])]
        }
        return len(hops), int(detour), weak, -len(spans)

    # among equals, by the entities' ids in order: the same answer whatever the search order
    found = sorted(pool, key=lambda candidate: (evidence(candidate), candidate[0]))[: options.k]

    def ref(slug: str) -> dict[str, str]:
        return {"id": slug, "label": graph.nodes[slug]["label"]}

    return {
        "from": ref(source.id),
        "to": ref(target.id),
        "paths": [
            {
                "length": len(hops),
                "weakest": weakest(hops, cited),
                "hops": [
                    {
                        "from": ref(a),
                        "to": ref(b),
                        "relationship": hop["id"],
                        "predicate": hop["predicate"],
                        "direction": hop["direction"],
                        "role": hop.get("role"),
                        "start": hop.get("start"),
                        "end": hop.get("end"),
                        "status": hop["status"],
                        "review": hop["review"],
                        "date_basis": hop.get("date_basis"),
                        "concerning": ref(hop["concerning"]) if hop.get("concerning") else None,
                        "sources": cited[entity_iri(hop["id"])],
                    }
                    for (a, b), hop in zip(pairwise(nodes), hops, strict=True)
                ],
            }
            for nodes, hops in found
        ],
    }
