"""The benchmark runs end to end at N=200, so it cannot rot. No timing is asserted."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from bench.__main__ import main
from bench.report import write_section


def test_the_bench_runs_at_200_and_writes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    work = tmp_path / "w"
    out.mkdir()
    write_section(out / "RESULTS.md", "endpoint", "## Another bench's results")
    # --no-services: the servers (a JVM, Chromium) are slow to start and have their own tests
    results = main(
        [
            "--sizes",
            "200",
            "--sample",
            "10",
            "--out",
            str(out),
            "--work",
            str(work),
            "--no-services",
        ]
    )
    size = results["sizes"][0]
    assert size["ours"]["entities"] == 200 and size["ours"]["relationships"] == 800
    for key in ("build_s", "lookup_s", "path_s", "reach_s", "pagerank_s", "betweenness_s"):
        assert size["ours"][key] >= 0 and size["naive"][key] >= 0
    assert json.loads((out / "results.json").read_text())["sizes"][0]["n"] == 200
    report = (out / "RESULTS.md").read_text()
    assert "| entity lookup: cited profile by id |" in report
    # what another bench wrote into its section stays, once
    section = "<!-- section: endpoint -->\n## Another bench's results\n<!-- /section: endpoint -->"
    assert report.count(section) == 1
    write_section(out / "RESULTS.md", "endpoint", "## Rerun")
    assert (out / "RESULTS.md").read_text().count("<!-- section: endpoint -->\n## Rerun\n") == 1
    if importlib.util.find_spec("matplotlib"):  # the `bench` dependency group
        assert (out / "scaling.png").read_bytes().startswith(b"\x89PNG")
    else:  # the default environment: the report is written, the plot left out
        assert not (out / "scaling.png").exists()
