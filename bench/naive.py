"""Child process: the naive stack a user would otherwise write (rdflib in memory + networkx).

    python -m bench.naive WORK --seed S --sample K

Reads WORK/graph.nt (the same triples as the store) and WORK/sample.json (the same ids and
pairs civicgraph was asked about), and does the same operations the plain way.
"""

from __future__ import annotations

import argparse
import json
from itertools import chain, islice
from pathlib import Path
from typing import Any

from bench.common import emit, median_time, peak_rss_mb, timed
from bench.ours import ONE_ENTITY, TWO_HOPS

ID = "https://w3id.org/civicgraph/id/"
CIV = "https://w3id.org/civicgraph/ontology#"
PREFIX = f"PREFIX civ: <{CIV}>\n"


def measure(work: Path, seed: int, sample_k: int) -> dict[str, Any]:
    import networkx as nx
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS

    from civicgraph.config import Settings
    from civicgraph.model.ontology import load_model

    sample = json.loads((work / "sample.json").read_text())
    model = load_model(Settings.resolve(env={}).ontology_dir.resolve())
    relations = {URIRef(r.iri) for r in model.relations.values()}
    result: dict[str, Any] = {}

    g = Graph()
    result["load_s"], _ = timed(lambda: g.parse(work / "graph.nt", format="nt"))
    result["load_rss_mb"] = peak_rss_mb()

    def project() -> nx.Graph[str]:
        multi: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        for s, p, o in g:
            if p in relations:
                multi.add_edge(str(s)[len(ID) :], str(o)[len(ID) :])
        return nx.Graph(multi.to_undirected())

    result["projection_s"], simple = timed(project)
    result["build_s"] = result["load_s"] + result["projection_s"]

    subject, obj = URIRef(CIV + "subject"), URIRef(CIV + "object")
    relation, citation = URIRef(CIV + "relation"), URIRef(CIV + "citation")
    quote = URIRef(CIV + "quote")

    def profile(slug: str) -> list[Any]:
        entity = URIRef(ID + slug)
        rows: list[Any] = [g.value(entity, RDFS.label)]
        for rel in chain(g.subjects(subject, entity), g.subjects(obj, entity)):
            quotes = [g.value(c, quote) for c in g.objects(rel, citation)]
            rows.append((g.value(rel, relation), g.value(rel, subject), g.value(rel, obj), quotes))
        return rows

    def by_label(slug: str) -> list[Any]:
        label = g.value(URIRef(ID + slug), RDFS.label)
        return list(g.subjects(RDFS.label, label))

    result["lookup_s"] = median_time(profile, sample["lookups"])
    result["resolve_s"] = median_time(by_label, sample["lookups"])
    result["path_s"] = median_time(
        lambda pair: list(islice(nx.shortest_simple_paths(simple, *pair), 3)), sample["pairs"]
    )
    result["reach_s"] = median_time(
        lambda a: nx.single_source_shortest_path_length(simple, a, cutoff=4), sample["actors"]
    )
    import scipy.sparse  # noqa: F401 - loaded before timing, as in the other stack

    result["pagerank_s"], _ = timed(lambda: nx.pagerank(simple))
    k = min(sample_k, simple.number_of_nodes())
    result["betweenness_s"], _ = timed(lambda: nx.betweenness_centrality(simple, k=k, seed=seed))
    iris = [ID + s for s in sample["lookups"]]
    result["sparql_one_s"] = median_time(
        lambda i: list(g.query(PREFIX + ONE_ENTITY.format(iri=i))), iris
    )
    result["sparql_2hop_s"] = median_time(
        lambda i: list(g.query(PREFIX + TWO_HOPS.format(iri=i))), iris[:3]
    )
    result["rss_mb"] = peak_rss_mb()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("work", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=100)
    args = parser.parse_args()
    emit(measure(args.work, args.seed, args.sample))


if __name__ == "__main__":
    main()
