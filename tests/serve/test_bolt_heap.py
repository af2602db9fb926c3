"""The embedded Bolt server's JVM heap: half the machine's memory, or the size given."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from civicgraph.errors import UsageError
from civicgraph.serve.bolt.arcade import MIN_HEAP_MB, heap_size
from tests.servers import civicgraph_command


def test_the_heap_is_half_the_machines_memory_and_never_under_arcadedbs_default() -> None:
    physical_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    size = heap_size()
    assert size.endswith("m")
    assert int(size[:-1]) == max(MIN_HEAP_MB, physical_mb // 2)


def test_a_given_heap_is_kept_and_a_malformed_one_refused() -> None:
    assert heap_size("12G") == "12g"
    assert heap_size("6000m") == "6000m"
    for bad in ("lots", "12", "0g", "-Xmx8g", "8 g"):
        with pytest.raises(UsageError, match="heap"):
            heap_size(bad)


def test_serve_bolt_refuses_a_malformed_heap_in_one_line(mini_store: Path) -> None:
    env = {**os.environ, "CIVICGRAPH_BOLT_HEAP": "lots"}
    env.pop("CIVICGRAPH_BOLT_URI", None)
    done = subprocess.run(
        civicgraph_command("serve", "bolt", "--port", "0", "--store", str(mini_store)),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "heap" in done.stderr
