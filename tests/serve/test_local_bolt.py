"""The explorer's console server (`serve bolt` as a child): shared, and gone with its parent."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import listening

PARENT = """
import sys, time
from pathlib import Path
from civicgraph.serve.bolt.local import shared
first = shared(Path(sys.argv[1]), "b1")
assert shared(Path(sys.argv[1]), "b1") == first  # one server per store and build
print(first.uri, flush=True)
time.sleep(3600)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_the_console_server_dies_with_a_killed_parent(chapter_store: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(chapter_store)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        uri = parent.stdout.readline().strip()
        assert uri.startswith("bolt://127.0.0.1:"), uri
        port = int(uri.rsplit(":", 1)[1])
        assert listening(port)
    finally:
        parent.send_signal(signal.SIGKILL)  # no atexit, no cleanup: only the kernel is left
        parent.wait()
    deadline = time.monotonic() + 30
    while listening(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not listening(port)
