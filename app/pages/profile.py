"""Entity profile: names, every relationship with its quotes, observations, ego network."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

import altair as alt
import streamlit as st
from explorer import (
    EVERYTHING,
    PAGES,
    VIS_NETWORK,
    cite,
    current,
    entity_labels,
    entity_profile,
    is_context,
    is_large,
    md,
    open_graph,
    pick_entity,
    profile_link,
    qualifiers,
    say_unknown,
    scores_for,
)

from civicgraph.explorer.drawing import network_html
from civicgraph.model.text import disagreement, readable, when

graph, version = current()
COMPACT_OVER = 40  # relationships: more are shown as one table


@st.cache_data(show_spinner="Drawing the neighbourhood…", max_entries=64)
def ego_network(version: str, entity_id: str) -> str:
    """Draw an entity and its direct neighbours (the best connected, if there are many):
    actors and what they act on, with places, works and concepts only around one of them."""
    opened = open_graph(version)
    # the neighbours and every relationship of each, not the whole layer (graph.drawn)
    near, nodes = opened.parts.ego(entity_id, top=60, include_context=is_context(opened, entity_id))
    return network_html(
        near,
        opened.model,
        nodes=nodes,
        focus=entity_id,
        profile_page="profile",
        height="420px",
        library_url=VIS_NETWORK,
        kept_in=opened.build_dir,
    )


def relation_title(relation: dict[str, Any]) -> str:
    other = relation["other"]
    arrow = "→" if relation["direction"] == "out" else "←"
    title = f"{arrow} {md(other['label'])}"
    if relation["role"]:
        title += f", as {md(relation['role'])}"
    dates = when(relation)
    if dates:
        title += f" ({md(dates)})"
    if relation["status"] != "reported":
        title += f" · **{relation['status']}**"
    if relation.get("disagrees_with"):
        title += " · ⚠ sources disagree"
    return title + qualifiers(relation) + f" · {len(relation['sources'])} quote(s)"


def warn_disagreements(item: dict[str, Any], about: str = "") -> None:
    """Say plainly, beside a relationship or observation, which other documents say otherwise
    (`about` names an observation, shown away from its table row)."""
    others = item.get("disagrees_with") or []
    if others:
        lines = "\n".join(f"- {md(disagreement(other))}" for other in others)
        st.warning(
            f"Sources disagree{f' on {md(about)}' if about else ''}: a record quoted from "
            f"another document says otherwise. Read both before relying on this one.\n\n{lines}",
            icon=":material/warning:",
        )


def disagreement_column(item: dict[str, Any]) -> dict[str, str]:
    """A table row's "sources disagree" cell, only where some other document says otherwise
    (a table of records nothing contradicts gets no such column)."""
    others = item.get("disagrees_with") or []
    return {"sources disagree": "; ".join(disagreement(o) for o in others)} if others else {}


def show_relations(profile: dict[str, Any]) -> None:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for relation in profile["relations"]:
        grouped[(relation["predicate"], relation["direction"])].append(relation)
    st.markdown(f"### Relationships ({len(profile['relations'])})")
    if not grouped:
        st.info("No relationships recorded for this entity.")
    if len(profile["relations"]) > COMPACT_OVER:
        relations_table(grouped)
        return
    for (predicate, direction), relations in sorted(grouped.items()):
        relation = graph.model.relations.get(predicate)
        verb = relation.label if relation else predicate
        heading = verb if direction == "out" else f"{verb} (by others)"
        st.markdown(f"**{md(heading)}** · {len(relations)}")
        for item in relations:
            with st.expander(relation_title(item)):
                warn_disagreements(item)
                cite(item["sources"])
                profile_link(
                    item["other"]["id"], f"Open {item['other']['label']}", icon=":material/badge:"
                )


def relations_table(grouped: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
    """Show many relationships as one table (a page of hundreds of expanders is slow to
    draw), each row with its quotes and links to the other entity and to the first quote."""
    rows = []
    for (predicate, direction), relations in sorted(grouped.items()):
        relation = graph.model.relations.get(predicate)
        verb = relation.label if relation else predicate
        for item in relations:
            first = item["sources"][0] if item["sources"] else None
            rows.append(
                {
                    "relationship": verb if direction == "out" else f"{verb} (by others)",
                    "entity": item["other"]["label"],
                    "profile": f"profile?entity={item['other']['id']}",
                    "role": item["role"],
                    "dates": when(item),
                    "status": item["status"],
                    **disagreement_column(item),
                    "quotes": " | ".join(readable(q["quote"]) for q in item["sources"]),
                    "in context": (
                        "sources?"
                        + urlencode(
                            {
                                "doc": first["document"],
                                "at": first["char_start"],
                                "end": first["char_end"],
                            }
                        )
                        if first
                        else None
                    ),
                }
            )
    st.caption(
        "Many relationships: one row each; open the other entity or read the quote in "
        "its source from the links."
    )
    st.dataframe(
        rows,
        column_config={
            "profile": st.column_config.LinkColumn(display_text="open"),
            "in context": st.column_config.LinkColumn(display_text="read"),
        },
        hide_index=True,
    )


def show_observations(profile: dict[str, Any]) -> None:
    observations = profile["observations"]
    if not observations:
        return
    labels = entity_labels(version)
    st.markdown(f"### Observations ({len(observations)})")
    rows = [
        {
            "measure": o["measure"],
            "period": str(o["period"]),
            "value": o["value"],
            "unit": o["unit"],
            "rank": o["rank"],
            **{k: labels.get(v, v) for k, v in o["dimensions"].items()},
            "quote": " | ".join(s["quote"] for s in o["sources"]),
            **disagreement_column(o),
        }
        for o in observations
    ]
    by_measure: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_measure[f"{row['measure']} ({row['unit']})"].append(row)
    for name, measured in by_measure.items():
        if len(measured) < 2:
            continue
        chart = (
            alt.Chart(alt.Data(values=measured))
            .mark_bar()
            .encode(
                x=alt.X("period:O", title="period"),
                y=alt.Y("value:Q", title=name),
                color=alt.Color("dataset:N", title="dataset"),
                tooltip=["period:O", "value:Q", "dataset:N", "rank:Q"],
            )
            .properties(height=220, title=name)
        )
        st.altair_chart(chart, width="stretch")
    st.dataframe(rows, hide_index=True)
    for observation in observations:
        warn_disagreements(observation, f"{observation['measure']} {observation['period']}")


def central_actors(count: int = 10) -> None:
    """List the best connected actors (places, works and concepts left out) as links."""
    part = graph.parts.network("pagerank", top=count)  # the actor layer's best, ties and all
    scores = part.scores if part is not None else scores_for(version, EVERYTHING, "pagerank")
    labels = entity_labels(version)
    ranked = sorted(scores, key=lambda n: (-scores[n], n))
    st.markdown("Or open one of the most central actors:")
    for entity_id in ranked[:count]:
        profile_link(entity_id, labels[entity_id], icon=":material/badge:")


def main() -> None:
    # the title first: the sidebar's list of every entity is a large message on a big graph
    heading = st.empty()
    named = st.query_params.get("entity")
    labels = entity_labels(version)
    if named in labels:
        heading.title(md(labels[named]))
    with st.sidebar:
        chosen = pick_entity(
            graph, version, "Entity", key="profile", param="entity", unknown_here=False
        )
    if chosen is None:
        heading.title("Entity profile")
        unknown = st.query_params.get("entity")
        if unknown:
            say_unknown(graph, version, unknown, links=True)
        else:
            listed = "" if is_large(graph) else ", or choose it in the list there"
            st.info(f"Search an entity in the sidebar{listed}.")
        central_actors()
        st.stop()
    profile = entity_profile(version, chosen)
    heading.title(md(profile["label"]))
    if named and named != chosen and named in graph.names.redirects:
        merged_note = (
            f"'{named}' was merged into {profile['label']} ({chosen}); its links lead here."
        )
        st.info(md(merged_note))
    st.caption(" · ".join(profile["types"]) + f" · id `{profile['id']}`")
    left, right = st.columns([3, 2])
    with left:
        if profile["label_es"]:
            st.markdown(f"Spanish: *{md(profile['label_es'])}*")
        if profile["aliases"]:
            st.markdown("Also: " + "; ".join(md(a) for a in profile["aliases"]))
        if profile.get("merged_from"):
            st.caption("Merged from: " + ", ".join(md(i) for i in profile["merged_from"]))
        if profile["description"]:
            st.markdown(md(profile["description"]))
        with st.expander(f"Sources for this entity ({len(profile['sources'])})"):
            cite(profile["sources"])
        st.page_link(
            PAGES["paths"],
            label="Trace paths from here",
            icon=":material/route:",
            query_params={"from": chosen},
        )
        here = (st.context.url or "").split("?")[0]
        st.code(f"{here}?entity={chosen}", language=None)
        show_relations(profile)
    with right:
        st.markdown("### Neighbourhood")
        st.iframe(ego_network(version, chosen), height=440, alt="Ego network")
        show_observations(profile)


main()
