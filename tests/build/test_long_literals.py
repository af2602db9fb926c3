"""A record with a very long value builds in seconds: nothing on the way is quadratic in it.

Two steps once were: the SHACL child parsed its N-Triples with rdflib's parser (a 2 MB
literal took 20 s) and the YAML reader sliced the line at every escaped quote.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from typer.testing import CliRunner

from civicgraph.api import CivicGraph
from civicgraph.cli.app import app
from civicgraph.config import Settings

SHORT = "description: Founder of the Clean Streets Network."
# quotes, a backslash and non-ASCII, so the value is written with escapes in YAML and N-Triples
PHRASE = 'Ana said "no" \\ to the señal — twice. '


def test_a_10_mb_description_builds_and_is_in_the_store(workdir: Path) -> None:
    description = (PHRASE * (10_000_000 // len(PHRASE.encode()))).strip()
    people = workdir / "data" / "entities" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    assert SHORT in text, "the fixture changed"
    encoded = json.dumps(description, ensure_ascii=False)  # a double-quoted YAML scalar
    people.write_text(text.replace(SHORT, f"description: {encoded}"), encoding="utf-8")

    started = time.perf_counter()
    result = CliRunner().invoke(app, ["build"])
    seconds = time.perf_counter() - started

    assert result.exit_code == 0, result.output
    # about 3 s on 2 cores; before, 10 MB took 12 min in SHACL and longer in the YAML reader
    assert seconds < 60
    profile = CivicGraph(Settings.resolve(env={})).entity("ana-ruiz")
    assert profile["description"] == description
