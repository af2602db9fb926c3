"""Influence & structure: centrality rankings, communities, and brokers between kinds."""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st
from explorer import BIG, current, is_large, md, metrics_for, open_graph, show_error

from civicgraph.errors import CivicGraphError

graph, version = current()


@st.cache_data(show_spinner="Ranking…", max_entries=64)
def ranking(
    version: str, metric: str, type_: str | None, top: int, directed: bool, context: bool
) -> Any:
    opened = open_graph(version)
    sample = 300 if metric == "betweenness" and len(opened.names.entities) > BIG else None
    return opened.centrality(
        metric, type_=type_, top=top, directed=directed, sample=sample, include_context=context
    )


@st.cache_data(show_spinner="Finding communities…", max_entries=16)
def communities(version: str, resolution: float, context: bool) -> Any:
    return open_graph(version).communities(resolution=resolution, top=8, include_context=context)


@st.cache_data(show_spinner="Looking for brokers…", max_entries=16)
def brokers(version: str, from_type: str, to_type: str, context: bool) -> Any:
    return open_graph(version).brokers(
        from_type=from_type, to_type=to_type, top=20, include_context=context
    )


def link(entity_id: str) -> str:
    return f"profile?entity={entity_id}"


LINK = st.column_config.LinkColumn("profile", display_text="open")


def centrality_tab(types: list[str], context: bool) -> None:
    left, middle, right = st.columns(3)
    metric = left.selectbox("Metric", metrics_for(graph))
    type_ = middle.selectbox("Type", ["(all)", *types])
    top = right.slider("How many", 5, 100, 20)
    directed = st.checkbox(
        "Directed (follow the verbs' direction)",
        disabled=is_large(graph),
        help="Not offered on a graph this large: only the undirected scores are kept."
        if is_large(graph)
        else None,
    )
    found = ranking(version, metric, None if type_ == "(all)" else type_, top, directed, context)
    rows = [
        {
            "rank": i,
            "entity": r["label"],
            "types": ", ".join(r["types"]),
            "score": r["score"],
            "profile": link(r["id"]),
        }
        for i, r in enumerate(found["results"], start=1)
    ]
    if not rows:
        st.info("No entity of that type.")
        return
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("score:Q", title=metric),
            y=alt.Y("entity:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("types:N", legend=None),
            tooltip=["entity:N", "types:N", "score:Q"],
        )
        .properties(height=max(200, 24 * len(rows)))
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(rows, hide_index=True, column_config={"profile": LINK}, width="stretch")
    if "sample" in found:
        st.caption(f"Betweenness estimated from {found['sample']['k']} sampled sources.")


def too_large(what: str, command: str) -> bool:
    """Say plainly that a whole-graph analysis is not run here on a large graph."""
    if not is_large(graph):
        return False
    st.info(
        f"{what} are not computed in the explorer on a graph of "
        f"{len(graph.names.entities):,} entities: it would read the whole graph into memory "
        f"and take minutes of the server shared by every visitor. Run `{command}` instead."
    )
    return True


def communities_tab(context: bool) -> None:
    if too_large("Communities", "civicgraph communities"):
        return
    resolution = st.slider(
        "Resolution", 0.2, 3.0, 1.0, step=0.1, help="Higher finds more, smaller communities."
    )
    found = communities(version, resolution, context)
    st.caption(
        f"Louvain (seed {found['seed']}): {len(found['communities'])} communities, "
        f"modularity {found['modularity']:.3f}."
    )
    for group in found["communities"][:20]:
        members = ", ".join(md(m["label"]) for m in group["top"])
        st.markdown(f"**Community {group['community']}** · {group['size']} entities — {members}")


def brokers_tab(types: list[str], context: bool) -> None:
    left, right = st.columns(2)
    from_type = left.selectbox("Between", types, index=types.index("Movement"))
    to_type = right.selectbox("and", types, index=types.index("Reform"))  # as the CLI
    if too_large("Brokers", f"civicgraph brokers --from-type {from_type} --to-type {to_type}"):
        return
    large = len(graph.names.entities) > BIG
    if large and not st.toggle("Find brokers (slow on a graph this large)"):
        return
    found = brokers(version, from_type, to_type, context)
    st.caption(
        f"Entities whose removal cuts {from_type} entities off from {to_type} entities "
        f"({found['articulation_points']} cut points in the graph)."
    )
    entities = open_graph(version).names.entities
    labels = {n: entities[n].label for n in entities}
    rows = [
        {
            "entity": r["label"],
            "types": ", ".join(r["types"]),
            "pairs cut off": r["disconnected_pairs"],
            "for example": "; ".join(
                f"{labels.get(e['from'], e['from'])} ↛ {labels.get(e['to'], e['to'])}"
                for e in r["examples"]
            ),
            "profile": link(r["id"]),
        }
        for r in found["results"]
    ]
    if rows:
        st.dataframe(rows, hide_index=True, column_config={"profile": LINK}, width="stretch")
    else:
        st.info(f"No single entity stands between {from_type} and {to_type} entities.")


def main() -> None:
    st.title("Influence & structure")
    st.caption("Who is central, which groups hang together, and who stands between them.")
    types = sorted(graph.model.classes)
    context = st.checkbox(
        "Include places, works and concepts",
        help="By default the rankings, communities and brokers are of actors and what they act "
        "on; places, publications, datasets and concepts are left out.",
    )
    tabs = st.tabs(["Centrality", "Communities", "Brokers"])
    try:
        with tabs[0]:
            centrality_tab(types, context)
        with tabs[1]:
            communities_tab(context)
        with tabs[2]:
            brokers_tab(types, context)
    except CivicGraphError as exc:
        show_error(exc)


main()
