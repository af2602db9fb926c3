"""`serve bolt` stops cleanly on SIGTERM and on Ctrl-C: exit 0, no traceback, port closed."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from tests.servers import civicgraph_command, free_port, listening


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_serve_bolt_exits_cleanly_on_a_signal(
    mini_store: Path, tmp_path: Path, signal_name: str
) -> None:
    port = free_port()
    command = civicgraph_command("serve", "bolt", "--port", str(port), "--store", str(mini_store))
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    ready = process.stdout.readline()
    assert ready.startswith(f"ready bolt://127.0.0.1:{port} (user root, password "), ready
    process.send_signal(getattr(signal, signal_name))
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err and err.rstrip().endswith("stopped")
    assert not listening(port)
