"""Edit one record of a data file in place, as text: every other byte of the file stays.

A curator's file keeps its comments, blank lines, key order and quoting; a review that
adds an alias or a citation to one record must not rewrite the rest, or its diff would
hide the change. `edit_record` finds the record's keys and values by PyYAML's marks (code
points into the text) and changes only there: it replaces a scalar, adds an item to a flow
list before its `]`, or inserts lines after the last item of a block list. A record written
as one flow mapping (`- {"id": ...}`, as `synth --layout lines` writes) is written again as
one line of JSON. Whatever was changed, the new text is read back and must hold exactly the
old data with the change made, or nothing is written (`EditError`).

`append_record` adds a new record at the end of a file, and `write_atomically` replaces a
file through a temporary file beside it, so that a failed write leaves the old one whole.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from civicgraph.errors import CivicGraphError

PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")  # slugs and file names: safe unquoted in YAML
YAML_WORDS = re.compile(r"^(?:y|n|yes|no|on|off|true|false|null|~)$", re.IGNORECASE)
PROSE = frozenset(("quote", "label", "label_es", "description", "note"))  # always quoted


class EditError(CivicGraphError):
    """A data file cannot be edited in place as asked (its layout, or a failed read-back)."""


@dataclass
class Change:
    """What to change in one record: scalar keys to set, an alias and a citation to add."""

    set_keys: dict[str, str] = field(default_factory=dict)
    alias: str | None = None
    citation: dict[str, Any] | None = None

    def apply(self, data: dict[str, Any]) -> None:
        """Make the change on a record's data, as the edited text must read."""
        data.update(self.set_keys)
        if self.alias is not None:
            aliases = data.get("aliases")
            listed = [] if aliases is None else aliases if isinstance(aliases, list) else [aliases]
            data["aliases"] = [*listed, self.alias]
        if self.citation is not None:
            data["sources"] = [*(data.get("sources") or []), self.citation]


def quoted(text: str) -> str:
    """Write a string as a one-line double-quoted YAML scalar (tabs as `\\t`), as PyYAML does."""
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 30)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def scalar(value: str | int) -> str:
    """Write a value plain where YAML reads it back as the same string or number."""
    if isinstance(value, int):
        return str(value)
    if PLAIN.match(value) and not YAML_WORDS.match(value):
        return value
    return quoted(value)


def mapping_lines(data: dict[str, Any], indent: str, first: str = "- ") -> list[str]:
    """Write a flat record as block YAML lines: `- key: value`, then `  key: value`."""
    lines: list[str] = []
    for key, value in data.items():
        lead = indent + (first if not lines else " " * len(first))
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            lines.append(f"{lead}{key}:")
            for item in value:
                lines += mapping_lines(item, lead + "  ")
        elif isinstance(value, list):
            lines.append(f"{lead}{key}: [{', '.join(scalar(v) for v in value)}]")
        else:
            shown = quoted(value) if key in PROSE and isinstance(value, str) else scalar(value)
            lines.append(f"{lead}{key}: {shown}")
    return lines


def _flow_citation(citation: dict[str, Any]) -> str:
    return (
        "{"
        + ", ".join(f"{k}: {quoted(v) if k in PROSE else scalar(v)}" for k, v in citation.items())
        + "}"
    )


