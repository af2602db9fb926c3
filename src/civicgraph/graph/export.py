"""Export the whole graph: RDF serialisations, the property-graph projection, or profiles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, TYPE_CHECKING

import networkx as nx
import pyoxigraph as ox

from civicgraph.errors import UsageError
from civicgraph.graph.entities import profile
from civicgraph.graph.ftm import write_ftm, write_ftm_statements
from civicgraph.store.kept_triples import write_ntriples
from civicgraph.store.sparql import PREFIXES

if TYPE_CHECKING:
    from civicgraph.graph.loaded import LoadedGraph

RDF_FORMATS = {
    "nt": ox.RdfFormat.N_TRIPLES,
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
GRAPH_FORMATS = ("graphml", "gexf")
FORMATS = (*RDF_FORMATS, *GRAPH_FORMATS, "jsonl", "ftm", "ftm-statements")


def export(graph: LoadedGraph, fmt: str, sink: IO[bytes]) -> None:
    """Write the graph to `sink` in one of FORMATS."""
    if fmt in RDF_FORMATS:
        write_rdf(graph.build.store, RDF_FORMATS[fmt], sink, graph.build.directory)
    elif fmt in GRAPH_FORMATS:
        flat = flat_projection(graph.projection)
        writer = nx.write_graphml if fmt == "graphml" else nx.write_gexf
        writer(flat, sink)
    elif fmt == "jsonl":
        for slug in sorted(graph.names.entities):
            line = json.dumps(
                profile(graph.build.store, graph.names, slug), ensure_ascii=False, sort_keys=False
            )
            sink.write(line.encode("utf-8") + b"\n")
    elif fmt == "ftm":
        write_ftm(graph, sink)
    elif fmt == "ftm-statements":
        write_ftm_statements(graph, sink, origin=graph.build.directory.name)
    else:
        raise UsageError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")


def write_rdf(
    store: ox.Store, rdf_format: ox.RdfFormat, sink: IO[bytes], build_dir: Path | None = None
) -> None:
    """Write every graph of the store to `sink`: a dataset format whole, a graph format as
    the union of the graphs (the default graph first, then each named graph).

    `Store.dump` serialises in Rust; the quads never become Python objects, which made the
    N-Triples export of 27M triples take half as long again. What is left is Oxigraph
    decoding each term from its string table (7 minutes at 27M quads), so N-Triples of the
    default graph come from the file the build kept (`store.kept_triples`) when there is
    one: the same triples, read in seconds.
    """
    if rdf_format.supports_datasets:
        store.dump(sink, rdf_format, prefixes=PREFIXES)
        return
    if rdf_format is not ox.RdfFormat.N_TRIPLES:  # Turtle: one document, prefixes at the top
        quads = store.quads_for_pattern(None, None, None, None)
        ox.serialize((q.triple for q in quads), sink, format=rdf_format, prefixes=PREFIXES)
        return
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    graphs += sorted(store.named_graphs(), key=str)
    for graph in graphs:  # N-Triples documents concatenate into one
        write_ntriples(store, graph, sink, build_dir)


def flat_projection(projection: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """Return a copy whose attributes are scalars, as GraphML and GEXF require."""
    flat: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node, data in projection.nodes(data=True):
        flat.add_node(node, label=data["label"], types=";".join(data["types"]))
    for source, target, key, data in projection.edges(keys=True, data=True):
        flat.add_edge(source, target, key=key, **data)
    return flat
