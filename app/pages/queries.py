"""Query consoles: SPARQL over the store and Cypher over the property graph."""

from __future__ import annotations

import csv
import io
from typing import Any

import streamlit as st
from explorer import current, md, show_error

from civicgraph.api import CivicGraph
from civicgraph.errors import CivicGraphError

graph, version = current()
MAX_ROWS = 10_000
OWN = "(write your own)"
SPARQL_HINT = "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a/civ:recordType ?type } GROUP BY ?type"
CYPHER_HINT = "MATCH (p:Person)-[r]->(m:Movement) RETURN p.label, type(r), m.label LIMIT 20"


def as_csv(table: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table["columns"])
    for row in table["rows"]:
        writer.writerow([row.get(c) for c in table["columns"]] if isinstance(row, dict) else row)
    return out.getvalue()


def show_table(table: dict[str, Any], name: str) -> None:
    # SPARQL rows are lists; Cypher rows (the contract's `cypher --json`) are dicts
    rows = [
        row if isinstance(row, dict) else dict(zip(table["columns"], row, strict=True))
        for row in table["rows"]
    ]
    note = f" (cut at {MAX_ROWS})" if table.get("truncated") else ""
    st.caption(f"{len(rows)} row(s){note}")
    st.dataframe(rows, hide_index=True, column_order=table["columns"])
    st.download_button("Download CSV", as_csv(table), file_name=f"{name}.csv", mime="text/csv")


def console(language: str, run: Any, hint: str) -> None:
    """A saved-query picker, an editor, a Run button, and the last answer or error."""
    saved = {q["name"]: q for q in CivicGraph.saved_queries(language)}
    choice = st.selectbox(
        "Saved queries", [OWN, *saved], key=f"{language}-saved", index=1 if saved else 0
    )
    if choice != OWN and saved[choice]["description"]:
        st.caption(md(saved[choice]["description"]))
    with st.form(f"{language}-form"):
        text = st.text_area(
            f"{language.upper()} query",
            value=saved[choice]["text"] if choice != OWN else "",
            height=220,
            placeholder=hint,
            key=f"{language}-text-{choice}",
        )
        submitted = st.form_submit_button("Run", type="primary")
    if submitted:
        try:
            with st.spinner("Running the query…"):
                st.session_state[f"{language}-answer"] = (run(text), None)
        except CivicGraphError as exc:
            st.session_state[f"{language}-answer"] = (None, exc)
    answer, error = st.session_state.get(f"{language}-answer", (None, None))
    if error is not None:
        show_error(error)
    elif answer is not None:
        show_table(answer, f"{language}-{choice if choice != OWN else 'query'}")


def sparql_tab() -> None:
    st.caption(
        "SPARQL 1.1 over the union of all graphs; prefixes civ:, id:, rdfs:, skos:, "
        "dcterms:, qb:, prov:, org:, foaf:, schema: are predefined."
    )
    console("sparql", lambda text: graph.sparql_table(text, limit=MAX_ROWS), SPARQL_HINT)


def cypher_tab() -> None:
    cypher = getattr(graph, "cypher", None)
    if cypher is None:
        st.info(
            "Cypher is not available in this build: it needs the Bolt server "
            "(`civicgraph serve bolt`). The saved Cypher queries are listed for reference."
        )
        for query in CivicGraph.saved_queries("cypher"):
            st.markdown(f"**{md(query['name'])}** — {md(query['description'])}")
            st.code(query["text"], language="cypher")
        return
    if graph.settings.bolt_uri:
        st.caption(f"Cypher over the property graph on {md(graph.settings.bolt_uri)}.")
    else:
        st.caption(
            "Cypher over the property-graph projection, read-only: writes, schema changes "
            "and LOAD CSV are refused by the server. No Bolt server is configured "
            "(`CIVICGRAPH_BOLT_URI`), so the first query starts one for this explorer and "
            "loads the graph (expect up to a minute); later queries reuse it."
        )
    console("cypher", lambda text: cypher(text, shared=True), CYPHER_HINT)


def main() -> None:
    st.title("Query consoles")
    sparql, cypher = st.tabs(["SPARQL", "Cypher"])
    with sparql:
        sparql_tab()
    with cypher:
        cypher_tab()


main()
