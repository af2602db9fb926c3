"""How `suggest` scores a mention against a name, and where it cuts sentences."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from civicgraph.build.records import normalise_name
from civicgraph.graph.suggest import CONNECTORS, Name, match_score, sentences


def name(label: str) -> Name:
    key = normalise_name(label)
    return Name("x", key, "".join(w[0] for w in key.split() if w not in CONNECTORS))


def accented(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(c + "\u0301" if c in "aeiou" else c for c in text))


WORDS = st.lists(st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True), min_size=1, max_size=4)


@given(WORDS)
def test_case_and_accents_do_not_change_a_score(words: list[str]) -> None:
    label = " ".join(words)
    assert match_score(accented(label).upper(), name(label)) == 1.0
    assert match_score(label.lower(), name(accented(label))) == 1.0


def test_acronyms_surnames_and_other_names() -> None:
    assert match_score("USAID", name("United States Agency for International Development")) == 0.95
    assert match_score("usaid", name("United States Agency for International Development")) < 0.8
    assert match_score("Sicilia", name("Javier Sicilia")) >= 0.8
    assert match_score("Miranda de Wallace", name("Isabel Miranda de Wallace")) >= 0.8
    assert match_score("Ruiz, Ana", name("Ana Ruiz")) == 1.0
    assert match_score("Villa Verde Harbor Council", name("Villa Verde")) < 0.8
    assert match_score("Nordic Water Trust", name("Civic Fund")) < 0.5


@given(st.lists(st.sampled_from(["Dr. Ana Ruiz spoke.", "U.S. aid grew!", "It fell", "\n"])))
def test_sentences_are_spans_of_the_text_without_outer_space(parts: list[str]) -> None:
    text = " ".join(parts)
    spans = sentences(text)
    assert spans == sorted(spans)
    for start, end in spans:
        piece = text[start:end]
        assert piece and piece == piece.strip() and "\n" not in piece
    assert sentences("Dr. Ana Ruiz spoke. U.S. aid grew! It fell") == [(0, 19), (20, 34), (35, 42)]
