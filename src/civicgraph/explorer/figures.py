"""Figures written for people: numbers grouped, units in words, the source's own wording.

The Statistics page draws observations with these: "30 per 100,000 inhabitants", not
"30 per-100k"; "$1,400,000,000", or "$1.4 billion" where the source prints it so; a figure
the source words as a comparison ("about 20% lower") is shown in those words and never
charted as a share; answer categories that form a scale get ordinal colours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from civicgraph.model.text import readable

UNIT_WORDS = {
    "count": "",
    "per-100k": "per 100,000 inhabitants",
    "percent": "%",
    "usd": "US dollars",
}
COMPARISON = re.compile(
    r"\b(lower|higher|more|less|fewer|greater|smaller|larger|than|increase[ds]?|"
    r"decrease[ds]?|rose|fell)\b",
    re.IGNORECASE,
)
NON_ANSWER = re.compile(r"don'?t know|\bD/K\b|no answer|refused|not specified", re.IGNORECASE)
# blue (most) to red (least) along a scale, with no pale middle that vanishes on white
SCALE_COLOURS = {
    1: ["#2166ac"],
    2: ["#2166ac", "#d6604d"],
    3: ["#2166ac", "#92c5de", "#d6604d"],
    4: ["#2166ac", "#92c5de", "#f4a582", "#b2182b"],
    5: ["#2166ac", "#67a9cf", "#b7d5e8", "#f4a582", "#b2182b"],
}
NON_ANSWER_COLOUR = "#a6a6a6"


def unit_words(unit: str | None) -> str:
    """Say a unit as people write it ('' for a plain count)."""
    if unit is None:
        return ""
    return UNIT_WORDS.get(unit, unit.replace("-", " "))


def number(value: int | float) -> str:
    """Group a number's thousands: 1400000000 -> '1,400,000,000', 21.6 -> '21.6'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def figure(value: int | float, unit: str | None) -> str:
    """A value with its unit, for people: '1,073', '30 per 100,000 inhabitants', '21.6 %',
    '$1,400,000,000'."""
    if unit == "usd":
        return f"${number(value)}"
    if unit == "percent":
        return f"{number(value)} %"
    words = unit_words(unit)
    return f"{number(value)} {words}" if words else number(value)


def as_printed(obs: dict[str, Any]) -> str:
    """The value as the source prints it (without the extraction's escapes), else the figure."""
    printed = obs.get("printed")
    return readable(printed) if printed else figure(obs["value"], obs.get("unit"))


def is_comparison(printed: str | None) -> bool:
    """Whether the source words a value as a comparison ('about 20% lower'), not a level."""
    return bool(printed) and COMPARISON.search(printed or "") is not None


MONTHS = [
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
]


def period_words(period: object) -> str:
    """A period as people write it: '2007/2009' -> '2007–2009', '2004-11' -> 'November 2004'."""
    text = str(period)
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return f"{MONTHS[int(text[5:]) - 1]} {text[:4]}"
    return text.replace("/", "–")


def shared_qualifier(labels: Sequence[str]) -> tuple[list[str], str]:
    """Take off a parenthesis every label ends with, to say it once (an axis title) instead:
    ['Waste of time (reason for not reporting)', ...] -> (['Waste of time', ...], 'reason for
    not reporting'). Labels without one in common come back as they are, with ''."""
    found = {m.group(1) if (m := re.search(r" \(([^()]+)\)$", label)) else None for label in labels}
    if len(labels) < 2 or len(found) != 1 or None in found:
        return list(labels), ""
    (qualifier,) = found
    assert qualifier is not None
    suffix = f" ({qualifier})"
    return [label[: -len(suffix)] for label in labels], qualifier


def scale_colours(categories: Sequence[str]) -> list[str]:
    """Colours for answer categories that form a scale, in the order the source gives them
    (most to least): a blue-to-red ramp, and grey for non-answers ("Don't know", "D/K")."""
    answers = [c for c in categories if not NON_ANSWER.search(c)]
    ramp = SCALE_COLOURS.get(len(answers))
    if ramp is None:  # a longer scale: repeat the ends rather than invent a ramp
        ramp = [SCALE_COLOURS[5][min(4, i * 5 // len(answers))] for i in range(len(answers))]
    colours = iter(ramp)
    return [NON_ANSWER_COLOUR if NON_ANSWER.search(c) else next(colours) for c in categories]
