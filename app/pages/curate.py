"""Curate: the pending items of the review queues (data/review/), accepted or rejected.

Shown only when the explorer runs with `civicgraph explore --curate`, which refuses any
address but loopback; the page checks the address again, since it writes to data/. Every
button calls the same functions as `civicgraph review` (civicgraph.build.review, and
civicgraph.build.judge for `review merge`/`judge`/`unmerge`), so a record is written exactly
as the command writes it. Nothing is rebuilt here: the page says
what it wrote and that `civicgraph build` loads it into the graph the other pages show.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
from explorer import md

from civicgraph.build.judge import add_judgement, remove_merge
from civicgraph.build.queues import Queue, load_queues, top_candidate
from civicgraph.build.resolutions import read_resolutions
from civicgraph.build.review import (
    NewEntity,
    Outcome,
    accept_mention,
    accept_relationship,
    data_records,
    reject,
)
from civicgraph.config import Settings
from civicgraph.errors import CivicGraphError, relative_to_cwd
from civicgraph.graph.suggest import LINKED
from civicgraph.model.ontology import load_model

LOOPBACK = ("127.0.0.1", "localhost", "::1")
DONE = "curate-done"

settings = Settings.resolve()
st.title("Curate")
address = st.get_option("server.address")
if not settings.curate or address not in LOOPBACK:
    st.error(
        "Curating writes to data/: run `civicgraph explore --curate`, which serves the "
        f"explorer on loopback only (this one listens on {md(address or 'every address')})."
    )
    st.stop()
data_dir = settings.data_dir
model = load_model(settings.ontology_dir.resolve())
st.caption(
    f"Pending items of {md(relative_to_cwd(data_dir / 'review'))}/, reviewed into "
    f"{md(relative_to_cwd(data_dir))}/ as `civicgraph review` does."
)


def act(what: str, action: Any) -> None:
    """Run a review action; keep what it wrote (or why it failed) for the next run."""
    try:
        outcome: Outcome = action()
    except CivicGraphError as exc:
        st.session_state[DONE] = ("error", f"{what}: {exc}")
    else:
        written = ", ".join(relative_to_cwd(Path(p)) for p in outcome.written)
        said = f"{outcome.status} {outcome.item}: {'; '.join(outcome.said)}. Wrote {written}."
        if any(Path(p).parent.name != "review" for p in outcome.written):
            said += (
                " Not yet in the graph: run `civicgraph build` (the page does not rebuild), "
                "then reload."
            )
        st.session_state[DONE] = ("success", said)


def judge(what: str, action: Any) -> None:
    """Run a judgement on two entities (data/resolutions.yaml); keep what it did."""
    try:
        judgement = action()
    except CivicGraphError as exc:
        st.session_state[DONE] = ("error", f"{what}: {exc}")
    else:
        pair = f"{judgement.first} and {judgement.second}"
        st.session_state[DONE] = (
            "success",
            f"{what}: {pair} ({judgement.verdict}) in {relative_to_cwd(data_dir)}/resolutions.yaml."
            " Not yet in the graph: run `civicgraph build` (the page does not rebuild), "
            "then reload.",
        )


def resolution_controls(entities: dict[str, str]) -> None:
    """Judge two entities the same (the first merged into the second), different or unsure;
    take back a merge."""
    st.markdown("## Same entity?")
    st.caption(
        "Judgements are kept in data/resolutions.yaml, one item each, reviewable in a "
        "diff; a merged id stays a redirect to the one kept."
    )
    slugs = sorted(entities)

    def label(slug: str) -> str:
        return f"{entities.get(slug, slug)} ({slug})"

    left, right = st.columns(2)
    first = left.selectbox("Entity", slugs, index=None, format_func=label, key="judge-first")
    second = right.selectbox("and entity", slugs, index=None, format_func=label, key="judge-second")
    verdict = st.radio(
        "They are",
        ("same", "different", "unsure"),
        format_func=lambda v: {"same": "the same (merge the first into the second)"}.get(v, v),
        horizontal=True,
        key="judge-verdict",
    )
    note = st.text_input("Why (optional)", key="judge-note")
    if st.button("Record judgement", key="judge") and first and second:
        judge(
            f"judged {verdict}",
            lambda: add_judgement(data_dir, model, verdict, first, second, note or None),
        )
        st.rerun()
    resolutions, _ = read_resolutions(data_dir)
    for judgement in resolutions.judgements:
        if judgement.verdict != "same":
            continue
        line = f"{label(judgement.first)} merged into {label(judgement.second)}"
        text, button = st.columns([4, 1])
        text.markdown(md(line))
        if button.button("Take back", key=f"unmerge-{judgement.first}"):
            judge("unmerged", lambda old=judgement.first: remove_merge(data_dir, model, old))
            st.rerun()


def mention_controls(queue: Queue, item: dict[str, Any], entities: dict[str, str]) -> None:
    ref = f"{queue.source}/{item['id']}"
    best = top_candidate(item)
    linked = best is not None and float(best["score"]) >= LINKED
    if linked and best and st.button(f"Accept as {best['label']} ({best['id']})", key=f"top-{ref}"):
        act(ref, lambda: accept_mention(data_dir, model, ref, linked=LINKED))
        st.rerun()
    choices = [c["id"] for c in item.get("candidates") or []]
    choices += sorted(set(entities) - set(choices))
    left, right = st.columns(2)
    with left:
        chosen = st.selectbox(
            "Link to entity",
            choices,
            format_func=lambda slug: f"{entities.get(slug, slug)} ({slug})",
            key=f"as-{ref}",
        )
        if st.button("Link", key=f"link-{ref}") and chosen:
            act(ref, lambda: accept_mention(data_dir, model, ref, linked=LINKED, entity=chosen))
            st.rerun()
    with right:
        kind = st.selectbox("New entity of type", sorted(model.classes), key=f"type-{ref}")
        label = st.text_input("English label", value=str(item.get("text")), key=f"label-{ref}")
        if st.button("Create", key=f"new-{ref}"):
            new = NewEntity(kind, label)
            act(ref, lambda: accept_mention(data_dir, model, ref, linked=LINKED, new=new))
            st.rerun()


def relationship_controls(queue: Queue, item: dict[str, Any]) -> None:
    ref = f"{queue.source}/{item['id']}"
    relations = sorted(model.relations)
    suggested = item.get("predicate")
    at = relations.index(suggested) if suggested in relations else None
    left, right = st.columns(2)
    predicate = left.selectbox("Predicate", relations, index=at, key=f"pred-{ref}")
    reverse = right.checkbox("Object is the subject", key=f"rev-{ref}")
    if st.button("Accept", key=f"rel-{ref}"):
        act(
            ref,
            lambda: accept_relationship(data_dir, model, ref, predicate=predicate, reverse=reverse),
        )
        st.rerun()


def reject_controls(queue: Queue, item: dict[str, Any]) -> None:
    ref = f"{queue.source}/{item['id']}"
    note = st.text_input("Why (optional)", key=f"note-{ref}")
    if st.button("Reject", key=f"reject-{ref}"):
        act(ref, lambda: reject(data_dir, ref, note or None))
        st.rerun()


def show_queue(queue: Queue, entities: dict[str, str]) -> None:
    pending = [(k, i) for k, i in queue.items() if i.get("status") == "pending"]
    st.markdown(f"## {md(queue.source)}")
    st.caption(f"{len(pending)} pending of {sum(1 for _ in queue.items())} items")
    mentions = {i["id"]: i for k, i in queue.items() if k == "mention"}
    for kind, item in pending:
        ref = f"{queue.source}/{item['id']}"
        if kind == "mention":
            best = top_candidate(item)
            match = f"{best['label']} ({best['score']})" if best else "no candidate"
            title = f"{ref} · “{item.get('text')}” → {match}"
        else:
            ends = [mentions.get(str(item.get(k)), {}) for k in ("subject", "object")]
            names = [f"{m.get('text')} ({m.get('status')})" for m in ends]
            title = f"{ref} · {names[0]} —{item.get('predicate') or '?'}→ {names[1]}"
        with st.expander(md(title)):
            if kind == "relationship":
                st.markdown(f"> {md(item.get('quote'))}")
                relationship_controls(queue, item)
            else:
                mention_controls(queue, item, entities)
            reject_controls(queue, item)


if DONE in st.session_state:
    level, message = st.session_state.pop(DONE)
    (st.success if level == "success" else st.error)(md(message))
try:
    queues = load_queues(data_dir)
    entities = {r.id: str(r.data.get("label")) for r in data_records(data_dir, ("entity",))}
except CivicGraphError as exc:
    st.info(md(str(exc)))
    st.stop()
for queue in queues:
    show_queue(queue, entities)
resolution_controls(entities)
