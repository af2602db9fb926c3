"""About the data: what the graph holds, where it comes from, how to cite it, its audit."""

from __future__ import annotations

from typing import Any

import streamlit as st
from explorer import current, is_large, md, open_graph

from civicgraph.errors import CivicGraphError

graph, version = current()


@st.cache_data(max_entries=8)
def counts(version: str) -> dict[str, Any]:
    return open_graph(version).stats()


@st.cache_data(max_entries=8)
def documents(version: str) -> dict[str, str]:
    return open_graph(version).documents()


@st.cache_data(show_spinner="Auditing the data against its sources…", max_entries=8)
def audit(version: str) -> dict[str, Any] | str:
    """Return the audit of the data this build came from, or why it could not run."""
    try:
        return open_graph(version).audit_report() or {}
    except (CivicGraphError, OSError) as exc:
        return str(exc)


def kept_audit(version: str) -> dict[str, Any] | str | None:
    """Return the audit kept beside the build (None until it is kept), or why it cannot be
    read; never computed here (not cached: it is kept while the server runs)."""
    try:
        return open_graph(version).audit_report(compute=False)
    except (CivicGraphError, OSError) as exc:
        return str(exc)


def show_counts() -> None:
    found = counts(version)
    columns = st.columns(4)
    columns[0].metric("Entities", sum(found["entities"].values()))
    columns[1].metric("Relationships", sum(found["relationships"].values()))
    columns[2].metric("Observations", found["observations"])
    columns[3].metric("Quotes (citations)", found["citations"])
    left, right = st.columns(2)
    with left:
        st.markdown("**Entities by type**")
        st.dataframe(
            [{"type": k, "entities": v} for k, v in found["entities"].items()], hide_index=True
        )
    with right:
        st.markdown("**Relationships by type**")
        st.dataframe(
            [{"relation": k, "relationships": v} for k, v in found["relationships"].items()],
            hide_index=True,
        )
    info = graph.build_info()
    st.caption(f"{found['triples']} triples · built {md(info.get('built_at', '?'))}")


def show_audit() -> None:
    st.markdown("## Data-quality audit")
    st.caption(
        "What the source texts name that no citation covers, entities resting on a single "
        "quote, and names that may denote the same thing (`civicgraph audit`)."
    )
    if is_large(graph):  # minutes of work: done beside the server (app/serve.py), not in it
        report = kept_audit(version)
        if report is None:
            st.info(
                "On a graph this large the audit is computed beside the explorer's server, "
                "not in it, and shown here once it is kept: reload this page in a few "
                "minutes, or run `civicgraph audit`."
            )
            return
    else:
        report = audit(version)
    if isinstance(report, str):
        st.warning(f"The audit could not run: {md(report)}")
        return
    coverage = report.get("coverage", {})
    columns = st.columns(max(len(coverage), 1))
    for column, (kind, c) in zip(columns, coverage.items(), strict=False):
        share = c["covered"] / c["distinct"] if c.get("distinct") else 1.0
        column.metric(
            f"Distinct {kind}s covered by a quote",
            f"{c['covered']} of {c['distinct']}",
            f"{share:.0%}",
            delta_color="off",
        )
    listed = {k: v for k, v in report.items() if isinstance(v, list)}
    st.dataframe(
        [{"finding": k.replace("_", " "), "count": len(v)} for k, v in listed.items()],
        hide_index=True,
    )
    uncited = report.get("uncited", [])
    if uncited:
        with st.expander(f"Uncited names and numbers ({len(uncited)})"):
            st.dataframe(
                [
                    {
                        "text": f.get("text"),
                        "kind": f.get("kind"),
                        "seen": len(f.get("occurrences", [])),
                    }
                    for f in uncited
                ],
                hide_index=True,
            )


def main() -> None:
    st.title("About the data")
    st.markdown(
        "civicgraph is a knowledge graph of Mexico's civic responses to crime and violence, "
        "curated by hand from the chapter below. Every relationship, observation and entity "
        "cites the verbatim words of its source, with character offsets, and the build fails "
        "if a quote is not found where it says."
    )
    show_counts()
    st.markdown("## Sources")
    for path, citation in sorted(documents(version).items()):
        st.markdown(f"- {md(citation)} — {md(path)}")
    st.markdown("## How to cite")
    st.markdown(
        "Cite the source for a fact, and civicgraph for the graph, e.g.:\n\n"
        "> Olson, Eric L., David A. Shirk and Duncan Wood (2014). *Building Resilient "
        "Communities in Mexico: Civic Responses to Crime and Violence.* Wilson Center, "
        "Mexico Institute; Justice in Mexico Project. Data via civicgraph "
        "(https://w3id.org/civicgraph/), entity ids as given in each profile."
    )
    show_audit()


main()
