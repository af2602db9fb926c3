"""civicgraph explorer: the entry point; every page is a module under app/pages/.

Run with `uv run civicgraph explore`. Reads the store named by CIVICGRAPH_STORE through the
civicgraph Python API only.
"""

from __future__ import annotations

import streamlit as st
from explorer import PAGES

from civicgraph.config import Settings

NARROW = 1000  # px: below this the sidebar starts collapsed (Streamlit's own limit is 768)
# Streamlit starts the sidebar open down to 768 px, where 300 px of it leave the page too
# little room. Once per page load, on a narrower window, this closes it as if the reader had
# (unless the reader already chose, which Streamlit keeps in localStorage), then forgets
# that choice again, so a wider window later starts open. Our own script, no data in it.
COLLAPSE_WHEN_NARROW = f"""<span id="civicgraph-narrow"></span>
<style>[data-testid=stElementContainer]:has(#civicgraph-narrow) {{ display: none; }}</style>
<script>
(() => {{
  if (window.civicgraphNarrowChecked) return;
  window.civicgraphNarrowChecked = true;
  const chosen = () => Object.keys(localStorage).filter(k => k.startsWith("stSidebarCollapsed-"));
  if (window.innerWidth >= {NARROW} || chosen().length) return;
  let tries = 0;
  const collapse = () => {{
    const button = document.querySelector("[data-testid=stSidebarCollapseButton] button");
    if (!button) {{ if (tries++ < 100) setTimeout(collapse, 50); return; }}
    button.click();
    setTimeout(() => chosen().forEach(k => localStorage.removeItem(k)), 0);
  }};
  collapse();
}})();
</script>"""

st.set_page_config(page_title="civicgraph explorer", page_icon="🕸️", layout="wide")

navigation = st.navigation(
    {
        "Explore": [
            st.Page(PAGES["network"], title="Network", icon=":material/hub:", default=True),
            st.Page(
                PAGES["profile"],
                title="Entity profile",
                icon=":material/badge:",
                url_path="profile",
            ),
            st.Page(PAGES["paths"], title="Path tracer", icon=":material/route:", url_path="paths"),
            st.Page(
                PAGES["influence"],
                title="Influence & structure",
                icon=":material/insights:",
                url_path="influence",
            ),
            st.Page(
                PAGES["timeline"],
                title="Timeline",
                icon=":material/timeline:",
                url_path="timeline",
            ),
        ],
        "Data": [
            st.Page(
                PAGES["sources"],
                title="Source reader",
                icon=":material/menu_book:",
                url_path="sources",
            ),
            st.Page(
                PAGES["statistics"],
                title="Statistics",
                icon=":material/bar_chart:",
                url_path="statistics",
            ),
            st.Page(
                PAGES["queries"],
                title="Query consoles",
                icon=":material/terminal:",
                url_path="queries",
            ),
            st.Page(
                PAGES["about"], title="About the data", icon=":material/info:", url_path="about"
            ),
            # writes data/: only when `civicgraph explore --curate` asked for it (on loopback)
            *(
                [
                    st.Page(
                        PAGES["curate"],
                        title="Curate",
                        icon=":material/rule:",
                        url_path="curate",
                    )
                ]
                if Settings.resolve().curate
                else []
            ),
        ],
    }
)
# after st.navigation, so that every page keeps it (before, only the default page did)
st.html(COLLAPSE_WHEN_NARROW, unsafe_allow_javascript=True)
navigation.run()
