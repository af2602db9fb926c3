"""Timeline: the dated relationships and events of an entity, or of the graph, over time.

Permalinks: `timeline?entity=<id>`, or `timeline?type=<Type>` (relationships touching an
entity of that type, e.g. Event) and `&relation=<relation>`. Bars are periods (a start and
an end), hatched-light bars the periods a text places something within (not a start or an
end), triangles a start or an end alone. Each mark links to its quote in the source reader.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import altair as alt
import streamlit as st
from explorer import (
    current,
    entity_labels,
    is_large,
    md,
    network_choices,
    pick_entity,
    profile_link,
    show_error,
)

from civicgraph.errors import CivicGraphError
from civicgraph.model.text import when

graph, version = current()
ALL = ""
MAX_ROWS = 300  # relationships drawn; more would be rows too thin to read
SPAN_NAMES = {
    "interval": "began and ended",
    "within": "within a period",
    "start": "began",
    "end": "ended",
}


@st.cache_data(max_entries=64)
def timeline_rows(
    version: str, entity: str | None, type_: str | None, relation: str | None
) -> list[dict[str, Any]]:
    return graph.timeline(
        entity,
        types=[type_] if type_ else None,
        relations=[relation] if relation else None,
    )


def reader_link(source: dict[str, Any]) -> str:
    query = {"doc": source["document"], "at": source["char_start"], "end": source["char_end"]}
    return "sources?" + urlencode(query)


def chart_rows(rows: list[dict[str, Any]], entity: str | None) -> list[dict[str, Any]]:
    out = []
    for row in rows[:MAX_ROWS]:
        if entity is None:
            fact = f"{row['subject']['label']} {row['verb']} {row['object']['label']}"
        elif row["subject"]["id"] == entity:
            fact = f"{row['verb']} {row['object']['label']}"
        else:
            fact = f"{row['subject']['label']} {row['verb']} (this)"
        first = row["sources"][0] if row["sources"] else None
        quote = first["quote"] if first else ""
        out.append(
            {
                "fact": fact,
                "row": f"{fact} · {row['id']}",
                "from": row["from"],
                "until": row["until"],
                "dates": when(row),
                "kind": SPAN_NAMES[row["span"]],
                "status": row["status"],
                "quote": quote if len(quote) <= 280 else quote[:277] + "…",
                "link": reader_link(first) if first else "",
            }
        )
    return out


def draw(rows: list[dict[str, Any]]) -> alt.LayerChart:
    """One row per relationship: a bar for a period, a triangle for a start or an end."""
    data = alt.Data(values=rows)
    order = [r["row"] for r in rows]
    y = alt.Y(
        "row:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelExpr="split(datum.label, ' · ')[0]", labelLimit=360),
    )
    colour = alt.Color(
        "kind:N",
        title="dates",
        scale=alt.Scale(
            domain=list(SPAN_NAMES.values()),
            range=["#3b6ea5", "#9db7d5", "#2f8f5b", "#b5523b"],
        ),
    )
    tooltip = [
        alt.Tooltip("fact:N", title="fact"),
        alt.Tooltip("dates:N", title="dates"),
        alt.Tooltip("status:N", title="status"),
        alt.Tooltip("quote:N", title="quote"),
    ]
    base = alt.Chart(data).encode(y=y, color=colour, tooltip=tooltip, href="link:N")
    bars = (
        base.transform_filter("datum.kind == 'began and ended' || datum.kind == 'within a period'")
        .mark_bar(height=12, cursor="pointer")
        .encode(
            x=alt.X(
                "from:T",
                title=None,
                axis=alt.Axis(format="%Y", grid=True),
                scale=alt.Scale(padding=14),  # the marks at either end stay whole
            ),
            x2="until:T",
            strokeDash=alt.condition(
                "datum.kind == 'within a period'", alt.value([4, 2]), alt.value([1, 0])
            ),
            stroke=alt.value("#3b6ea5"),
        )
    )
    starts = (
        base.transform_filter("datum.kind == 'began'")
        .mark_point(shape="triangle-right", size=140, filled=True, cursor="pointer")
        .encode(x="from:T")
    )
    ends = (
        base.transform_filter("datum.kind == 'ended'")
        .mark_point(shape="triangle-left", size=140, filled=True, cursor="pointer")
        .encode(x="until:T")
    )
    height = max(120, 26 * len(rows) + 40)
    chart = alt.layer(bars, starts, ends).properties(height=height)
    return chart.configure_legend(orient="bottom").configure_axisY(labelFontSize=12)


def pick(options: dict[str, str], label: str, param: str) -> str | None:
    """A select box that reads and writes one query parameter ('' for none)."""
    keys = list(options)
    requested = st.query_params.get(param, ALL)
    if requested not in options:
        if requested:
            st.warning(md(f"{param}={requested!r} is not known here; showing all."))
        requested = ALL
    chosen = st.selectbox(label, keys, index=keys.index(requested), format_func=options.__getitem__)
    if chosen:
        st.query_params[param] = chosen
    elif param in st.query_params:
        del st.query_params[param]
    return chosen or None


def main() -> None:
    labels = entity_labels(version)
    choices = network_choices(version)
    large = is_large(graph)
    with st.sidebar:
        if large:  # searched, not listed: a list of every entity is too large to send
            entity = pick_entity(
                graph, version, "Entity", key="timeline", param="entity", browse=False
            )
        else:
            entity = pick({ALL: "The whole graph", **labels}, "Entity", "entity")
        type_ = relation = None
        if entity is None and not large:
            type_ = pick(
                {ALL: "Any type", **{t: t for t in choices["types"]}}, "Touching a", "type"
            )
            relation = pick(
                {ALL: "Any relation", **{r: r for r in choices["relations"]}},
                "Relation",
                "relation",
            )
    if entity is None and large:
        st.title("Timeline")
        st.info(
            "Search an entity to see its timeline. The whole graph's timeline is not drawn "
            f"on a graph of {len(labels):,} entities: it would read every relationship into "
            "memory and send thousands of rows to the page."
        )
        st.stop()
    try:
        rows = timeline_rows(version, entity, type_, relation)
    except CivicGraphError as exc:
        show_error(exc)
        st.stop()
    st.title("Timeline" + (f": {md(labels[entity])}" if entity else ""))
    if entity:
        profile_link(entity, f"Open {labels[entity]}'s profile", icon=":material/badge:")
    if not rows:
        st.info("No dated relationships here: the sources give no dates for them.")
        st.stop()
    st.caption(
        f"{len(rows)} dated relationship(s). Bars run from start to end; dashed light bars are "
        "a period the text places a fact within (not when it began or ended); triangles "
        "mark a start or an end alone. Hover for the quote; click to read it in context."
    )
    shown = chart_rows(rows, entity)
    if len(rows) > MAX_ROWS:
        st.caption(f"The first {MAX_ROWS} by date are drawn; the table lists all.")
    st.altair_chart(draw(shown), width="stretch")
    table = [
        {
            "dates": when(row),
            "subject": row["subject"]["label"],
            "relation": row["verb"],
            "object": row["object"]["label"],
            "status": row["status"],
            "quote": row["sources"][0]["quote"] if row["sources"] else "",
            "read": reader_link(row["sources"][0]) if row["sources"] else None,
            "profile": f"profile?entity={row['object']['id']}",
        }
        for row in rows
    ]
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "read": st.column_config.LinkColumn("in context", display_text="read"),
            "profile": st.column_config.LinkColumn("object's profile", display_text="open"),
            "quote": st.column_config.TextColumn("quote", width="large"),
        },
    )


main()
