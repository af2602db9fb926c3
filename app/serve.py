"""Start the explorer's Streamlit server once the Network page's first view is ready.

`civicgraph explore` runs `python app/serve.py run app/Home.py --server.port …`: the
arguments of `streamlit run`. Before Streamlit starts listening (and prints its URL), this
opens the current build and draws the Network page's first view into the caches every
session shares (see `explorer.warm`), so the first visitor does not wait for the imports,
the scores and the layout, as `serve bolt` says `ready` only once loaded. Done on a thread
while Streamlit starts, the two took turns on the GIL and the first visitor waited for
both. A store that cannot be opened is left for the page to explain. The audit the About
page shows (seconds on a large graph) is computed by a low-priority process of its own
started beside the server, and kept beside the build, so it neither holds the GIL from the
first visitors nor makes the first visitor of About wait.

On SIGTERM or Ctrl-C Streamlit stops gracefully, and its web server (uvicorn) waits for
open connections to close, with no limit: with a browser tab open, the process sometimes
never ended. The explorer now gives that shutdown `STOP_WITHIN_S` seconds, then exits.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import subprocess
import sys
import threading
from typing import Any

STOP_WITHIN_S = 5.0


def _warm() -> None:
    # the pages' st.cache_data, declared before Streamlit's runtime exists, would each warn
    # "No runtime found" on the user's terminal; warm() fills the explorer's own caches
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    try:
        import explorer  # app/ is this script's directory, so first on sys.path

        explorer.warm()
    except Exception:  # the page shows the same error, in words, when visited
        pass


AUDIT = (
    "import os; os.nice(10)\n"
    "from civicgraph.api import CivicGraph\n"
    "CivicGraph.open().audit_report()"
)


def _audit_aside() -> None:
    """Compute and keep the build's audit in a low-priority process; stopped at exit."""
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", AUDIT],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:  # the page computes it when visited
        return
    atexit.register(process.kill)


def _stop_within_a_deadline() -> None:
    """Chain a deadline onto the SIGTERM/SIGINT handlers Streamlit installs once started."""
    from streamlit.web import bootstrap

    install = getattr(bootstrap, "_set_up_signal_handler", None)
    if install is None:  # a Streamlit without it: its own shutdown, unbounded
        return

    def with_deadline(server: Any) -> None:
        install(server)
        for number in (signal.SIGTERM, signal.SIGINT):
            streamlit_handler = signal.getsignal(number)
            if not callable(streamlit_handler):
                continue

            def handler(signum: int, frame: Any, chained: Any = streamlit_handler) -> None:
                deadline = threading.Timer(STOP_WITHIN_S, os._exit, args=(0,))
                deadline.daemon = True
                deadline.start()
                chained(signum, frame)

            signal.signal(number, handler)

    bootstrap._set_up_signal_handler = with_deadline


def _navigation_from_the_start() -> None:
    """Home.py routes every page with st.navigation, but until some run has called it,
    Streamlit takes app/pages/ for its old pages directory and runs a page's file alone,
    without Home.py (no page config, no navigation, no narrow-window sidebar): the first
    visitor after a start who opened a permalink (`profile?entity=…`) got that page."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main() -> None:
    from streamlit.web import cli

    _stop_within_a_deadline()
    _navigation_from_the_start()
    _warm()
    _audit_aside()
    sys.exit(cli.main(prog_name="streamlit"))


if __name__ == "__main__":
    main()
