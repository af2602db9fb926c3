"""The README's quick start runs as written, so it cannot rot."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from civicgraph.config import REPO_DIR

README = (REPO_DIR / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[list[str]]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "no shell block in the quick start"
    return [
        shlex.split(line.split("#", 1)[0]) for line in block.group(1).splitlines() if line.strip()
    ]


def test_quick_start_shows_the_promised_commands() -> None:
    commands = [" ".join(c) for c in quick_start_commands()]
    assert commands[0] == "pip install uv"
    assert "uv run civicgraph explore" in commands
    assert commands[-1] == "uv run pytest"


def test_quick_start_civicgraph_commands_work(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    env["CIVICGRAPH_STORE"] = str(tmp_path / "store")
    cli = [sys.executable, "-m", "civicgraph.cli.app"]
    built = subprocess.run(
        [*cli, "build"], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert built.returncode == 0, built.stderr
    ran = 0
    for command in quick_start_commands():
        if command[:3] != ["uv", "run", "civicgraph"] or command[3] == "explore":
            continue  # explore is exercised in tests/app; pip and pytest are not ours to rerun
        done = subprocess.run(
            [*cli, *command[3:]], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (command, done.stderr)
        assert "“" in done.stdout  # every answer shows quotes
        ran += 1
    assert ran == 2


def worked_example() -> tuple[list[list[str]], str]:
    """The commands of the "Add a source" example, and the output the README shows."""
    section = README.split("\n## Add a source\n", 1)[1].split("\n## ", 1)[0]
    commands, shown = re.findall(r"```(?:sh|text)\n(.*?)```", section, re.S)[:2]
    return [shlex.split(line) for line in commands.splitlines() if line.strip()], shown


def test_the_add_a_source_example_runs_as_written(tmp_path: Path) -> None:
    commands, shown = worked_example()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    cli = [sys.executable, "-m", "civicgraph.cli.app"]
    outputs: dict[str, str] = {}
    for command in commands:
        command = [
            arg.replace("/tmp/demo-store", str(tmp_path / "store")).replace(
                "/tmp/demo", str(tmp_path / "data")
            )
            for arg in command
        ]
        if command[:2] == ["cp", "-r"]:
            shutil.copytree(REPO_DIR / command[2], command[3])
            continue
        assert command[:3] == ["uv", "run", "civicgraph"], command
        done = subprocess.run(
            [*cli, *command[3:]], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (command, done.stderr)
        outputs[" ".join(command[3:5])] = done.stdout
    # the output shown is the output given (up to the "…" where the README stops)
    for block in shown.split("$ uv run civicgraph ")[1:]:
        asked, _, said = block.partition("\n")
        got = outputs[" ".join(asked.split()[:2])]
        expected = said.split("  …\n", 1)[0]
        assert got.startswith(expected), (asked, got)
    assert "(confirmed, unreviewed)" in outputs["entity civic-fund"]
    assert outputs["entity ruiz"].startswith("(ruiz was merged into ana-ruiz)\n")
