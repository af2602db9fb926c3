"""Start the explorer's Streamlit server once the Network page's first view is ready.

`civicgraph explore` runs `python app/serve.py run app/Home.py --server.port …`: the
arguments of `streamlit run`. Before Streamlit starts listening (and prints its URL), this
opens the current build and draws the Network page's first view into the caches every
session shares (see `explorer.warm`), so the first visitor does not wait for the imports,
the scores and the layout, as `serve bolt` says `ready` only once loaded. Done on a thread
while Streamlit starts, the two took turns on the GIL and the first visitor waited for
both. A store that cannot be opened is left for the page to explain.
"""

from __future__ import annotations

import logging
import sys


def _warm() -> None:
    # the pages' st.cache_data, declared before Streamlit's runtime exists, would each warn
    # "No runtime found" on the user's terminal; warm() fills the explorer's own caches
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    try:
        import explorer  # app/ is this script's directory, so first on sys.path

        explorer.warm()
    except Exception:  # the page shows the same error, in words, when visited
        pass


def main() -> None:
    from streamlit.web import cli

    _warm()
    sys.exit(cli.main(prog_name="streamlit"))


if __name__ == "__main__":
    main()
