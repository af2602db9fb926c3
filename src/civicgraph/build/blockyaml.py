"""Read the plain block YAML that data files are written in, fast, with the line of every item.

PyYAML composes a node for every scalar (with two marks) and constructs it in Python: some
10 µs a scalar, minutes for a LittleSis-sized corpus. Data files use a small part of YAML: a
block list of block mappings whose values are one-line scalars, flow lists of scalars, or
nested block lists and mappings. `read_items` reads exactly that part, line by line. Plain
scalars are resolved with PyYAML's own resolver and constructors, and quoted scalars are
unescaped with its escape table, so the values are the ones PyYAML gives. On anything else
(block scalars `|` `>`, multi-line scalars, anchors, tags, flow mappings, `\\u` escapes,
duplicate keys, documents, a non-list root, an item that is not a mapping) it raises
`Unsupported`, and the caller reads the file with PyYAML instead: the same data and lines,
and the same error messages for a broken file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from yaml.reader import Reader
from yaml.scanner import Scanner

KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?$")
ESCAPE = re.compile(r"\\(.)")
STR_TAG = "tag:yaml.org,2002:str"
_LOADER = yaml.SafeLoader("")  # PyYAML's resolver and constructors, used for plain scalars


class Unsupported(Exception):
    """The text uses YAML this reader does not handle; read it with PyYAML."""


@dataclass
class Item:
    """One mapping of the root list: its values and the line of it, its keys and `sources`."""

    line: int
    data: dict[str, Any]
    key_lines: dict[str, int]
    source_lines: list[int]


def _plain(text: str) -> Any:
    if text.isdigit() and text.isascii() and (text[0] != "0" or text == "0"):
        if len(text) > 4000:  # past Python's int conversion limit: PyYAML says where
            raise Unsupported("an integer too long to read")
        return int(text)  # the commonest plain scalar (offsets); 0-led digits are octal in YAML 1.1
    return _resolved(text)


@cache
def _resolved(text: str) -> Any:
    tag = _LOADER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == STR_TAG:
        return text
    try:
        return _LOADER.yaml_constructors[tag](_LOADER, yaml.ScalarNode(tag, text))
    except ValueError as exc:  # 2006-02-30, or thousands of digits: PyYAML reports the line
        raise Unsupported(f"a value PyYAML cannot construct: {exc}") from None


def _unescape(match: re.Match[str]) -> str:
    char = match.group(1)
    if char not in Scanner.ESCAPE_REPLACEMENTS:  # \x, \u, \U and unknown escapes
        raise Unsupported(f"escape \\{char}")
    return Scanner.ESCAPE_REPLACEMENTS[char]


def _after_quote(rest: str) -> None:
    stripped = rest.lstrip(" ")
    if stripped and not (stripped.startswith("#") and len(stripped) < len(rest)):
        raise Unsupported("text after a quoted scalar")


def _quoted(text: str) -> tuple[str, str]:
    """Split a quoted scalar at the start of `text` from what follows it."""
    if text[0] == '"':
        at = 1
        while True:
            at = text.find('"', at)
            if at == -1:
                raise Unsupported("multi-line double-quoted scalar")
            # count the backslashes before it in place: slicing `text[:at]` at every
            # escaped quote made a long value with many of them quadratic
            backslashes = 0
            while text[at - 1 - backslashes] == "\\":  # stops at the opening quote
                backslashes += 1
            if backslashes % 2 == 0:
                break
            at += 1
        inner = text[1:at]
        value = ESCAPE.sub(_unescape, inner) if "\\" in inner else inner
        return value, text[at + 1 :]
    at = 1
    while True:
        at = text.find("'", at)
        if at == -1:
            raise Unsupported("multi-line single-quoted scalar")
        if text.startswith("''", at):
            at += 2
            continue
        return text[1:at].replace("''", "'"), text[at + 1 :]


def scalar(text: str) -> Any:
    """Return the value of a one-line scalar or flow list of scalars, as PyYAML would."""
    first = text[0]
    if first in "\"'":
        value, rest = _quoted(text)
        _after_quote(rest)
        return value
    if first == "[":
        return _flow_list(text)
    if first in "{&*!|>%@`#,]}\t" or (first in "?:-" and text[1:2] in ("", " ")):
        raise Unsupported(f"indicator {first!r}")
    cut = text.find(" #")
    value = (text if cut == -1 else text[:cut]).rstrip(" ")
    if ": " in value or value.endswith(":") or "\t" in value:
        raise Unsupported("plain scalar that could be a mapping")
    return _plain(value)


def _flow_list(text: str) -> list[Any]:
    items: list[Any] = []
    rest = text[1:].lstrip(" ")
    while True:
        if rest.startswith("]") and not items:
            break
        if not rest:
            raise Unsupported("multi-line flow list")
        if rest[0] in "\"'":
            value, rest = _quoted(rest)
        else:
            end = min((i for i in (rest.find(","), rest.find("]")) if i != -1), default=-1)
            if end == -1:
                raise Unsupported("multi-line flow list")
            plain = rest[:end].rstrip(" ")
            if not plain or any(c in plain for c in "[]{}#:\"'\t") or plain[0] in "&*!|>%@`?-":
                raise Unsupported("flow list item")
            value, rest = _plain(plain), rest[end:]
        items.append(value)
        rest = rest.lstrip(" ")
        if rest.startswith(","):
            rest = rest[1:].lstrip(" ")
            if rest.startswith("]"):
                raise Unsupported("trailing comma")
            continue
        if rest.startswith("]"):
            break
        raise Unsupported("flow list syntax")
    _after_quote(rest[1:])
    return items


class _Lines:
    """The significant lines of a text: (1-based number, indentation, content)."""

    def __init__(self, text: str) -> None:
        if "\r" in text or text.startswith("\ufeff") or Reader.NON_PRINTABLE.search(text):
            raise Unsupported("line breaks or characters PyYAML treats specially")
        self.rows: list[tuple[int, int, str]] = []
        for number, line in enumerate(text.split("\n"), start=1):
            content = line.lstrip(" ")
            if not content or content[0] == "#":
                continue
            if content[0] == "\t" or line.startswith(("---", "...", "%")):
                raise Unsupported("tabs, documents or directives")
            self.rows.append((number, len(line) - len(content), content.rstrip(" ")))
        self.at = 0

    def peek(self) -> tuple[int, int, str] | None:
        return self.rows[self.at] if self.at < len(self.rows) else None


def _value_after_key(
    lines: _Lines, indent: int, number: int, rest: str | None
) -> tuple[Any, list[int]]:
    """Return a key's value (inline after `key:`, or the block below) and its items' lines."""
    if rest and rest[0] != "#":
        following = lines.peek()
        if following is not None and following[1] > indent:
            raise Unsupported("multi-line scalar")
        value = scalar(rest)
        return value, [number] * len(value) if isinstance(value, list) else []
    following = lines.peek()
    if following is None or following[1] < indent:
        return None, []
    if following[1] == indent:  # an indentless list, as PyYAML writes them
        if following[2].startswith("- "):
            return _sequence(lines, indent)
        return None, []
    if following[2].startswith("- "):
        return _sequence(lines, following[1])
    lines.at += 1
    return _mapping(lines, following[1], following[0], following[2])[0], []


Mapping = tuple[dict[str, Any], dict[str, int], dict[str, list[int]]]


def _mapping(lines: _Lines, indent: int, number: int, content: str) -> Mapping:
    """Read a block mapping whose first key is `content`; return values, key and item lines."""
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    while True:
        match = KEY.match(content)
        if match is None or _plain(match.group(1)) != match.group(1):
            raise Unsupported("not a plain key")
        key = match.group(1)
        if key in data:
            raise Unsupported("duplicate key")
        key_lines[key] = number
        data[key], item_lines[key] = _value_after_key(lines, indent, number, match.group(2))
        following = lines.peek()
        if following is None or following[1] < indent:
            return data, key_lines, item_lines
        if following[1] > indent:
            raise Unsupported("unexpected indentation")
        if following[2].startswith("- "):
            raise Unsupported("a list item after a mapping key's value")
        lines.at += 1
        number, content = following[0], following[2]


def _sequence(
    lines: _Lines, indent: int, items: list[Item] | None = None
) -> tuple[list[Any], list[int]]:
    """Read a block list at `indent`; root items (mappings) also go to `items`."""
    values: list[Any] = []
    numbers: list[int] = []
    while (row := lines.peek()) is not None and row[1] == indent and row[2].startswith("- "):
        lines.at += 1
        number, _, content = row
        rest = content[2:].lstrip(" ")
        numbers.append(number)
        if KEY.match(rest):
            data, key_lines, item_lines = _mapping(
                lines, indent + len(content) - len(rest), number, rest
            )
            values.append(data)
            if items is not None:
                items.append(Item(number, data, key_lines, item_lines.get("sources", [])))
            continue
        if items is not None:
            raise Unsupported("a root item that is not a mapping")
        following = lines.peek()
        if following is not None and following[1] > indent:
            raise Unsupported("multi-line item")
        values.append(scalar(rest))
    return values, numbers


def _no_exponent(text: str) -> float:
    if "e" in text or "E" in text:  # YAML 1.1 reads 1e3 as a string
        raise Unsupported("a number with an exponent")
    return float(text)


def _refuse(text: str) -> Any:
    raise Unsupported(f"JSON constant {text}")


def _json_items(lines: _Lines) -> list[Item]:
    """Read a list written one JSON object per line (`- {"id": ...}`), at JSON speed.

    JSON is YAML: PyYAML reads such a line to the same values, except for numbers with an
    exponent and `\\u` escapes, which are refused.
    """
    rows = lines.rows
    if any(row[1] != 0 or not row[2].startswith("- {") for row in rows):
        raise Unsupported("not one JSON object per line")
    joined = ",".join(row[2][2:] for row in rows)
    if "\\u" in joined:
        raise Unsupported("\\u escape")
    try:
        values = json.loads(f"[{joined}]", parse_float=_no_exponent, parse_constant=_refuse)
    except ValueError as exc:
        raise Unsupported(f"not JSON: {exc}") from exc
    items = []
    for (number, _, _), data in zip(rows, values, strict=True):
        if not isinstance(data, dict):
            raise Unsupported("not an object")
        sources = data.get("sources")
        count = len(sources) if isinstance(sources, list) else 0
        items.append(Item(number, data, dict.fromkeys(data, number), [number] * count))
    return items


def read_items(text: str) -> list[Item]:
    """Read a YAML list of mappings; raise Unsupported where PyYAML must read it instead."""
    lines = _Lines(text)
    root = lines.peek()
    if root is None:
        return []
    if root[2].startswith("- {"):
        return _json_items(lines)
    if not root[2].startswith("- "):
        raise Unsupported("the root is not a block list")
    items: list[Item] = []
    _sequence(lines, root[1], items)
    if lines.peek() is not None:
        raise Unsupported("text after the root list")
    return items
