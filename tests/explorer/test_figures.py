"""Figures written for people: grouped numbers, units in words, the source's wording."""

from __future__ import annotations

from civicgraph.explorer.figures import (
    NON_ANSWER_COLOUR,
    as_printed,
    figure,
    is_comparison,
    number,
    period_words,
    scale_colours,
    shared_qualifier,
    unit_words,
)


def test_numbers_and_units_read_as_people_write_them() -> None:
    assert number(1_400_000_000) == "1,400,000,000"
    assert number(21.6) == "21.6" and number(55.0) == "55"
    assert unit_words("per-100k") == "per 100,000 inhabitants"
    assert unit_words("count") == "" and unit_words(None) == ""
    assert figure(30, "per-100k") == "30 per 100,000 inhabitants"
    assert figure(21.6, "percent") == "21.6 %"
    assert figure(1_400_000_000, "usd") == "$1,400,000,000"
    assert figure(2738, "count") == "2,738"


def test_as_printed_gives_the_sources_words_without_its_escapes() -> None:
    funding = {"value": 1_400_000_000, "unit": "usd", "printed": r"\$1.4 billion"}
    assert as_printed(funding) == "$1.4 billion"
    assert as_printed({"value": 2738, "unit": "count", "printed": None}) == "2,738"


def test_a_comparison_is_told_from_a_level() -> None:
    assert is_comparison("about 20% lower")
    assert is_comparison("twice as many as in 2007, more than")
    assert not is_comparison("about 20%")
    assert not is_comparison("39 percent") and not is_comparison(None)


def test_periods_read_as_people_write_them() -> None:
    assert period_words("2007/2009") == "2007–2009"
    assert period_words("2004-11") == "November 2004"
    assert period_words("2010") == "2010" and period_words(2010) == "2010"


def test_a_qualifier_every_label_shares_is_said_once() -> None:
    labels = [
        "Reporting would be a waste of time (reason for not reporting)",
        "Distrust of the authorities (reason for not reporting)",
    ]
    assert shared_qualifier(labels) == (
        ["Reporting would be a waste of time", "Distrust of the authorities"],
        "reason for not reporting",
    )
    mixed = ["High confidence", "Don't know (level of confidence)"]
    assert shared_qualifier(mixed) == (mixed, "")
    assert shared_qualifier(["Alone (one)"]) == (["Alone (one)"], "")


def test_a_scale_runs_from_blue_to_red_and_non_answers_are_grey() -> None:
    levels = ["High confidence", "Little confidence", "No confidence", "Don't know"]
    colours = scale_colours(levels)
    assert colours[-1] == NON_ANSWER_COLOUR
    assert len(set(colours)) == 4
    assert colours[:3] == ["#2166ac", "#92c5de", "#d6604d"]  # in the source's order
    assert len(set(scale_colours([f"level {i}" for i in range(7)]))) > 1
