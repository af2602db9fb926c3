"""Shared pieces of the explorer's pages: the cached graph, escaping, pickers, citations.

Every page reads the store through the civicgraph Python API only. Expensive things are
computed once for all sessions and threads of the server (`shared`, keyed by the build, so
a rebuild is picked up on the next rerun): the opened graph, filtered views, scores and the
Network page's drawings. `warm` computes the Network page's default view as the server
starts (app/serve.py), so a fresh server's first visitor does not wait for it. Small
per-page answers use `st.cache_data`, which hands each session its own copy.
"""

from __future__ import annotations

import inspect
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any, NamedTuple, ParamSpec, TypeVar

import streamlit as st

from civicgraph.api import CivicGraph
from civicgraph.errors import CivicGraphError, NotFoundError
from civicgraph.explorer.drawing import network_html
from civicgraph.graph.layout import neighbourhood, pick_nodes, relation_view
from civicgraph.model.text import readable

PAGES = {
    "network": "pages/network.py",
    "profile": "pages/profile.py",
    "paths": "pages/paths.py",
    "influence": "pages/influence.py",
    "statistics": "pages/statistics.py",
    "queries": "pages/queries.py",
    "sources": "pages/sources.py",
    "timeline": "pages/timeline.py",
    "about": "pages/about.py",
    "curate": "pages/curate.py",  # only with `civicgraph explore --curate` (see Home.py)
}
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
BIG = 2_000  # entities; past this, slow metrics are sampled or not offered
# entities; past this, nothing needs the whole projection in memory (minutes to read and
# collapse at 400k): the Network page draws from the kept files, without filters
WHOLE_UNTIL = 100_000
KEPT_METRICS = ["pagerank", "degree"]  # kept beside each build (graph.scores.KEPT)
# vis-network, served once from app/static/ (see app/.streamlit/config.toml) rather than
# inlined in every drawing; relative, so it resolves under any server.baseUrlPath
VIS_NETWORK = "app/static/vis-network.min.js"
TOP = 100  # entities the Network page draws until the reader asks for more or fewer
Params = ParamSpec("Params")
Result = TypeVar("Result")


def shared(max_entries: int) -> Callable[[Callable[Params, Result]], Callable[Params, Result]]:
    """Keep a function's last `max_entries` results for every session and thread; a caller
    asking for a value that another is computing waits for it rather than computing it
    again (the warm-up and a first visitor must not both score the graph on two cores).
    Results are shared, never copied: callers must not change them."""

    def wrap(func: Callable[Params, Result]) -> Callable[Params, Result]:
        results: OrderedDict[Hashable, Any] = OrderedDict()
        pending: dict[Hashable, threading.Lock] = {}
        guard = threading.Lock()
        signature = inspect.signature(func)

        @wraps(func)
        def cached(*args: Params.args, **kwargs: Params.kwargs) -> Result:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()  # f(v) and f(v, default) are one value
            key = tuple(bound.arguments.values())
            with guard:
                if key in results:
                    results.move_to_end(key)
                    return results[key]  # type: ignore[no-any-return]
                lock = pending.setdefault(key, threading.Lock())
            with lock:
                with guard:
                    if key in results:
                        return results[key]  # type: ignore[no-any-return]
                try:
                    value = func(*args, **kwargs)
                finally:
                    with guard:
                        pending.pop(key, None)
                with guard:
                    results[key] = value
                    while len(results) > max_entries:
                        results.popitem(last=False)
            return value

        return cached

    return wrap


