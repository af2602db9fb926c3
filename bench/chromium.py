"""How the benchmarks, the screenshots and the browser tests start Debian's Chromium.

One place for the path and the flags: headless, no sandbox (root in a container), and
nothing that would reach the network on its own (this machine has none to offer).
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
