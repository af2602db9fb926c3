"""Bench bringing a 50-page document in (issue 19): `source add` a PDF, then `suggest` it.

    uv run python -m bench.bench_suggest               # 50 pages, 3 runs
    uv run python -m bench.bench_suggest --pages 100 --runs 1

The document is the bundled chapter's own text, its paragraphs laid out again and again in
DejaVu Sans on A4 pages with fpdf2 until there are `--pages` pages (the chapter alone fills
about 20): real prose with the names the graph holds, so `suggest` has as many mentions to
rank and sentences to pair as a report of that length would. Both commands run whole, as
a user runs them (`/usr/bin/time`-style wall clock and the child's peak RSS), on a copy of
`data/` with the bundled graph built once beforehand. Results go to a section of
bench/RESULTS.md (`report.write_section`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader

from bench.report import machine, write_section

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "data" / "sources" / "building-resilient-communities-intro.txt"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def make_pdf(pages: int, path: Path) -> int:
    """Write a PDF of `pages` A4 pages of the chapter's paragraphs; return its characters."""
    paragraphs = [" ".join(p.split()) for p in CHAPTER.read_text().split("\n\n") if p.strip()]
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.set_margins(25, 25)
    pdf.add_page()
    chars = 0
    while True:
        for paragraph in paragraphs:
            if pdf.page_no() > pages or (pdf.page_no() == pages and pdf.get_y() > 250):
                pdf.output(str(path))
                return chars
            pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
            chars += len(paragraph)


def run(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run a whole command; return its wall time, its peak RSS (MB) and its stdout."""
    timed = ["/usr/bin/time", "-f", "%M", "-o", str(cwd / "rss"), *command]
    before = time.perf_counter()
    done = subprocess.run(timed, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - before
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    rss_kb = int((cwd / "rss").read_text().split()[-1])
    return wall, rss_kb / 1024, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cli = [shutil.which("civicgraph") or "civicgraph"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "data", work / "data")
        shutil.copytree(ROOT / "ontology", work / "ontology")
        pdf = work / "report.pdf"
        chars = make_pdf(args.pages, pdf)
        printed = len(PdfReader(pdf).pages)
        run([*cli, "build", "--data", "data", "--store", "store"], work)
        adds, suggests, add_rss, suggest_rss = [], [], [], []
        mentions = candidates = 0
        for number in range(args.runs):
            source_id = f"long-report-{number}"
            add = [*cli, "source", "add", str(pdf), "--id", source_id, "--data", "data"]
            add += ["--title", "A long report", "--publisher", "Bench Press"]
            wall, rss, _ = run(add, work)
            adds.append(wall)
            add_rss.append(rss)
            wall, rss, out = run([*cli, "suggest", source_id, "--data", "data", "--store",
                                  "store", "--json"], work)  # fmt: skip
            suggests.append(wall)
            suggest_rss.append(rss)
            answer = json.loads(out)
            mentions, candidates = len(answer["mentions"]), len(answer["relationships"])
            # the next run adds the same bytes again under a new id: a duplicate is refused
            (work / "data" / "sources" / f"{source_id}.txt").unlink()
            (work / "data" / "sources" / f"{source_id}.yaml").unlink()
            if not (work / "data" / "review" / f"{source_id}.yaml").is_file():
                raise SystemExit("suggest wrote no review queue")
    rows = "\n".join(
        f"| `{name}` | {statistics.median(walls):.1f} s | {max(rsses):.0f} MB |"
        for name, walls, rsses in (
            ("civicgraph source add report.pdf", adds, add_rss),
            ("civicgraph suggest ID --json", suggests, suggest_rss),
        )
    )
    verdict = "met" if statistics.median(suggests) < 60 else "missed"
    where = machine()
    measured = f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {where['cpu']}, "
    measured += f"{where['cores']} cores, {where['memory_gb']} GB, load {os.getloadavg()[0]:.1f}"
    body = f"""## Bringing a document in: `source add` and `suggest` (issue 19)

`uv run python -m bench.bench_suggest --pages {args.pages} --runs {args.runs}`, {measured}.
The document is a {printed}-page A4 PDF ({chars:,} characters of text) laid out from the
bundled chapter's paragraphs, repeated (the chapter fills about 20 pages), so its names are
the graph's own; `suggest` ranks candidates against the bundled graph (345 entities).
Whole commands, wall clock, median of {args.runs}:

| command | wall | peak RSS |
|---|---:|---:|
{rows}

{mentions:,} mentions, {candidates:,} relationship candidates.

Target: `suggest` on a 50-page document in under a minute on 2 cores: {verdict}.
"""
    write_section(ROOT / "bench" / "RESULTS.md", "suggest", body)
    print(body)


if __name__ == "__main__":
    main()