def md(text: object) -> str:
    """Escape text from the data so Markdown shows it as written (never as markup or HTML)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


@shared(max_entries=4)
def open_graph(version: str) -> CivicGraph:
    """Open a build once for all sessions (its projection and views are read when a page
    first needs them: the Network page's usual views do not)."""
    return CivicGraph.open()


def is_context(graph: CivicGraph, entity_id: str) -> bool:
    """Whether an entity only gives context (a place, work, dataset or concept)."""
    found = graph.names.entities.get(entity_id)
    return found is not None and graph.model.is_contextual(found.types)


def is_large(graph: CivicGraph) -> bool:
    """Whether the graph is too large to hold whole in memory for a page (WHOLE_UNTIL)."""
    return len(graph.names.entities) > WHOLE_UNTIL


def current() -> tuple[CivicGraph, str]:
    """Return the graph and its version, or show why it cannot be opened and stop."""
    try:
        version = CivicGraph.current_version()
        with st.spinner("Opening the graph…"):
            return open_graph(version), version
    except CivicGraphError as exc:
        st.error(f"Cannot open the graph: {exc}")
        st.stop()


class Keep(NamedTuple):
    """Filter values in a hashable form, so cached functions can take them."""

    types: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    between: tuple[int, int] | None = None

    def apply(self, graph: CivicGraph) -> Any:
        """Return the API's Filter for these values."""
        return graph.keep(
            types=list(self.types) or None,
            relations=list(self.relations) or None,
            statuses=list(self.statuses) or None,
            between=self.between,
        )


EVERYTHING = Keep()


@shared(max_entries=16)
def view_for(version: str, keep: Keep) -> Any:
    """Return the filtered views of the projection (shared, never modified)."""
    graph = open_graph(version)
    return graph.view(keep.apply(graph))


@shared(max_entries=64)
def scores_for(version: str, keep: Keep, metric: str, context: bool = False) -> dict[str, float]:
    """Score every entity of a filtered graph by a centrality metric (the actor layer's
    entities unless `context`)."""
    graph = open_graph(version)
    count = len(graph.names.entities)
    sample = 300 if metric == "betweenness" and count > BIG else None
    ranked = graph.centrality(
        metric, top=count, sample=sample, keep=keep.apply(graph), include_context=context
    )
    return {row["id"]: row["score"] for row in ranked["results"]}


@shared(max_entries=8)
def network_choices(version: str) -> dict[str, Any]:
    """Return what the Network page's filters offer: types, relations, statuses, years,
    movements (id -> label, by label)."""
    choices = open_graph(version).parts.choices()
    movements = choices["movements"]
    return {
        **choices,
        "years": tuple(choices["years"]) if choices["years"] else None,
        "movements": dict(sorted(movements.items(), key=lambda m: (m[1].casefold(), m[0]))),
    }


@shared(max_entries=64)
def network_drawing(
    version: str,
    keep: Keep = EVERYTHING,
    metric: str = "pagerank",
    top: int = TOP,
    focus: str | None = None,
    depth: int = 1,
    expanded: tuple[str, ...] = (),
    movements: tuple[str, ...] = (),
    physics: bool = False,
    context: bool = False,
) -> tuple[str, tuple[str, ...], int]:
    """Return the page drawing the chosen part of the graph, what it shows, and of how many
    entities (the defaults are the Network page's first view). Actors and what they act on
    are drawn unless `context` (or a focus that is itself a place, work or concept)."""
    graph = open_graph(version)
    context = context or (focus is not None and is_context(graph, focus))
    part = None
    if keep == EVERYTHING and not movements:
        part = graph.parts.network(
            metric, top=top, focus=focus, depth=depth, expanded=expanded, include_context=context
        )
    if part is not None:  # from the kept files: the same drawing, without the whole graph
        shown_graph, scores, total = part
    else:
        shown_graph, scores, total = _whole(version, keep, metric, movements, context, focus)
        if keep.relations:
            depth = max(depth, shown_graph.number_of_nodes())  # all of it around a focus
    if focus is not None and focus not in shown_graph:
        focus = None
    nodes = pick_nodes(
        shown_graph, scores, top=top, focus=focus, depth=depth, expanded=expanded, limit=400
    )
    page = network_html(
        shown_graph,
        graph.model,
        nodes=nodes,
        focus=focus,
        scores=scores,
        score_name=metric,
        profile_page="profile",
        physics=physics,
        height="640px",
        library_url=VIS_NETWORK,
        kept_in=graph.build_dir,
    )
    return page, tuple(nodes), total


def _whole(
    version: str,
    keep: Keep,
    metric: str,
    movements: tuple[str, ...],
    context: bool,
    focus: str | None,
) -> tuple[Any, dict[str, float], int]:
    """The layer a filter keeps, around movements or within the relations asked about,
    with its scores: what `network_drawing` picks from when the kept files cannot say."""
    views = view_for(version, keep).layered(context)
    shown_graph = views.graph
    if movements:
        around = {n for m in movements for n in neighbourhood(shown_graph, m, 1)}
        shown_graph = shown_graph.subgraph(around)
    if keep.relations:  # only who takes part in the relations asked about (and the way there)
        whole = view_for(version, keep._replace(relations=())).layered(context).graph
        shown_graph = relation_view(whole, shown_graph, focus)
    scores = scores_for(version, keep, metric, context)
    return shown_graph, scores, shown_graph.number_of_nodes()


def warm() -> None:
    """Open the current build and draw the Network page's first view (run by app/serve.py
    as the server starts, so a fresh server's first visitor finds them done)."""
    version = CivicGraph.current_version()
    open_graph(version)
    entity_labels(version)  # the name index, read for labels and search
    network_choices(version)
    network_drawing(version)


@shared(max_entries=8)  # one copy for every session: 400k labels take a while to copy
def entity_labels(version: str) -> dict[str, str]:
    """Return every entity's display label, ordered by label (shared: never modify it)."""
    labels = open_graph(version).names.labels.items()  # the labels alone, read once
    return dict(sorted(labels, key=lambda item: (item[1].casefold(), item[0])))


@st.cache_data(max_entries=256)
def entity_profile(version: str, entity_id: str) -> dict[str, Any]:
    """Return an entity's profile (the contract's JSON shape)."""
    return open_graph(version).entity(entity_id)


def metrics_for(graph: CivicGraph) -> list[str]:
    """Offer the metrics that stay quick on this graph's size."""
    if is_large(graph):
        return KEPT_METRICS
    if len(graph.names.entities) > BIG:
        return ["pagerank", "degree", "betweenness"]
    return ["pagerank", "degree", "betweenness", "eigenvector", "closeness"]


def requested(version: str, param: str) -> tuple[str | None, str | None]:
    """Read the entity a page's URL names in `param`: (its id, None) when the build has it
    (the kept id for an id merged into another), (None, the text) when it does not,
    (None, None) when the URL names none."""
    raw = st.query_params.get(param)
    if not raw:
        return None, None
    if raw in entity_labels(version):
        return raw, None
    kept = open_graph(version).names.redirects.get(raw)
    return (kept, None) if kept else (None, raw)


def meant(graph: CivicGraph, text: str, type_: str | None = None) -> list[str]:
    """Return the ids an unknown id or name may have meant, best first (at most five)."""
    found: list[str] = []
    for words in (text, re.sub(r"[-_]+", " ", text)):
        for row in graph.search(words, type_=type_, limit=5):
            if row["id"] not in found:
                found.append(row["id"])
    return found[:5]


def say_unknown(
    graph: CivicGraph, version: str, raw: str, *, type_: str | None = None, links: bool = False
) -> list[str]:
    """Say plainly that the URL names no entity, with what it may have meant (as profile
    links when `links`); return those ids."""
    labels = entity_labels(version)
    ids = meant(graph, raw, type_)
    text = md(f"No entity with id '{raw}'.")
    if ids and not links:
        text += " Did you mean: " + "; ".join(md(f"{labels[i]} ({i})") for i in ids) + "?"
    elif not ids:
        text += " No similar name either."
    st.warning(text)
    if ids and links:
        st.markdown("Did you mean:")
        for entity_id in ids:
            profile_link(entity_id, labels[entity_id], icon=":material/badge:")
    return ids


def _searched(graph: CivicGraph, key: str, param: str, type_: str | None) -> None:
    """A search was typed: go to its best match (a new URL), or stay where the page is."""
    text = (st.session_state.get(f"{key}-search") or "").strip()
    best = graph.search(text, type_=type_, limit=1) if text else []
    if best:
        st.query_params[param] = best[0]["id"]
    st.session_state[f"{key}-went"] = st.query_params.get(param)


def _chose(key: str, param: str) -> None:
    """An entity was chosen in the picker's list: go to it (a new URL)."""
    chosen = st.session_state.get(f"{key}-choice")
    if chosen:
        st.query_params[param] = chosen
        st.session_state[f"{key}-went"] = chosen


def pick_entity(
    graph: CivicGraph,
    version: str,
    label: str,
    *,
    key: str,
    param: str,
    type_: str | None = None,
    browse: bool = True,
    search_label: str | None = None,
    unknown_here: bool = True,
) -> str | None:
    """Show which entity the URL's `param` names and let the reader go to another one.

    The URL is the single source of truth: searching goes to the best match and choosing
    in the list goes to that entity, each by setting `param` (a new URL, so Back and
    Forward walk through them); a link, Back or Forward that names another entity wins,
    and the search text, left from before, is cleared. A search with no match stays on the
    page and says so. Return the entity shown, or None when the URL names none or an
    unknown one (said here unless `unknown_here` is False). `browse` lists every entity
    when nothing is being searched."""
    labels = entity_labels(version)
    chosen, unknown = requested(version, param)
    if chosen or unknown:
        # say it again: a link to the page it is on reruns it with the new query but leaves
        # the address bar as it was (Streamlit updates the URL only on a change of page)
        st.query_params[param] = chosen or unknown or ""
    search, choice = f"{key}-search", f"{key}-choice"
    if st.session_state.get(search) and st.query_params.get(param) != st.session_state.get(
        f"{key}-went"
    ):
        st.session_state[search] = ""  # the URL went elsewhere since this search
    text = st.text_input(
        search_label or f"{label}: search",
        key=search,
        live=True,
        placeholder="Type a name, e.g. Sicilia, USAID, Juárez",
        on_change=_searched,
        args=(graph, key, param, type_),
    )
    browse = browse and not is_large(graph)  # a list of every entity is too large to send
    options = list(labels) if browse else []
    if text.strip():
        options = [row["id"] for row in graph.search(text, type_=type_, limit=25)]
        if not options:
            still = f"; still showing {labels[chosen]}" if chosen else ""
            st.warning(md(f"No entity matches '{text}'{still}."))
    if unknown is not None and unknown_here:
        say_unknown(graph, version, unknown, type_=type_)
    if options:
        st.session_state[choice] = chosen if chosen in options else None
        st.selectbox(
            f"{label} ({len(options)} matches)" if text.strip() else label,
            options,
            index=None,
            key=choice,
            format_func=labels.__getitem__,
            placeholder="Choose an entity",
            on_change=_chose,
            args=(key, param),
        )
    return chosen


def profile_link(entity_id: str, label: str, *, icon: str | None = None) -> None:
    """Link to an entity's profile page (a permalink: `profile?entity=<id>`)."""
    st.page_link(PAGES["profile"], label=md(label), icon=icon, query_params={"entity": entity_id})


def quote_block(quote: str) -> str:
    """Write a verbatim quote as a Markdown block quote (tabs kept as wide spaces, since a
    tab would turn a quoted table row into a code block), without the escapes the source's
    text extraction added (`readable`: "\\$1.4 billion" reads "$1.4 billion")."""
    lines = [md(readable(line).replace("\t", "\u00a0" * 4)) for line in quote.splitlines() or [""]]
    return "> " + "  \n> ".join(lines)


def cite(sources: list[dict[str, Any]]) -> None:
    """Show quotes as block quotes, each with its document and character offsets and a link
    to read it in context (the source reader, opened at the quote)."""
    for source in sources:
        st.markdown(quote_block(source["quote"]))
        st.caption(
            f"{md(source['document'])}, characters {source['char_start']}–{source['char_end']}"
        )
        st.page_link(
            PAGES["sources"],
            label="Read in context",
            icon=":material/menu_book:",
            query_params={
                "doc": source["document"],
                "at": str(source["char_start"]),
                "end": str(source["char_end"]),
            },
        )


def qualifiers(item: dict[str, Any]) -> str:
    """Write what a relationship was about and whether it has been read a second time, as
    Markdown to append to its line ('' when it is checked and about nothing in particular)."""
    text = ""
    if item.get("concerning"):
        text += f", concerning {md(item['concerning']['label'])}"
    if item.get("review") != "checked":
        text += " · *not yet read a second time*"
    return text


def show_error(exc: CivicGraphError) -> None:
    """Show an error from the library as one plain line, with any suggestions."""
    suggestions = getattr(exc, "suggestions", [])
    text = str(exc) + (f" — did you mean: {'; '.join(suggestions)}?" if suggestions else "")
    if isinstance(exc, NotFoundError):
        st.warning(md(text))
    else:
        st.error(md(text))
