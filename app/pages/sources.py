"""Source reader: a source text with every cited span highlighted, and the facts each supports.

Permalink: `sources?doc=<file>&at=<char_start>` opens the text around that offset with the
quote starting there marked (`&end=<char_end>` narrows it to one quote); `&from=<offset>`
pins the window's start (the previous/next links and a click keep the window in place).
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from explorer import PAGES, current, md, profile_link, quote_block, show_error
from highlight import KIND_COLOURS, KIND_NAMES, show_text

from civicgraph.errors import CivicGraphError
from civicgraph.model.text import when

graph, version = current()  # shared by every session: it reads each document's spans once


@st.cache_data(max_entries=8)
def document_titles(version: str) -> dict[str, str]:
    return graph.documents()


def offset(name: str) -> int | None:
    raw = st.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return max(0, int(raw))
    except ValueError:
        st.warning(md(f"{name}={raw!r} is not a character offset; ignored."))
        return None


def describe(fact: dict[str, Any]) -> str:
    """One fact as a line of Markdown, every value from the data escaped."""
    if fact["kind"] == "entity":
        entity = fact["entities"][0]
        return f"**Entity** · {md(entity['label'])} ({md(', '.join(entity['types']))})"
    if fact["kind"] == "relationship":
        subject, obj = fact["entities"]
        line = f"**Relationship** · {md(subject['label'])} *{md(fact['verb'])}* {md(obj['label'])}"
        dates = when(fact)
        if dates:
            line += f" ({md(dates)})"
        if fact["status"] != "reported":
            line += f" · **{md(fact['status'])}**"
        return line
    value = fact["value"]
    shown = f"{value:,}" if isinstance(value, int | float) else str(value)
    line = f"**Observation** · {md(fact['measure'])}, {md(fact['period'])}: {md(shown)}"
    if fact["unit"]:
        line += f" {md(fact['unit'])}"
    labels = ", ".join(e["label"] for e in fact["entities"])
    return line + (f" ({md(labels)})" if labels else "")


def show_facts(read: dict[str, Any]) -> None:
    """List the facts the marked spans support, each with links to its entities."""
    if not read["marked"]:
        st.info("Click a highlighted passage to see the facts it supports.")
        return
    for index in read["marked"]:
        span = read["spans"][index]
        st.markdown(f"**Facts this passage supports ({len(span['facts'])})**")
        st.markdown(quote_block(span["quote"]))
        st.caption(f"characters {span['start']}–{span['end']}")
        for number, fact in enumerate(span["facts"]):
            with st.container(border=True, key=f"fact-{index}-{number}"):
                st.markdown(describe(fact))
                for entity in fact["entities"]:
                    profile_link(entity["id"], entity["label"], icon=":material/badge:")
    chosen = read["spans"][read["marked"][0]]
    longer = [
        s
        for s in read["spans"]
        if s["start"] <= chosen["start"] and s["end"] >= chosen["end"] and s is not chosen
    ]
    if longer:
        st.caption(f"Within {len(longer)} longer quote(s); click around the passage to see them.")


def legend() -> None:
    chips = " ".join(
        f'<span style="background:{colour};padding:0 .4em;border-radius:3px">'
        f"{KIND_NAMES[kind]}</span>"
        for kind, colour in KIND_COLOURS.items()
    )
    marked = '<span style="outline:2px solid #c2255c;padding:0 .4em">opened at</span>'
    underline = '<span style="border-bottom:2px solid #8a8f98">inside a longer quote</span>'
    st.markdown(f"{chips} {marked} {underline}", unsafe_allow_html=True)  # fixed markup only


def main() -> None:
    titles = document_titles(version)
    if not titles:
        st.info("This build has no source documents.")
        st.stop()
    document = st.query_params.get("doc") or next(iter(sorted(titles)))
    if len(titles) > 1:
        with st.sidebar:
            options = sorted(titles)
            index = options.index(document) if document in options else 0
            picked = st.selectbox("Source", options, index=index)
            if picked != document and document in titles:
                st.query_params.from_dict({"doc": picked})
                st.rerun()
    at, end, start = offset("at"), offset("end"), offset("from")
    try:
        read = graph.read_source(document, at=at, end=end, start=start)
    except CivicGraphError as exc:
        show_error(exc)
        st.stop()
    clicked_key = "reader-text"
    st.title("Source reader")
    st.caption(md(titles.get(document, document)))
    window = read["window"]
    st.caption(
        f"{md(document)} · characters {window['start']:,}–{window['end']:,} of "
        f"{read['length']:,} · {len(read['spans'])} cited passages here"
    )
    legend()
    moves = st.columns([1, 1, 4])
    if read["previous"] is not None:
        with moves[0]:
            st.page_link(
                PAGES["sources"],
                label="Previous",
                icon=":material/arrow_back:",
                query_params={"doc": document, "from": str(read["previous"])},
            )
    if read["next"] is not None:
        with moves[1]:
            st.page_link(
                PAGES["sources"],
                label="Next",
                icon=":material/arrow_forward:",
                query_params={"doc": document, "from": str(read["next"])},
            )
    left, right = st.columns([3, 2])
    with left:
        clicked = show_text(read, scroll=start is None, key=clicked_key)
    if clicked is not None and 0 <= clicked < len(read["spans"]):
        span = read["spans"][clicked]
        st.query_params.from_dict(
            {
                "doc": document,
                "from": str(window["start"]),
                "at": str(span["start"]),
                "end": str(span["end"]),
            }
        )
        st.rerun()  # draw the text again with the clicked span marked
    with right:
        show_facts(read)


main()
