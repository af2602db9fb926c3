"""Statistics: the chapter's tables drawn from the graph's observations, each with its source."""

from __future__ import annotations

import csv
import io
from typing import Any

import altair as alt
import streamlit as st
from explorer import cite, current, md, open_graph

graph, version = current()


@st.cache_data(max_entries=8)
def datasets(version: str) -> list[dict[str, Any]]:
    return open_graph(version).datasets()


@st.cache_data(max_entries=64)
def observations(version: str, dataset: str, measure: str) -> list[dict[str, Any]]:
    return open_graph(version).observations(dataset, measure=measure)


def flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per observation, a column per dimension (labels), and the quote."""
    return [
        {
            "period": str(r["period"]),
            **{dim: ref["label"] for dim, ref in r["dimensions"].items()},
            "value": r["value"],
            "unit": r["unit"],
            "rank": r["rank"],
            "status": r["status"],
            "quote": " | ".join(s["quote"] for s in r["sources"]),
        }
        for r in rows
    ]


def chart(rows: list[dict[str, Any]], measure: str) -> Any:
    """Pick a chart from the dimensions: over time, across two dimensions, or across one."""
    dims = sorted({d for r in rows for d in r["dimensions"]})
    periods = {str(r["period"]) for r in rows}
    table = flat(rows)
    tooltip = ["period:N", *[f"{d}:N" for d in dims], "value:Q", "rank:Q"]
    base = alt.Chart(alt.Data(values=table))
    if len(dims) == 1 and len(periods) > 1:
        # a heatmap, not lines: a ranked table names different places each year
        dim = dims[0]
        cells = base.encode(
            x=alt.X("period:O", title="year"),
            y=alt.Y(
                f"{dim}:N", title=dim, sort=alt.EncodingSortField("value", "sum", "descending")
            ),
        )
        heat = cells.mark_rect().encode(
            color=alt.Color("value:Q", title=measure, scale=alt.Scale(scheme="orangered")),
            tooltip=tooltip,
        )
        text = cells.mark_text(fontSize=11).encode(
            text=alt.Text("value:Q", format=","),
            color=alt.value("#222222"),
        )
        places = len({r["dimensions"][dim]["id"] for r in rows})
        return (heat + text).properties(height=max(220, 24 * places))
    if len(dims) == 2:
        across, stack = dims
        if len({r["dimensions"][across]["id"] for r in rows}) < len(
            {r["dimensions"][stack]["id"] for r in rows}
        ):
            across, stack = stack, across
        return (
            base.mark_bar()
            .encode(
                y=alt.Y(f"{across}:N", title=across, sort="-x"),
                x=alt.X("value:Q", title=measure, stack="zero"),
                color=alt.Color(f"{stack}:N", title=stack),
                tooltip=tooltip,
            )
            .properties(height=max(220, 28 * len({r["dimensions"][across]["id"] for r in rows})))
        )
    if len(dims) == 1:
        return (
            base.mark_bar()
            .encode(
                y=alt.Y(f"{dims[0]}:N", title=dims[0], sort="-x"),
                x=alt.X("value:Q", title=measure),
                tooltip=tooltip,
            )
            .properties(height=max(160, 30 * len(rows)))
        )
    return None


def ranks(rows: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Lay out ranked observations as the source prints them: rank by period."""
    ranked = [r for r in rows if r["rank"] is not None and len(r["dimensions"]) == 1]
    if len(ranked) < len(rows) or not ranked:
        return None
    table: dict[int, dict[str, Any]] = {}
    for r in sorted(ranked, key=lambda r: (r["rank"], str(r["period"]))):
        label = next(iter(r["dimensions"].values()))["label"]
        table.setdefault(r["rank"], {"rank": r["rank"]})[str(r["period"])] = (
            f"{label} ({r['value']:,})"
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
    units = sorted({str(r["unit"]) for r in rows})
    title = f"{name} ({', '.join(units)})"
    drawn = chart(rows, title)
    if drawn is not None:
        st.altair_chart(drawn, width="stretch")
    st.caption(md(dataset["source_line"]))
    ranked = ranks(rows)
    if ranked is not None:
        st.markdown("**Ranks, as the table prints them**")
        st.dataframe(ranked, hide_index=True)
    table = flat(rows)
    with st.expander(f"The {len(rows)} observations, with their quotes"):
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
