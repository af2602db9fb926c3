"""A page's options kept in its URL, so what it shows is a permalink.

Each reader takes the option's name in the URL and its default, and returns the default when
the URL leaves it out or holds something the page cannot show; `to_url` writes an option back,
leaving defaults out so that a plain link stays plain.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st


def url_int(name: str, default: int, low: int, high: int) -> int:
    """Read a whole number from the URL, within bounds."""
    text = st.query_params.get(name, "")
    return min(max(int(text), low), high) if text.isdigit() else default


def url_flag(name: str) -> bool:
    """Read an on/off option (`1` is on)."""
    return st.query_params.get(name) == "1"


def url_choice(name: str, choices: Sequence[str], default: str) -> str:
    """Read one of `choices`."""
    value = st.query_params.get(name, default)
    return value if value in choices else default


def url_list(name: str, choices: Sequence[str]) -> list[str]:
    """Read a comma-separated list, keeping only what `choices` offers (in the URL's order)."""
    offered = set(choices)
    return [v for v in st.query_params.get(name, "").split(",") if v in offered]


def url_span(name: str, low: int, high: int) -> tuple[int, int]:
    """Read a span of years `A-B` within [low, high] (the whole span by default)."""
    first, _, last = st.query_params.get(name, "").partition("-")
    if first.isdigit() and last.isdigit() and low <= int(first) <= int(last) <= high:
        return int(first), int(last)
    return low, high


def to_url(name: str, value: object, default: object) -> None:
    """Keep an option in the URL, leaving the default out."""
    if value == default:
        st.query_params.pop(name, None)
    elif value is True:
        st.query_params[name] = "1"
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        st.query_params[name] = ",".join(value)
    elif isinstance(value, tuple):
        st.query_params[name] = "-".join(str(v) for v in value)
    else:
        st.query_params[name] = str(value)
