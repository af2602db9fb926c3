"""civicgraph explorer: the network of the graph beside a searchable, cited entity profile.

Run with `uv run civicgraph explore`. Reads the store named by CIVICGRAPH_STORE through the
civicgraph Python API only.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from civicgraph.api import CivicGraph
from civicgraph.errors import CivicGraphError
from civicgraph.viz import FAMILY_COLOURS, network_html

st.set_page_config(page_title="civicgraph explorer", page_icon="🕸️", layout="wide")

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md(text: str) -> str:
    """Escape text from the data so Markdown shows it as written (never as markup or HTML)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


@st.cache_resource(show_spinner="Opening the graph…", max_entries=4)
def open_graph(version: str) -> CivicGraph:
    """Open a build once for all sessions; `version` (the build's path) keys the cache, so a
    rebuild is picked up on the next rerun."""
    graph = CivicGraph.open()
    graph.projection  # noqa: B018 - build the projection once for every session
    return graph


@st.cache_data(show_spinner="Drawing the network…", max_entries=64)
def draw(version: str, focus: str | None, max_nodes: int) -> str:
    graph = open_graph(version)
    return network_html(graph.projection, graph.model, focus=focus, max_nodes=max_nodes)


def cite(sources: list[dict[str, Any]]) -> None:
    for source in sources:
        st.markdown(
            f"> {md(source['quote'])}\n\n"
            f"<small>{md(source['document'])}, characters {source['char_start']}–"
            f"{source['char_end']}</small>",
            unsafe_allow_html=False,
        )


def open_entity(entity_id: str) -> None:
    """Show another entity; runs before the rerun, so it may clear the search box."""
    st.session_state["entity"] = entity_id
    st.session_state["search"] = ""


def show_profile(graph: CivicGraph, entity_id: str) -> None:
    profile = graph.entity(entity_id)
    st.subheader(profile["label"])
    st.caption(" · ".join(profile["types"]) + f" · id `{profile['id']}`")
    if profile["label_es"]:
        st.markdown(f"Spanish: *{md(profile['label_es'])}*")
    if profile["aliases"]:
        st.markdown("Also: " + "; ".join(md(a) for a in profile["aliases"]))
    if profile["description"]:
        st.markdown(md(profile["description"]))
    with st.expander(f"Sources for this entity ({len(profile['sources'])})"):
        cite(profile["sources"])
    st.markdown(f"#### Relationships ({len(profile['relations'])})")
    for relation in profile["relations"]:
        other = relation["other"]
        arrow = "→" if relation["direction"] == "out" else "←"
        when = " ".join(str(v) for v in (relation["start"], relation["end"]) if v)
        role = f", as {relation['role']}" if relation["role"] else ""
        title = f"{arrow} {relation['predicate']} {arrow} {other['label']}{role}"
        title += f" [{when}]" if when else ""
        title += f" ({relation['status']})" if relation["status"] != "reported" else ""
        with st.expander(title):
            cite(relation["sources"])
            st.button(
                f"Open {other['label']}",
                key=f"open-{relation['id']}",
                on_click=open_entity,
                args=(other["id"],),
            )
    if profile["observations"]:
        st.markdown(f"#### Observations ({len(profile['observations'])})")
        rows = [
            {
                "measure": o["measure"],
                "period": o["period"],
                "value": o["value"],
                "unit": o["unit"],
                "rank": o["rank"],
                **o["dimensions"],
            }
            for o in profile["observations"]
        ]
        st.dataframe(rows, hide_index=True, use_container_width=True)


@st.cache_data
def default_entity(version: str) -> str:
    """Open on the most central movement, not on whatever sorts first."""
    graph = open_graph(version)
    ranked = graph.centrality("pagerank", type_="Movement", top=1)["results"]
    return str(ranked[0]["id"]) if ranked else sorted(graph.names.entities)[0]


def main() -> None:
    try:
        version = CivicGraph.current_version()
        graph = open_graph(version)
    except CivicGraphError as exc:
        st.error(f"Cannot open the graph: {exc}")
        st.stop()
    entities = graph.names.entities
    st.title("civicgraph explorer")
    st.caption(
        "Civic responses to crime and violence in Mexico — every relationship cites the words "
        "that support it."
    )
    requested = st.query_params.get("entity")
    if requested in entities and "entity" not in st.session_state:
        st.session_state["entity"] = requested

    with st.sidebar:
        text = st.text_input(
            "Search an entity", placeholder="e.g. Sicilia, USAID, Juárez", key="search"
        )
        candidates = [r["id"] for r in graph.search(text, limit=25)] if text else []
        if text and not candidates:
            st.warning("No entity matches that name.")
        current = st.session_state.get("entity") or default_entity(version)
        options = candidates or sorted(entities, key=lambda i: entities[i].label.casefold())
        index = (
            options.index(current) if current in options else 0
        )  # a search jumps to its best match
        chosen = st.selectbox(
            "Entity", options, index=index, format_func=lambda i: entities[i].label
        )
        st.session_state["entity"] = chosen
        st.query_params["entity"] = chosen
        max_nodes = st.slider("Nodes shown", 20, 400, 150, step=10)
        st.markdown(
            "**Colours** — "
            + " · ".join(
                f"<span style='color:{c}'>■</span> {name}" for name, c in FAMILY_COLOURS.items()
            ),
            unsafe_allow_html=True,
        )

    left, right = st.columns([3, 2])
    with left:
        st.iframe(draw(version, chosen, max_nodes), height=640)
    with right:
        show_profile(graph, chosen)


main()
