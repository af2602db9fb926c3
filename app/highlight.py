"""The source reader's text: a window of a source with its cited spans highlighted by kind.

A Streamlit component (st.components.v2, no build step) so that a click on a span reaches
the page as a value rather than loading a new session. Registered once, when this module is
first imported. Every character of the source is HTML-escaped here; the component's script
only inserts this markup and reports which span was clicked.
"""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

KIND_COLOURS = {  # background of a span, by the kind of fact its innermost quote supports
    "entity": "#dbeafe",
    "relationship": "#fde2c4",
    "observation": "#d5f0d8",
}
KIND_NAMES = {
    "entity": "entity citation",
    "relationship": "relationship citation",
    "observation": "observation citation",
}

CSS = """
.reader { font-family: Georgia, 'Times New Roman', serif; font-size: 1.02rem;
  line-height: 1.7; white-space: pre-wrap; tab-size: 6; max-width: 48rem;
  color: #1f2328; overflow-wrap: anywhere; position: relative;
  max-height: 72vh; overflow-y: auto; padding: 0 .8rem 0 0; }
.reader mark { color: inherit; cursor: pointer; border-radius: 2px; padding: 0 1px; }
.reader mark.k-entity { background: #dbeafe; }
.reader mark.k-relationship { background: #fde2c4; }
.reader mark.k-observation { background: #d5f0d8; }
.reader mark.nested { border-bottom: 2px solid #8a8f98; }
.reader mark:hover, .reader mark:focus { outline: 1px solid #555; }
.reader mark.marked { outline: 2px solid #c2255c; background: #ffd8e6; }
"""

JS = """
export default function ({ parentElement, data, setTriggerValue }) {
  let box = parentElement.querySelector(".reader");
  if (!box) {
    box = document.createElement("div");
    box.className = "reader";
    parentElement.appendChild(box);
  }
  if (box.dataset.html !== data.html) {
    box.innerHTML = data.html;
    box.dataset.html = data.html;
    box.querySelectorAll("mark[data-span]").forEach(function (mark) {
      const pick = function () { setTriggerValue("span", Number(mark.dataset.span)); };
      mark.addEventListener("click", pick);
      mark.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pick(); }
      });
    });
    const marked = box.querySelector("mark.marked");
    // scroll the text's own box, not the page, so the facts beside it stay in view
    if (marked && data.scroll) { box.scrollTop = marked.offsetTop - box.clientHeight / 3; }
  }
  box.dataset.ready = "true";
}
"""

text_with_spans = st.components.v2.component("civicgraph.source_text", css=CSS, js=JS)


def markup(read: dict[str, Any]) -> str:
    """Write a reading's segments as escaped HTML, each covered segment a focusable mark
    of its innermost span's kind (nested when longer quotes cover it too)."""
    spans, marked = read["spans"], set(read["marked"])
    parts = []
    for segment in read["segments"]:
        text = html.escape(segment["text"], quote=True)
        if not segment["spans"]:
            parts.append(text)
            continue
        inner = segment["spans"][0]
        span = spans[inner]
        kinds = span["kinds"] or ["entity"]
        classes = [f"k-{kinds[0]}"]
        if len(segment["spans"]) > 1:
            classes.append("nested")
        if marked & set(segment["spans"]):
            classes.append("marked")
        title = " · ".join(KIND_NAMES[k] for k in kinds)
        title += f" · {len(span['facts'])} fact(s) · characters {span['start']}–{span['end']}"
        parts.append(
            f'<mark class="{" ".join(classes)}" data-span="{inner}" tabindex="0" '
            f'role="button" title="{html.escape(title, quote=True)}">{text}</mark>'
        )
    return "".join(parts)


def show_text(read: dict[str, Any], *, scroll: bool, key: str) -> int | None:
    """Draw the reading; return the index of the span clicked in this run, if any."""
    result = text_with_spans(
        data={"html": markup(read), "scroll": scroll}, key=key, on_span_change=lambda: None
    )
    clicked = getattr(result, "span", None)
    return int(clicked) if clicked is not None else None
