"""Start the explorer's Streamlit server with the Network page's first view warming.

`civicgraph explore` runs `python app/serve.py run app/Home.py --server.port …`: the
arguments of `streamlit run`. While Streamlit starts, a thread opens the current build and
draws the Network page's first view into the caches every session shares (see
`explorer.warm`), so the first visitor of a fresh server does not wait for the imports,
the scores and the layout. A store that cannot be opened is left for the page to explain.
"""

from __future__ import annotations

import sys
import threading


def _warm() -> None:
    try:
        import explorer  # app/ is this script's directory, so first on sys.path

        explorer.warm()
    except Exception:  # the page shows the same error, in words, when visited
        pass


def main() -> None:
    from streamlit.web import cli

    # started once Streamlit is imported: the two threads then import different modules
    threading.Thread(target=_warm, name="warm-explorer", daemon=True).start()
    sys.exit(cli.main(prog_name="streamlit"))


if __name__ == "__main__":
    main()
