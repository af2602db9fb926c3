"""Statistics: the chapter's tables drawn from the graph's observations, each with its source.

Rows and categories come in the source's order (the library returns them so); figures are
written for people (`civicgraph.explorer.figures`); a figure the source words as a
comparison, or a measure with too few figures to compare, is stated in the source's words
with its quote rather than charted.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import altair as alt
import streamlit as st
from explorer import cite, current, md, open_graph

from civicgraph.explorer.figures import (
    as_printed,
    figure,
    is_comparison,
    number,
    period_words,
    scale_colours,
    shared_qualifier,
    unit_words,
)
from civicgraph.model.text import readable

graph, version = current()
CHARTED = 3  # fewer figures than this are stated, not charted: a chart of one bar compares nothing
LABELS = {"labelLimit": 0, "labelFontSize": 12, "titleFontSize": 12}  # labels never cut


@st.cache_data(max_entries=8)
def datasets(version: str) -> list[dict[str, Any]]:
    return open_graph(version).datasets()


@st.cache_data(max_entries=64)
def observations(version: str, dataset: str, measure: str) -> list[dict[str, Any]]:
    return open_graph(version).observations(dataset, measure=measure)


def in_order(values: list[str]) -> list[str]:
    """Distinct values in the order first met (the rows come in the source's order)."""
    return list(dict.fromkeys(values))


def flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per observation, a column per dimension (labels), and the quote as read."""
    ranked = any(r["rank"] is not None for r in rows)
    return [
        {
            "period": period_words(r["period"]),
            **{dim: ref["label"] for dim, ref in r["dimensions"].items()},
            "value": r["value"],
            "unit": unit_words(r["unit"]) or "count",
            # a comparison keeps the source's words: "20 %" would read as a share
            "figure": as_printed(r)
            if is_comparison(r["printed"])
            else figure(r["value"], r["unit"]),
            "as printed": as_printed(r),
            **({"rank": r["rank"]} if ranked else {}),
            "status": r["status"],
            "order": i,
            "quote": " | ".join(readable(s["quote"]) for s in r["sources"]),
        }
        for i, r in enumerate(rows)
    ]


def marks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a chart draws from: the flat rows without their quotes (the table has them)."""
    return [{k: v for k, v in t.items() if k != "quote"} for t in flat(rows)]


def tooltip(rows: list[dict[str, Any]], dims: list[str], measure: str) -> list[alt.Tooltip]:
    """What a mark says on hover: its dimensions, the figure with its unit (under the measure's
    name), the source's own words where they differ, and the rank only where the source
    ranks."""
    measure = measure.split(" (")[0]
    tips = [alt.Tooltip(f"{d}:N", title=d) for d in dims]
    if len({str(r["period"]) for r in rows}) > 1:
        tips.insert(0, alt.Tooltip("period:N", title="period"))
    tips.append(alt.Tooltip("figure:N", title=measure))
    if any(r["printed"] for r in rows):
        tips.append(alt.Tooltip("as printed:N", title="as printed"))
    if any(r["rank"] is not None for r in rows):
        tips.append(alt.Tooltip("rank:Q", title="rank"))
    return tips


def value_axis(rows: list[dict[str, Any]], title: str) -> alt.X:
    """The value axis; shares run 0–100 (a whole), not to the next round number past it."""
    if {r["unit"] for r in rows} == {"percent"}:
        scale = alt.Scale(domain=[0, 100], nice=False)
        return alt.X("value:Q", title=title, scale=scale, axis=alt.Axis(**LABELS))
    return alt.X("value:Q", title=title, axis=alt.Axis(format=",", **LABELS))


def heatmap(rows: list[dict[str, Any]], dim: str, measure: str) -> alt.LayerChart:
    """A dimension over periods as a grid of cells (a ranked table names different places each
    year, so lines would break off)."""
    base = alt.Chart(alt.Data(values=marks(rows))).encode(
        x=alt.X("period:O", title="year", axis=alt.Axis(labelAngle=0, **LABELS)),
        y=alt.Y(
            f"{dim}:N",
            title=dim,
            sort=alt.EncodingSortField("value", "sum", "descending"),
            axis=alt.Axis(**LABELS),
        ),
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "value:Q",
            title=unit_words(rows[0]["unit"]) or measure.split(" (")[0],
            scale=alt.Scale(scheme="orangered"),
            legend=alt.Legend(orient="top", labelFontSize=12, titleLimit=0, gradientLength=240),
        ),
        tooltip=tooltip(rows, [dim], measure),
    )
    dark = 0.6 * max(r["value"] for r in rows)  # white figures on the darkest cells
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("value:Q", format=","),
        color=alt.condition(alt.datum.value > dark, alt.value("white"), alt.value("#222222")),
        tooltip=tooltip(rows, [dim], measure),  # the figure covers its cell's middle
    )
    places = len({r["dimensions"][dim]["id"] for r in rows})
    return (heat + text).properties(height=60 + 26 * places)  # the axis inside it


