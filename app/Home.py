"""civicgraph explorer: the entry point; every page is a module under app/pages/.

Run with `uv run civicgraph explore`. Reads the store named by CIVICGRAPH_STORE through the
civicgraph Python API only.
"""

from __future__ import annotations

import streamlit as st
from explorer import PAGES

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
        ],
    }
)
navigation.run()
