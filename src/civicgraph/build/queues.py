"""The review queues `suggest` writes, `data/review/SOURCE_ID.yaml`, as review reads them.

A queue is a mapping: `source`, `document` (the source text's file name), `mentions` (`m1`…)
and `relationships` (`r1`…), every item with a `status` (pending, accepted, rejected). An
item is named `SOURCE_ID/m3`, or `m3` alone where only one queue has an `m3`. A queue is
written back whole (it is generated, not curated), its header comment kept.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from civicgraph.build.yamledit import write_atomically
from civicgraph.errors import DataError, Problem, UsageError, relative_to_cwd

REVIEW_DIR = "review"
ITEM_STATUSES = ("pending", "accepted", "rejected")
KINDS = {"mentions": "mention", "relationships": "relationship"}


@dataclass
class Queue:
    """One review queue: its file, the source it reviews, its data and its header comment."""

    path: Path
    data: dict[str, Any]
    header: str
    lines: dict[str, int] = field(default_factory=dict)  # item id -> line

    @property
    def source(self) -> str:
        return self.path.stem

    @property
    def document(self) -> str:
        return str(self.data.get("document") or f"{self.source}.txt")

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield (kind, item) for every mention, then every relationship candidate."""
        for key, kind in KINDS.items():
            for item in self.data.get(key) or []:
                yield kind, item

    def find(self, local_id: str) -> tuple[str, dict[str, Any]] | None:
        return next(((k, i) for k, i in self.items() if i["id"] == local_id), None)


def load_queue(path: Path) -> Queue:
    """Read one queue; raise DataError at the line of whatever is wrong with it."""
    shown = relative_to_cwd(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Problem(shown, 1, f"cannot read the review queue: {exc}")]) from None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise DataError([Problem(shown, line, f"malformed YAML: {reason}")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise DataError([Problem(shown, 1, "a review queue is a mapping (see `suggest`)")])
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    for key_node, value_node in root.value:
        if key_node.value not in KINDS:
            continue
        items = data.get(key_node.value)
        if not isinstance(items, list) or not isinstance(value_node, yaml.SequenceNode):
            problems.append(Problem(shown, key_node.start_mark.line + 1, "must be a list"))
            continue
        for item, node in zip(items, value_node.value, strict=True):
            line = node.start_mark.line + 1
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                problems.append(Problem(shown, line, "a review item needs an `id`"))
                continue
            lines[item["id"]] = line
            if item.get("status") not in ITEM_STATUSES:
                allowed = ", ".join(ITEM_STATUSES)
                problems.append(Problem(shown, line, f"status must be one of {allowed}"))
    if problems:
        raise DataError(problems)
    header = "".join(f"{row}\n" for row in text.split("\n") if row.startswith("#"))
    return Queue(path, data, header, lines)


def queue_paths(data_dir: Path) -> list[Path]:
    return sorted((data_dir / REVIEW_DIR).glob("*.yaml"))


def load_queues(data_dir: Path, source: str | None = None) -> list[Queue]:
    """Read every queue under `data_dir/review/`, or only SOURCE's; UsageError if none."""
    paths = queue_paths(data_dir)
    where = relative_to_cwd(data_dir / REVIEW_DIR)
    if not paths:
        raise UsageError(f"no review queues in {where}/; run `civicgraph suggest SOURCE_ID`")
    if source is not None:
        chosen = [p for p in paths if p.stem == source]
        if not chosen:
            raise UsageError(f"no review queue {source!r} in {where}/{_hint(source, paths)}")
        paths = chosen
    return [load_queue(p) for p in paths]


def _hint(wanted: str, paths: list[Path] | list[str]) -> str:
    names = [p.stem if isinstance(p, Path) else p for p in paths]
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.4)
    return f"; did you mean: {', '.join(close)}" if close else f" (queues: {', '.join(names)})"


def find_item(queues: list[Queue], ref: str) -> tuple[Queue, str, dict[str, Any]]:
    """Find `SOURCE_ID/m3` (or a bare `m3` that only one queue holds): queue, kind, item."""
    source, _, local = ref.rpartition("/")
    if source:
        chosen = [q for q in queues if q.source == source]
        if not chosen:
            raise UsageError(f"no review queue {source!r}{_hint(source, [q.path for q in queues])}")
    else:
        chosen = [q for q in queues if q.find(local)]
        if len(chosen) > 1:
            names = ", ".join(q.source for q in chosen)
            raise UsageError(f"{local} is in several queues ({names}); write SOURCE_ID/{local}")
    found = chosen[0].find(local) if chosen else None
    if found is None:
        every = [f"{q.source}/{i['id']}" for q in queues for _, i in q.items()]
        close = difflib.get_close_matches(ref, every, n=3, cutoff=0.6)
        hint = f"; did you mean: {', '.join(close)}" if close else ""
        raise UsageError(f"no review item {ref!r}{hint} (see `civicgraph review list`)")
    return chosen[0], found[0], found[1]


def top_candidate(item: dict[str, Any]) -> dict[str, Any] | None:
    candidates = item.get("candidates") or []
    return candidates[0] if candidates else None


def listed(queues: list[Queue], status: str | None = None) -> list[dict[str, Any]]:
    """One row per item of the queues (those of one status if given), as `review list`."""
    rows = []
    for queue in queues:
        for kind, item in queue.items():
            if status and item.get("status") != status:
                continue
            row = {
                "item": f"{queue.source}/{item['id']}",
                "source": queue.source,
                "kind": kind,
                "status": item.get("status"),
                "text": item.get("text") if kind == "mention" else item.get("quote"),
                "char_start": item.get("char_start"),
                "char_end": item.get("char_end"),
            }
            if kind == "mention":
                row |= {"candidate": top_candidate(item), "entity": item.get("entity")}
            else:
                row |= {key: item.get(key) for key in ("subject", "object", "predicate")}
                row["relationship"] = item.get("relationship")
            if item.get("note"):
                row["note"] = item["note"]
            rows.append(row)
    return rows


def save_queue(queue: Queue) -> None:
    """Write a queue back whole, atomically, with its header comment."""
    body = yaml.safe_dump(queue.data, allow_unicode=True, sort_keys=False, width=100)
    write_atomically(queue.path, queue.header + body)