def stacked(rows: list[dict[str, Any]], across: str, stack: str, measure: str) -> alt.Chart:
    """Bars across one dimension, stacked by the other, both in the source's order; answer
    categories that make up each bar's whole are a scale and get ordinal colours."""
    table = marks(rows)
    bars = in_order([t[across] for t in table])
    parts = in_order([t[stack] for t in table])
    totals: dict[str, float] = {}
    for t in table:
        totals[t[across]] = totals.get(t[across], 0) + t["value"]
    whole = stack == "category" and all(abs(v - 100) <= 1.5 for v in totals.values())
    colour = alt.Color(
        f"{stack}:N",
        title=stack,
        sort=parts,
        scale=alt.Scale(domain=parts, range=scale_colours(parts)) if whole else alt.Scale(),
        legend=alt.Legend(orient="top", labelLimit=0, labelFontSize=12, columns=2),
    )
    return (
        alt.Chart(alt.Data(values=table))
        .mark_bar()
        .encode(
            y=alt.Y(f"{across}:N", title=across, sort=bars, axis=alt.Axis(**LABELS)),
            x=value_axis(rows, measure),
            color=colour,
            order=alt.Order("order:Q"),
            tooltip=tooltip(rows, [across, stack], measure),
        )
        .properties(height=130 + 32 * len(bars))  # the legend and axis inside the height
    )


def bars(rows: list[dict[str, Any]], dim: str, measure: str) -> alt.LayerChart:
    """One bar per value of a dimension, in the source's order, each labelled with its figure."""
    table = marks(rows)
    short, qualifier = shared_qualifier([t[dim] for t in table])
    for t, label in zip(table, short, strict=True):
        t[dim] = label
    base = alt.Chart(alt.Data(values=table)).encode(
        y=alt.Y(
            f"{dim}:N",
            title=qualifier or dim,
            sort=in_order(short),
            axis=alt.Axis(**LABELS),
        ),
        x=value_axis(rows, measure),
    )
    drawn = base.mark_bar(color="#4c78a8").encode(tooltip=tooltip(rows, [dim], measure))
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(
        text="as printed:N", tooltip=tooltip(rows, [dim], measure)
    )
    return (drawn + text).properties(height=60 + 34 * len(rows))  # the axis inside it


def chart(rows: list[dict[str, Any]], measure: str) -> Any:
    """Pick a chart from the dimensions: over time, across two dimensions, or across one."""
    dims = sorted({d for r in rows for d in r["dimensions"]})
    periods = {str(r["period"]) for r in rows}
    if len(dims) == 1 and len(periods) > 1:
        return heatmap(rows, dims[0], measure)
    if len(dims) == 2:
        across, stack = dims
        if len({r["dimensions"][across]["id"] for r in rows}) < len(
            {r["dimensions"][stack]["id"] for r in rows}
        ):
            across, stack = stack, across
        return stacked(rows, across, stack, measure)
    if len(dims) == 1:
        return bars(rows, dims[0], measure)
    return None