def _content_end(node: yaml.Node) -> int:
    """Where a value's own text ends (a block list's marks run on over comments and blanks)."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False) or not node.value:
        return int(node.end_mark.index)
    last = node.value[-1]
    return _content_end(last[1] if isinstance(node, yaml.MappingNode) else last)


def _after_line(text: str, at: int, newline: str) -> tuple[int, str]:
    """The offset just past the line holding `at`, and a break to write first if it has none."""
    if at > 0 and text[at - 1] == "\n":  # a block scalar ends past its own line break
        return at, ""
    cut = text.find("\n", at)
    return (len(text), newline) if cut == -1 else (cut + 1, "")


def _indent_of(text: str, at: int) -> str:
    """The column of the list dash before `at` (an item's first key), as spaces."""
    line_start = text.rfind("\n", 0, at) + 1
    dash = text.rfind("-", line_start, at)
    return " " * ((dash if dash != -1 else at) - line_start)


class _Edits:
    """Text insertions and replacements, applied from the end so offsets stay right."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int, str]] = []

    def replace(self, start: int, end: int, new: str) -> None:
        self.spans.append((start, end, new))

    def insert(self, at: int, new: str) -> None:
        self.spans.append((at, at, new))

    def applied(self, text: str) -> str:
        for start, end, new in sorted(self.spans, key=lambda s: (s[0], s[1]), reverse=True):
            text = text[:start] + new + text[end:]
        return text


def edit_record(text: str, index: int, change: Change, shown: str) -> str:
    """Return `text` with the change made to its `index`-th root record, all else as it was."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        before = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EditError(f"{shown}:{_line(exc)}: cannot read it to edit: {_reason(exc)}") from None
    if not isinstance(root, yaml.SequenceNode) or not 0 <= index < len(root.value):
        raise EditError(f"{shown}: no record {index + 1} to edit")
    node = root.value[index]
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise EditError(f"{shown}:{line}: the record is not a mapping")
    expected = copy.deepcopy(before)
    change.apply(expected[index])
    newline = "\r\n" if "\r\n" in text else "\n"
    if node.flow_style:
        if "\n" in text[node.start_mark.index : node.end_mark.index]:
            raise EditError(f"{shown}:{line}: a flow mapping over several lines; edit it by hand")
        new_line = json.dumps(expected[index], ensure_ascii=False)
        edited = text[: node.start_mark.index] + new_line + text[node.end_mark.index :]
    else:
        edited = _block_edits(text, node, change, newline).applied(text)
    try:
        after = yaml.safe_load(edited)
    except yaml.YAMLError:
        after = None
    if after != expected:
        raise EditError(f"{shown}:{line}: cannot edit this record in place; edit it by hand")
    return edited


def _block_edits(text: str, node: yaml.MappingNode, change: Change, newline: str) -> _Edits:
    edits = _Edits()
    keys = {k.value: (k, v) for k, v in node.value}
    indent = " " * node.start_mark.column

    def new_key_at() -> int:  # new keys go before `sources:`, as data/README.md orders them
        if "sources" in keys:
            key = keys["sources"][0]
            return int(key.start_mark.index - key.start_mark.column)
        return _after_line(text, _content_end(node), newline)[0]

    for key, value in change.set_keys.items():
        if key in keys:
            found = keys[key][1]
            if not isinstance(found, yaml.ScalarNode):
                raise EditError(f"{key!r} is not a single value")
            edits.replace(found.start_mark.index, found.end_mark.index, scalar(value))
        else:
            edits.insert(new_key_at(), f"{indent}{key}: {scalar(value)}{newline}")
    if change.alias is not None:
        alias = quoted(change.alias)
        if "aliases" not in keys:
            after = next((keys[k][1] for k in ("label_es", "label") if k in keys), None)
            at, lead = _after_line(text, _content_end(after), newline) if after else (0, "")
            at = at if after else new_key_at()
            edits.insert(at, f"{lead}{indent}aliases: [{alias}]{newline}")
        else:
            _add_item(text, keys["aliases"][1], alias, edits, newline)
    if change.citation is not None:
        citation = change.citation
        if "sources" not in keys:
            raise EditError("the record has no `sources:` to add a citation to")
        _add_item(
            text,
            keys["sources"][1],
            _flow_citation(citation),
            edits,
            newline,
            lambda dash: newline.join(mapping_lines(citation, dash)) + newline,
        )
    return edits


def _first_start(node: yaml.Node) -> int:
    return int(node.value[0].start_mark.index if node.value else node.start_mark.index)


def _add_item(
    text: str,
    node: yaml.Node,
    flow: str,
    edits: _Edits,
    newline: str,
    block: Callable[[str], str] | None = None,
) -> None:
    """Add an item to a list value: `flow` inside `[...]`, or lines below a block list
    (`block(dash_indent)`, by default `- flow`)."""
    if isinstance(node, yaml.ScalarNode):  # `aliases: Ruiz`, one name without a list
        edits.replace(node.start_mark.index, node.end_mark.index, f"[{scalar(node.value)}, {flow}]")
        return
    if not isinstance(node, yaml.SequenceNode):
        raise EditError("a list was expected")
    if node.flow_style:
        close = node.end_mark.index - 1
        if text[close] != "]":
            raise EditError("a flow list that does not end with ]")
        edits.insert(close, f", {flow}" if node.value else flow)
        return
    at, lead = _after_line(text, _content_end(node), newline)
    dash = _indent_of(text, _first_start(node))
    edits.insert(at, lead + (block(dash) if block else f"{dash}- {flow}{newline}"))


def append_record(text: str, record: dict[str, Any], shown: str) -> str:
    """Return a data file's text with one block record added at its end (a blank line before)."""
    try:
        before = yaml.safe_load(text) if text.strip() else []
    except yaml.YAMLError as exc:
        raise EditError(f"{shown}:{_line(exc)}: cannot add a record: {_reason(exc)}") from None
    if not isinstance(before, list):
        raise EditError(f"{shown}:1: cannot add a record: the file is not a YAML list")
    newline = "\r\n" if "\r\n" in text else "\n"
    body = text if not text or text.endswith("\n") else text + newline
    separator = newline if body.strip() else ""
    edited = body + separator + newline.join(mapping_lines(record, "")) + newline
    if yaml.safe_load(edited) != [*before, record]:
        raise EditError(f"{shown}: cannot add the record as written; add it by hand")
    return edited


def _line(exc: yaml.YAMLError) -> int:
    mark = getattr(exc, "problem_mark", None)
    return int(mark.line) + 1 if mark is not None else 1


def _reason(exc: yaml.YAMLError) -> str:
    return " ".join(str(getattr(exc, "problem", None) or exc).split())


def write_atomically(path: Path, text: str) -> None:
    """Replace a file's text through a temporary file beside it (all or nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
