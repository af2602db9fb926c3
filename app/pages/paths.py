"""Path tracer: how one entity connects to another, or to any reform, hop by cited hop."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st
from explorer import (
    VIS_NETWORK,
    Keep,
    cite,
    current,
    entity_labels,
    is_large,
    md,
    open_graph,
    pick_entity,
    profile_link,
    qualifiers,
    show_error,
)
from urlstate import to_url, url_flag, url_int

from civicgraph.errors import CivicGraphError
from civicgraph.explorer.drawing import network_html
from civicgraph.graph.layout import path_positions
from civicgraph.model.text import when

graph, version = current()
ANY = "Any entity of a type"


@st.cache_data(show_spinner="Tracing paths…", max_entries=64)
def trace(version: str, source: str, target: str, options: dict[str, Any]) -> dict[str, Any]:
    """Return up to K cited paths (the contract's `path --json` shape)."""
    opened = open_graph(version)
    keep = Keep(statuses=("confirmed",)) if options["confirmed"] else Keep()
    return opened.path(
        source,
        target,
        k=options["k"],
        max_hops=options["max_hops"],
        through_context=options["through_context"],
        time_consistent=options["time_consistent"],
        keep=keep.apply(opened),
    )


REACH_HOPS_LARGE = 3  # on a large graph, four hops out of a hub is half of it (minutes)


def reach_hops(options: dict[str, Any]) -> int:
    """How far "what it reaches" looks: the hops asked, at most REACH_HOPS_LARGE on a large
    graph."""
    hops: int = options["max_hops"]
    return min(hops, REACH_HOPS_LARGE) if is_large(graph) else hops


@st.cache_data(show_spinner="Finding what it reaches…", max_entries=64)
def reachable(version: str, source: str, type_: str, options: dict[str, Any]) -> list[Any]:
    """Return the entities of a type the source connects to, best attested first."""
    opened = open_graph(version)
    keep = Keep(statuses=("confirmed",)) if options["confirmed"] else Keep()
    found = opened.reach(
        source,
        to_types=[type_],
        max_hops=reach_hops(options),
        through_context=options["through_context"],
        keep=keep.apply(opened),
    )
    return list(found["results"])


@st.cache_data(max_entries=64)
def drawing(version: str, found: dict[str, Any]) -> str:
    opened = open_graph(version)
    ids = {end["id"] for p in found["paths"] for h in p["hops"] for end in (h["from"], h["to"])}
    sub = opened.parts.path(found)  # the relationships the paths use, from the kept graph
    return network_html(
        sub,
        opened.model,
        nodes=ids,
        focus=found["from"]["id"],
        positions=path_positions(found),
        profile_page="profile",
        height="380px",
        library_url=VIS_NETWORK,
    )


def hop_sentence(hop: dict[str, Any]) -> str:
    """Write a hop in its relationship's own direction, escaped for Markdown."""
    subject, obj = (
        (hop["from"], hop["to"]) if hop["direction"] == "out" else (hop["to"], hop["from"])
    )
    relation = graph.model.relations.get(hop["predicate"])
    verb = relation.label if relation else hop["predicate"]
    text = f"**{md(subject['label'])}** {md(verb)} **{md(obj['label'])}**"
    if hop.get("role"):
        text += f", as {md(hop['role'])}"
    dates = when(hop)
    if dates:
        text += f" ({md(dates)})"
    if hop["status"] != "reported":
        text += f" · *{hop['status']}*"
    return text + qualifiers(hop)


def show_paths(found: dict[str, Any]) -> None:
    st.iframe(drawing(version, found), height=400, alt="The paths as a graph")
    for number, path in enumerate(found["paths"], start=1):
        st.markdown(f"#### Path {number} · {path['length']} step(s)")
        if "weakest" in path:
            weakest = path["weakest"]
            st.caption(f"Weakest step: {weakest['step']} ({md(weakest['why'])})")
        for step, hop in enumerate(path["hops"], start=1):
            st.markdown(f"{step}\\. {hop_sentence(hop)}")
            with st.expander(f"Evidence for step {step} ({len(hop['sources'])} quote(s))"):
                cite(hop["sources"])
    name = re.sub(r"[^a-z0-9]+", "-", f"{found['from']['id']}-to-{found['to']['id']}")
    left, middle, right = st.columns(3)
    left.download_button(
        "Evidence packet (Markdown)",
        graph.evidence(found),
        file_name=f"{name}.md",
        mime="text/markdown",
    )
    middle.download_button(
        "Subgraph (GraphML)",
        graph.path_subgraph(found, "graphml"),
        file_name=f"{name}.graphml",
        mime="application/xml",
    )
    right.download_button(
        "Subgraph (JSON)",
        graph.path_subgraph(found, "json"),
        file_name=f"{name}.json",
        mime="application/json",
    )


def options_panel() -> dict[str, Any]:
    """The trace's options, read from the URL and written back to it."""
    with st.sidebar:
        st.markdown("**Options**")
        chosen = {
            "k": st.slider("Paths (K)", 1, 10, url_int("k", 3, 1, 10)),
            "max_hops": st.slider("Max hops", 1, 8, url_int("hops", 6, 1, 8)),
            "time_consistent": st.checkbox(
                "Time-consistent",
                url_flag("time"),
                help="Each hop still holds when the next one starts.",
            ),
            "confirmed": st.checkbox("Confirmed relationships only", url_flag("confirmed")),
            "through_context": st.checkbox(
                "Through places, works and concepts",
                url_flag("context"),
                help="By default a path does not step through a place, publication or concept.",
            ),
        }
    for name, key, default in (
        ("k", "k", 3),
        ("hops", "max_hops", 6),
        ("time", "time_consistent", False),
        ("confirmed", "confirmed", False),
        ("context", "through_context", False),
    ):
        to_url(name, chosen[key], default)
    return chosen


def choose_ends() -> tuple[str | None, str | None, str | None]:
    """Return the source, and either a target entity or a target type (from the URL: `to`
    for an entity, else `type`, Reform by default)."""
    with st.sidebar:
        source = pick_entity(graph, version, "From", key="path-from", param="from")
        modes = [ANY, "An entity"]
        mode = st.radio("To", modes, index=1 if "to" in st.query_params else 0, horizontal=True)
        if mode == ANY:
            st.query_params.pop("to", None)
            types = sorted(graph.model.classes)
            wanted = st.query_params.get("type", "Reform")
            default = types.index(wanted) if wanted in types else types.index("Reform")
            type_ = st.selectbox("Type", types, index=default)
            to_url("type", type_, "Reform")
            return source, None, type_
        st.query_params.pop("type", None)
        return source, pick_entity(graph, version, "To", key="path-to", param="to"), None


def pick_reached(source: str, type_: str, options: dict[str, Any]) -> str | None:
    """List what the source reaches of a type; return the one chosen (the best first)."""
    labels = entity_labels(version)
    results = reachable(version, source, type_, options)
    if not results:
        st.warning(f"{md(labels[source])} reaches no {type_} within {reach_hops(options)} hops.")
        return None
    st.markdown(f"**{md(labels[source])}** reaches {len(results)} {type_} entities:")
    if reach_hops(options) < options["max_hops"]:
        st.caption(
            f"Within {reach_hops(options)} hops: on a graph this large, four hops out of a "
            "well-connected entity are half the graph, minutes to search. Paths to one chosen "
            "entity go up to the hops set."
        )
    st.dataframe(
        [
            {
                "entity": r["label"],
                "hops": r["length"],
                "weak hops": r["weak_hops"],
                "citations": r["citations"],
            }
            for r in results
        ],
        hide_index=True,
    )
    target: str = st.selectbox(
        "Show the paths to", [r["id"] for r in results], format_func=labels.__getitem__
    )
    return target


def main() -> None:
    st.title("Path tracer")
    st.caption("Shortest chains of cited relationships; every step carries its quotes.")
    source, target, type_ = choose_ends()
    options = options_panel()
    if source is None:
        st.stop()
    st.query_params["from"] = source
    try:
        if type_ is not None:
            target = pick_reached(source, type_, options)
        if target is None:
            st.stop()
        found = trace(version, source, target, options)
    except CivicGraphError as exc:
        show_error(exc)
        st.stop()
    st.markdown(
        f"### {md(found['from']['label'])} → {md(found['to']['label'])}: "
        f"{len(found['paths'])} path(s)"
    )
    profile_link(target, f"Open {found['to']['label']}", icon=":material/badge:")
    show_paths(found)


main()
