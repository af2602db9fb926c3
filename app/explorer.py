"""Shared pieces of the explorer's pages: the cached graph, escaping, pickers, citations.

Every page reads the store through the civicgraph Python API only. Expensive things are
cached once for all sessions: the opened graph (`st.cache_resource`, keyed by the build, so a
rebuild is picked up on the next rerun), filtered views, and scores and drawings
(`st.cache_data`, which hands each session its own copy).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import streamlit as st

from civicgraph.api import CivicGraph
from civicgraph.errors import CivicGraphError, NotFoundError

PAGES = {
    "network": "pages/network.py",
    "profile": "pages/profile.py",
    "paths": "pages/paths.py",
    "influence": "pages/influence.py",
    "statistics": "pages/statistics.py",
    "queries": "pages/queries.py",
    "about": "pages/about.py",
}
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
BIG = 2_000  # entities; past this, slow metrics are sampled or not offered


def md(text: object) -> str:
    """Escape text from the data so Markdown shows it as written (never as markup or HTML)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


@st.cache_resource(show_spinner="Opening the graph…", max_entries=4)
def open_graph(version: str) -> CivicGraph:
    """Open a build once for all sessions, its name index and projection ready."""
    graph = CivicGraph.open()
    graph.views  # noqa: B018 - build the projection and its views once for every session
    return graph


def current() -> tuple[CivicGraph, str]:
    """Return the graph and its version, or show why it cannot be opened and stop."""
    try:
        version = CivicGraph.current_version()
        return open_graph(version), version
    except CivicGraphError as exc:
        st.error(f"Cannot open the graph: {exc}")
        st.stop()


class Keep(NamedTuple):
    """Filter values in a hashable form, so cached functions can take them."""

    types: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    between: tuple[int, int] | None = None

    def apply(self, graph: CivicGraph) -> Any:
        """Return the API's Filter for these values."""
        return graph.keep(
            types=list(self.types) or None,
            relations=list(self.relations) or None,
            statuses=list(self.statuses) or None,
            between=self.between,
        )


@st.cache_resource(max_entries=16)
def view_for(version: str, keep: Keep) -> Any:
    """Return the filtered views of the projection (shared, never modified)."""
    graph = open_graph(version)
    return graph.view(keep.apply(graph))


@st.cache_data(show_spinner="Scoring entities…", max_entries=64)
def scores_for(version: str, keep: Keep, metric: str) -> dict[str, float]:
    """Score every entity of a filtered graph by a centrality metric."""
    graph = open_graph(version)
    count = graph.projection.number_of_nodes()
    sample = 300 if metric == "betweenness" and count > BIG else None
    ranked = graph.centrality(metric, top=count, sample=sample, keep=keep.apply(graph))
    return {row["id"]: row["score"] for row in ranked["results"]}


@st.cache_data(max_entries=8)
def entity_labels(version: str) -> dict[str, str]:
    """Return every entity's display label, ordered by label."""
    entities = open_graph(version).names.entities
    ordered = sorted(entities, key=lambda i: (entities[i].label.casefold(), i))
    return {slug: entities[slug].label for slug in ordered}


@st.cache_data(max_entries=256)
def entity_profile(version: str, entity_id: str) -> dict[str, Any]:
    """Return an entity's profile (the contract's JSON shape)."""
    return open_graph(version).entity(entity_id)


def metrics_for(graph: CivicGraph) -> list[str]:
    """Offer the metrics that stay quick on this graph's size."""
    if graph.projection.number_of_nodes() > BIG:
        return ["pagerank", "degree", "betweenness"]
    return ["pagerank", "degree", "betweenness", "eigenvector", "closeness"]


def pick_entity(
    graph: CivicGraph,
    version: str,
    label: str,
    *,
    key: str,
    default: str | None = None,
    type_: str | None = None,
) -> str | None:
    """Search-as-you-type, then choose among the matches; remembers the choice in `key`."""
    labels = entity_labels(version)
    text = st.text_input(
        f"{label}: search",
        key=f"{key}-search",
        live=True,
        placeholder="Type a name, e.g. Sicilia, USAID, Juárez",
    )
    if text:
        options = [row["id"] for row in graph.search(text, type_=type_, limit=25)]
        if not options:
            st.warning("No entity matches that name.")
            return None
        index = 0  # a search jumps to its best match
    else:
        options = list(labels)
        current_id = st.session_state.get(key) or default
        index = options.index(current_id) if current_id in labels else 0
    chosen = st.selectbox(label, options, index=index, format_func=labels.__getitem__)
    st.session_state[key] = chosen
    return chosen


def profile_link(entity_id: str, label: str, *, icon: str | None = None) -> None:
    """Link to an entity's profile page (a permalink: `profile?entity=<id>`)."""
    st.page_link(PAGES["profile"], label=md(label), icon=icon, query_params={"entity": entity_id})


def quote_block(quote: str) -> str:
    """Write a verbatim quote as a Markdown block quote (tabs kept as wide spaces, since a
    tab would turn a quoted table row into a code block)."""
    lines = [md(line.replace("\t", "\u00a0" * 4)) for line in quote.splitlines() or [""]]
    return "> " + "  \n> ".join(lines)


def cite(sources: list[dict[str, Any]]) -> None:
    """Show quotes as block quotes, each with its document and character offsets."""
    for source in sources:
        st.markdown(quote_block(source["quote"]))
        st.caption(
            f"{md(source['document'])}, characters {source['char_start']}–{source['char_end']}"
        )


def when(item: dict[str, Any]) -> str:
    """Write a relationship's dates as `start–end`, or '' when it has none."""
    start, end = item.get("start"), item.get("end")
    if start and end:
        return f"{start}–{end}"
    if start:
        return f"from {start}"
    return f"until {end}" if end else ""


def show_error(exc: CivicGraphError) -> None:
    """Show an error from the library as one plain line, with any suggestions."""
    suggestions = getattr(exc, "suggestions", [])
    text = str(exc) + (f" — did you mean: {'; '.join(suggestions)}?" if suggestions else "")
    if isinstance(exc, NotFoundError):
        st.warning(md(text))
    else:
        st.error(md(text))
