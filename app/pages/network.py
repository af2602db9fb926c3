"""Network: the graph drawn around a focus or its most central entities, with filters."""

from __future__ import annotations

from typing import Any

import streamlit as st
from explorer import (
    BIG,
    PAGES,
    TOP,
    Keep,
    current,
    entity_labels,
    is_large,
    md,
    metrics_for,
    network_choices,
    network_drawing,
    pick_entity,
    profile_link,
    show_error,
)
from urlstate import to_url, url_choice, url_flag, url_int, url_list, url_span

from civicgraph.errors import CivicGraphError

graph, version = current()


def unfocus() -> None:
    """Back to the most central entities: no focus in the URL, no search, no expansions."""
    st.query_params.pop("focus", None)
    st.query_params.pop("depth", None)
    st.session_state["network-search"] = ""
    st.session_state["network-went"] = None
    st.session_state["expanded"] = []


def sidebar(options: dict[str, Any]) -> dict[str, Any]:
    """Draw the sidebar controls and return their values."""
    with st.sidebar:
        focus = pick_entity(
            graph,
            version,
            "Focus on",
            key="network",
            param="focus",
            browse=False,
            search_label="Search an entity",
        )
        if focus is not None:
            depth = st.slider("Neighbourhood depth", 1, 3, url_int("depth", 1, 1, 3))
            st.button("Show the most central entities instead", on_click=unfocus)
        else:
            depth = 1
        metrics = metrics_for(graph)
        asked = st.query_params.get("metric")
        if asked and asked not in metrics:
            st.warning(md(f"The metric '{asked}' is not offered here; ranked by {metrics[0]}."))
        metric = url_choice("metric", metrics, metrics[0])
        metric = st.selectbox("Size and rank by", metrics, index=metrics.index(metric))
        top = st.slider("Entities shown (at most)", 20, 400, url_int("top", TOP, 20, 400), step=10)
        physics = st.toggle(
            "Let the layout settle (physics)", url_flag("physics"), disabled=top > 300
        )
        filters = {
            "types": url_list("types", options["types"]),
            "relations": url_list("relations", options["relations"]),
            "statuses": url_list("statuses", options["statuses"]),
            "around": url_list("around", list(options["movements"])),
        }
        large = is_large(graph)
        if large and (any(filters.values()) or st.query_params.get("years")):
            st.warning(
                "This link asks for filters, which the explorer does not apply on a graph "
                "this large; shown without them."
            )
            filters = {name: [] for name in filters}
        with st.expander("Filters", expanded=any(filters.values()) or url_flag("context")):
            if large:
                st.caption(
                    f"Filters by type, relation, status, movement or year are not offered on "
                    f"a graph of {len(graph.names.entities):,} entities: each would read and "
                    "score the whole graph in memory. The command line applies them (`civicgraph "
                    "centrality --type …`, `path … --status …`, `reach …`)."
                )
            types = st.multiselect("Types", options["types"], filters["types"], disabled=large)
            relations = st.multiselect(
                "Relationship types", options["relations"], filters["relations"], disabled=large
            )
            statuses = st.multiselect(
                "Claim status", options["statuses"], filters["statuses"], disabled=large
            )
            movements = st.multiselect(
                "Around movements",
                list(options["movements"]),
                filters["around"],
                format_func=options["movements"].__getitem__,
                disabled=large,
            )
            context = st.checkbox(
                "Include places, works and concepts",
                url_flag("context"),
                help="Drawn are actors and what they act on (people, organizations, movements, "
                "programs, reforms, events); places, publications, datasets and concepts only "
                "when ticked, or when one of them is the focus.",
            )
            between = None
            if options["years"] and options["years"][0] < options["years"][1] and not large:
                first, last = options["years"]
                chosen = st.slider("Years", first, last, url_span("years", first, last))
                between = None if chosen == (first, last) else chosen
    for name, value, default in (
        ("depth", depth, 1),
        ("metric", metric, metrics[0]),
        ("top", top, TOP),
        ("physics", physics, False),
        ("types", types, []),
        ("relations", relations, []),
        ("statuses", statuses, []),
        ("around", movements, []),
        ("context", context, False),
        ("years", between, None),
    ):
        to_url(name, value, default)
    return {
        "focus": focus,
        "depth": depth,
        "metric": metric,
        "top": top,
        "physics": physics,
        "keep": Keep(tuple(types), tuple(relations), tuple(statuses), between),
        "movements": tuple(movements),
        "context": context,
    }


def main() -> None:
    st.title("civicgraph explorer")
    st.caption(
        "Civic responses to crime and violence in Mexico — every relationship cites the words "
        "that support it. Click a node to open its profile; hover over a dot for its name "
        "(names are drawn where they fit: zoom in for more)."
    )
    wanted = sidebar(network_choices(version))
    labels = entity_labels(version)
    expanded: list[str] = st.session_state.setdefault("expanded", [])
    try:
        with st.spinner("Drawing the network…"):
            page, nodes, total = network_drawing(
                version,
                wanted["keep"],
                wanted["metric"],
                wanted["top"],
                wanted["focus"],
                wanted["depth"],
                tuple(expanded),
                wanted["movements"],
                wanted["physics"],
                wanted["context"],
            )
    except CivicGraphError as exc:
        show_error(exc)
        st.stop()
    focus = wanted["focus"]
    what = f"around **{md(labels[focus])}**" if focus else f"the top by {wanted['metric']}"
    st.markdown(f"Showing {len(nodes)} of {total} entities: {what}.")
    if total > BIG and not focus:
        st.caption("A large graph: search an entity or expand one to see its neighbourhood.")
    st.iframe(page, height=660, alt="Network of entities and relationships")
    left, right = st.columns(2)
    with left:
        if focus:
            profile_link(focus, f"Open the profile of {labels[focus]}", icon=":material/badge:")
            st.page_link(
                PAGES["paths"],
                label=f"Trace paths from {md(labels[focus])}",
                icon=":material/route:",
                query_params={"from": focus},
            )
    with right:
        pick = st.selectbox(
            "Expand the neighbours of",
            list(nodes),
            index=None,
            format_func=labels.__getitem__,
            placeholder="an entity shown",
        )
        if st.button("Expand neighbours", disabled=pick is None) and pick is not None:
            expanded.append(pick)
            st.rerun()
        if expanded and st.button(f"Clear {len(expanded)} expansion(s)"):
            expanded.clear()
            st.rerun()
    # a toggle, not an expander: a table is costly to draw, and most visits never open it
    if st.toggle(f"List the {len(nodes)} entities shown"):
        st.dataframe(
            [
                {"entity": labels[n], "profile": f"profile?entity={n}", "id": n}
                for n in sorted(nodes, key=lambda n: labels[n].casefold())
            ],
            column_config={"profile": st.column_config.LinkColumn(display_text="open")},
            hide_index=True,
        )


main()