def state(rows: list[dict[str, Any]]) -> None:
    """Give each figure as the source words it, with what it is about, its note and quote."""
    for r in rows:
        about = [ref["label"] for ref in r["dimensions"].values()]
        about.append(period_words(r["period"]))
        line = f"**{md(as_printed(r))}** · {md(' · '.join(about))}"
        compared = is_comparison(r["printed"])
        if (
            r["printed"]
            and not compared
            and readable(r["printed"]) != figure(r["value"], r["unit"])
        ):
            line += f" · stored as {md(figure(r['value'], r['unit']))}"
        if r["status"] != "reported":
            line += f" · _{md(r['status'])}_"
        st.markdown(line)
        if compared:
            st.caption("A comparison, as the text words it: not a share, so not charted.")
        if r["note"]:
            st.caption(md(readable(r["note"])))
        cite(r["sources"])


def ranks(rows: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Lay out ranked observations as the source prints them: rank by period."""
    ranked = [r for r in rows if r["rank"] is not None and len(r["dimensions"]) == 1]
    if len(ranked) < len(rows) or not ranked:
        return None
    table: dict[int, dict[str, Any]] = {}
    for r in sorted(ranked, key=lambda r: (r["rank"], str(r["period"]))):
        label = next(iter(r["dimensions"].values()))["label"]
        table.setdefault(r["rank"], {"rank": r["rank"]})[str(r["period"])] = (
            f"{label} ({number(r['value'])})"
        )
    return list(table.values())


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(k for r in rows for k in r))
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def show(dataset: dict[str, Any], measure: str) -> None:
    rows = observations(version, dataset["id"], measure)
    known = graph.model.measures.get(measure)
    name = known.label if known else measure
    units = [w for w in in_order([unit_words(r["unit"]) for r in rows]) if w]
    title = f"{name} ({', '.join(units)})" if units else name
    periods = in_order([period_words(r["period"]) for r in rows])
    charted = [r for r in rows if not is_comparison(r["printed"])]
    if len(charted) >= CHARTED:
        during = periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"
        st.markdown(f"**{md(title)}, {md(during)}**")
        drawn = chart(charted, title)
        if drawn is not None:
            st.altair_chart(drawn, width="stretch")
        stated = [r for r in rows if r not in charted]
    else:
        stated = rows
    state(stated)
    st.caption(md(dataset["source_line"]))
    ranked = ranks(rows)
    if ranked is not None:
        st.markdown("**Ranks, as the table prints them**")
        st.dataframe(ranked, hide_index=True)
    table = [{k: v for k, v in t.items() if k != "order"} for t in flat(rows)]
    one = len(rows) == 1
    counted = "The observation, with its" if one else f"The {len(rows)} observations, with their"
    with st.expander(f"{counted} quotes"):
        st.dataframe(table, hide_index=True)
        st.download_button(
            "Download CSV",
            as_csv(table),
            file_name=f"{dataset['id']}-{measure}.csv",
            mime="text/csv",
        )
        if rows and st.checkbox("Show the quotes in full", key=f"quotes-{dataset['id']}-{measure}"):
            for r in rows:
                cite(r["sources"])


def main() -> None:
    st.title("Statistics")
    st.caption(
        "Figures the chapter prints, stored as W3C Data Cube observations; each chart names "
        "its source."
    )
    found = datasets(version)
    if not found:
        st.info("This graph holds no statistical observations.")
        st.stop()
    by_id = {d["id"]: d for d in found}
    with st.sidebar:
        chosen = st.selectbox(
            "Dataset",
            list(by_id),
            format_func=lambda i: f"{by_id[i]['label']} ({by_id[i]['observations']})",
        )
        dataset = by_id[chosen]
        measures = graph.model.measures
        measure = st.radio(
            "Measure",
            dataset["measures"],
            format_func=lambda m: measures[m].label if m in measures else m,
        )
    st.subheader(md(dataset["label"]))
    show(dataset, measure)


main()
