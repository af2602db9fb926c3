"""Find the data files and read each into raw records, keeping the line of every record and key.

Plain block YAML goes through the fast `blockyaml` reader; anything else through PyYAML,
which gives the same values and lines. Whatever a file holds, reading it never raises: a
file that is not UTF-8, not YAML, or holds a key twice or a value YAML cannot build (a
date that does not exist, an integer of thousands of digits) is a `Problem` at its line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from civicgraph.build.blockyaml import Unsupported, read_items
from civicgraph.build.records import FOLDERS, Kind, RawRecord
from civicgraph.build.sources import decoded
from civicgraph.errors import Problem, clipped, relative_to_cwd

try:  # the C parser is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as YamlLoader  # type: ignore[assignment]


def data_files(data_dir: Path) -> Iterator[tuple[Kind, Path]]:
    """Yield each YAML file of the data folders with the kind of record it holds."""
    for folder, kind in FOLDERS.items():
        for path in sorted((data_dir / folder).glob("*.y*ml")):
            yield kind, path


def read_raw(
    kind: Kind, path: Path, on_read: Callable[[Path, bytes], None] | None = None
) -> tuple[list[RawRecord], list[Problem]]:
    """Parse one YAML file into raw records, keeping the line of every record and key.

    Plain block YAML goes through the fast `blockyaml` reader; anything else through PyYAML,
    which gives the same values and lines (and the error messages for a broken file).
    """
    shown = relative_to_cwd(path)
    try:
        data = path.read_bytes()
    except OSError as exc:  # a directory named *.yaml, a file without read permission…
        return [], [Problem(shown, 1, f"cannot read the file: {exc.strerror or exc}")]
    if on_read is not None:
        on_read(path, data)
    text = decoded(data, shown)
    if isinstance(text, Problem):
        return [], [text]
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as `read_text` would
    try:
        items = read_items(text)
    except Unsupported:
        return _read_raw_pyyaml(kind, shown, text)
    return [RawRecord(kind, shown, i.line, i.data, i.key_lines, i.source_lines) for i in items], []


def _read_raw_pyyaml(kind: Kind, shown: str, text: str) -> tuple[list[RawRecord], list[Problem]]:
    loader = YamlLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return [], []
        if not isinstance(root, yaml.SequenceNode):
            return [], [Problem(shown, root.start_mark.line + 1, "file must be a YAML list")]
        records, problems = [], []
        for node in root.value:
            line = node.start_mark.line + 1
            if not isinstance(node, yaml.MappingNode):
                problems.append(Problem(shown, line, f"{kind} record must be a mapping"))
                continue
            key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value}
            repeated = _repeated_key(node)
            if repeated is not None:
                problems.append(Problem(shown, *repeated))
                continue
            source_lines = [
                item.start_mark.line + 1
                for k, v in node.value
                if k.value == "sources" and isinstance(v, yaml.SequenceNode)
                for item in v.value
            ]
            try:
                data = loader.construct_object(node, deep=True)
            except ValueError as exc:  # a value YAML types but cannot build: say which
                found = _unreadable_scalar(node)
                problems.append(Problem(shown, *(found or (line, f"unreadable value: {exc}"))))
                continue
            records.append(RawRecord(kind, shown, line, data, key_lines, source_lines))
        return records, problems
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        if isinstance(exc, yaml.reader.ReaderError):  # a character YAML refuses, e.g. NUL
            line = text[: exc.position].count("\n") + 1
            character = exc.character if isinstance(exc.character, str) else chr(exc.character)
            reason = f"character U+{ord(character):04X} is not allowed in YAML"
        reason = " ".join(str(reason).split())  # one line, as every error is
        return [], [Problem(shown, line, f"malformed YAML: {reason}")]
    finally:
        loader.dispose()


def _repeated_key(node: yaml.Node) -> tuple[int, str] | None:
    """Find a key given twice in one mapping of a record (YAML would keep the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if isinstance(key, yaml.ScalarNode) and key.value in seen:
                first = seen[key.value]
                return (
                    line,
                    f"key {key.value!r} is given twice in one record (first at line {first})",
                )
            seen[key.value] = line
            if found := _repeated_key(value):
                return found
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if found := _repeated_key(item):
                return found
    return None


def _unreadable_scalar(node: yaml.Node) -> tuple[int, str] | None:
    """Find the value YAML reads as a type it then cannot build (2006-02-30 as a date, an
    integer of thousands of digits)."""
    if isinstance(node, yaml.ScalarNode):
        try:
            YamlLoader("").construct_object(node, deep=True)
        except ValueError as exc:
            reason = str(exc).split(";")[0]  # not Python's advice on raising its limits
            return (
                node.start_mark.line + 1,
                f"value {clipped(node.value, 40)} cannot be read: {reason}",
            )
        return None
    children = (
        node.value
        if isinstance(node, yaml.SequenceNode)
        else [part for pair in getattr(node, "value", []) for part in pair]
    )
    for child in children:
        if found := _unreadable_scalar(child):
            return found
    return None
