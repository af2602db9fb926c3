"""Each page of the explorer through Streamlit's AppTest: widgets, filters, errors."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from civicgraph.api import CivicGraph
from tests.app.conftest import OpenPage


def shown(at: AppTest) -> str:
    """All the Markdown, headings and notices of a page, as one text."""
    parts = [m.value for m in at.markdown] + [t.value for t in at.title]
    parts += [e.label for e in at.expander] + [w.value for w in at.warning]
    return "\n".join(parts)


def unescaped(text: str) -> str:
    return text.replace("\\", "")


def table(at: AppTest, index: int = 0) -> list[dict[str, object]]:
    return list(at.dataframe[index].value.to_dict("records"))


def test_profile_from_a_permalink(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store, "profile", entity="javier-sicilia")
    assert at.title[0].value == "Javier Sicilia"
    text = shown(at)
    assert "Movement for Peace with Justice and Dignity" in text  # a relationship
    assert "Movement for Peace with Justice and Dignity started by Javier Sicilia" in text  # quote
    assert at.query_params["entity"] == "javier-sicilia"
    links = at.get("page_link")
    targets = {link.proto.query_string for link in links}
    assert "entity=movement-for-peace-with-justice-and-dignity" in targets  # a neighbour
    assert "from=javier-sicilia" in targets  # trace paths from here


def test_profile_says_what_a_relationship_concerned_and_that_it_was_read_again(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "profile", entity="justice-in-mexico-project")
    titles = [unescaped(e.label) for e in at.expander]
    consulted = [t for t in titles if "U.S. government" in t and "concerning" in t]
    assert consulted == [
        "← U.S. government, concerning Merida Initiative Pillar IV: community "
        "resilience · 2 quote(s)"
    ]
    # every record of the chapter is checked, so none says it is still to be read
    assert not [t for t in titles if "not yet read" in t]


def test_profile_search_and_observations(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store, "profile")
    at.sidebar.text_input(key="profile-search").input("Juarez").run()  # accents ignored
    assert not at.exception
    assert at.title[0].value == "Ciudad Juárez"
    assert at.query_params["entity"] == "ciudad-juarez"
    rows = table(at)
    assert any(r["measure"] == "homicides" and r["value"] == 2738 for r in rows)
    assert at.get("vega_lite_chart")  # observations as charts


def test_profile_of_a_name_nobody_has(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store, "profile")
    at.sidebar.text_input(key="profile-search").input("zzzqqqxxx").run()
    assert not at.exception
    assert "No entity matches" in at.sidebar.warning[0].value


def test_paths_to_any_reform(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store, "paths", **{"from": "javier-sicilia"})
    assert at.sidebar.selectbox[0].value == "javier-sicilia"
    reached = table(at)
    # nearest first (3 hops); ties by citations, then by name
    assert [r["entity"] for r in reached[:2]] == ["Judicial reform", "Police reform"]
    text = shown(at)
    assert "Javier Sicilia → Judicial reform" in text
    assert "Path 1" in text and "Evidence for step 1" in text
    assert any(c.value.startswith("Weakest step: ") for c in at.caption)
    downloads = {b.proto.label for b in at.get("download_button")}
    assert downloads == {"Evidence packet (Markdown)", "Subgraph (GraphML)", "Subgraph (JSON)"}


def test_paths_between_two_entities_with_options(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store, "paths", **{"from": "carlos-pascual"})
    at.sidebar.radio[0].set_value("An entity").run()
    at.sidebar.text_input(key="path-to-search").input("Merida Initiative").run()
    assert not at.exception
    assert "Carlos Pascual → Merida Initiative" in shown(at)
    at.sidebar.checkbox[0].check().run()  # time-consistent
    at.sidebar.slider[0].set_value(1).run()  # K = 1
    assert not at.exception
    assert "Path 2" not in shown(at)
    at.sidebar.slider[1].set_value(1).run()  # max hops 1: no path
    assert not at.exception
    assert "no path from" in at.warning[0].value


def test_influence_rankings_communities_brokers(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store, "influence")
    assert len(table(at)) == 20
    at.selectbox[0].select("betweenness").run()
    at.selectbox[1].select("Person").run()
    assert not at.exception
    assert all(r["types"] == "Person" for r in table(at))
    assert any("Community 1" in m.value for m in at.markdown)
    brokers = table(at, 1)
    assert brokers and brokers[0]["pairs cut off"] > 0


def test_influence_ranks_actors_unless_context_is_included(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "influence")
    first = [r["entity"] for r in table(at)]
    assert first[:2] == ["Government of Mexico", "U.S. government"]
    assert "Mexico" not in first and "Figure 1" not in " ".join(first)
    assert at.selectbox[2].value == "Movement" and at.selectbox[3].value == "Reform"
    context = next(c for c in at.checkbox if c.label == "Include places, works and concepts")
    context.check().run()
    assert not at.exception
    assert table(at)[0]["entity"].startswith("Building Resilient Communities in Mexico")


def test_statistics_table_1_2_and_icesi(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store, "statistics")
    assert at.sidebar.selectbox[0].value == "table-1"
    at.sidebar.radio[0].set_value("homicides").run()
    assert any("Source: Table 1" in unescaped(c.value) for c in at.caption)
    ranks = table(at)
    assert ranks[0]["rank"] == 1 and "2738" in str(ranks[0]["2010"]).replace(",", "")
    for dataset in ("table-2", "icesi-2011-study"):
        at.sidebar.selectbox[0].select(dataset).run()
        assert not at.exception
        assert at.get("vega_lite_chart"), dataset
        assert any("Source: " in unescaped(c.value) for c in at.caption), dataset


def vega_spec(at: AppTest, index: int = 0) -> dict[str, Any]:
    """A chart's Vega-Lite spec (Streamlit sends its data apart, see `chart_rows`)."""
    return dict(json.loads(at.get("vega_lite_chart")[index].proto.spec))


def chart_rows(at: AppTest, index: int = 0) -> list[dict[str, Any]]:
    """The rows a chart draws, as Streamlit sends them (Arrow)."""
    data = at.get("vega_lite_chart")[index].proto.data.data
    return list(pa.ipc.open_stream(data).read_all().to_pylist())


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return list(spec.get("layer", [spec]))


def test_statistics_draws_table_2_in_the_sources_order_on_a_scale(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "statistics")
    at.sidebar.selectbox[0].select("table-2").run()
    (bars,) = layers(vega_spec(at))
    encoding = bars["encoding"]
    assert encoding["y"]["sort"][:3] == ["Navy", "Army", "Federal Judicial Police"]
    assert encoding["y"]["axis"]["labelLimit"] == 0  # "Agents of Federal Attorney General" whole
    colour = encoding["color"]["scale"]
    assert colour["domain"] == [
        "High confidence",
        "Little confidence",
        "No confidence",
        "Don't know (level of confidence)",
    ]
    assert colour["range"][0] != colour["range"][2] and colour["range"][3] == "#a6a6a6"
    assert encoding["x"]["scale"] == {"domain": [0, 100], "nice": False}  # shares, not to 110
    tips = {t["title"] for t in encoding["tooltip"]}
    assert "rank" not in tips  # Table 2 ranks nothing
    values = chart_rows(at)
    navy_high = next(
        v for v in values if v["agency"] == "Navy" and v["category"].startswith("High")
    )
    assert navy_high["figure"] == "55 %" and navy_high["value"] == 55


def test_statistics_shows_every_icesi_reason_and_table_1_in_words(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "statistics")
    at.sidebar.selectbox[0].select("icesi-2011-study").run()
    bars, _ = layers(vega_spec(at))
    y = bars["encoding"]["y"]
    assert y["title"] == "reason for not reporting"
    assert y["sort"] == [
        "Reporting would be a waste of time",
        "Distrust of the authorities",
        "Process too cumbersome",
        "Lack of evidence of the crime",
        "Fear of retaliation by the aggressor",
        "Hostile attitude of an official",
        "Fear of extortion by authorities",
    ]
    assert [v["as printed"] for v in chart_rows(at)][:2] == [
        "39 percent",
        "16 percent",
    ]
    at.sidebar.selectbox[0].select("table-1").run()
    at.sidebar.radio[0].set_value("homicideRate").run()
    spec = json.dumps([vega_spec(at), chart_rows(at)])
    assert "per-100k" not in spec and "per 100,000 inhabitants" in spec
    assert "homicide rate (per 100,000 inhabitants), 2007–2012" in unescaped(shown(at))


def test_statistics_says_figure_3_as_the_text_does_and_never_shows_an_escape(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "statistics")
    at.sidebar.selectbox[0].select("figure-3").run()
    assert not at.get("vega_lite_chart")  # a comparison is not charted as a share
    text = unescaped(shown(at))
    assert "**about 20% lower** · National Public Security System · Mexico · 2008" in text
    assert "20 %" not in text
    at.sidebar.selectbox[0].select("intro-prose-figures").run()
    at.sidebar.radio[0].set_value("funding").run()
    said = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any("$1.4 billion" in unescaped(t) and "$1,400,000,000" in unescaped(t) for t in said)
    # md() writes a backslash that is shown as "\\": none is, in text, notes or quotes
    assert not [t for t in said if "\\\\" in t]
    assert any("channeling \\$1\\.4 billion" in t for t in said)  # the quote, as read
    rows = table(at)
    assert rows[0]["as printed"] == "$1.4 billion" and rows[0]["figure"] == "$1,400,000,000"
    assert "\\" not in rows[0]["quote"] and "rank" not in rows[0]


def test_sparql_console_runs_and_reports_errors(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store, "queries")
    # a form: the text reaches Python with the Run button
    at.text_area[0].input("SELECT ?label WHERE { id:javier-sicilia rdfs:label ?label }")
    at.button[0].click().run()
    assert not at.exception
    assert table(at) == [{"label": "Javier Sicilia"}]
    assert at.get("download_button")
    at.text_area[0].input("SELECT WHERE {")
    at.button[0].click().run()
    assert not at.exception
    assert "SPARQL syntax error" in at.error[0].value


def test_about_counts_sources_and_audit(
    mini: CivicGraph, mini_store: Path, open_page: OpenPage
) -> None:
    at = open_page(mini_store, "about")
    values = {m.label: m.value for m in at.metric}
    assert values["Entities"] == str(sum(mini.stats()["entities"].values()))
    text = shown(at)
    assert "How to cite" in text and "Data-quality audit" in text
    assert not at.warning  # the audit ran on the data the store was built from
    assert any(m.label.startswith("Distinct names") for m in at.metric)


def test_sparql_console_refuses_service(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store, "queries")
    at.text_area[0].input("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    at.button[0].click().run()
    assert not at.exception
    assert "SERVICE is refused" in at.error[0].value


def test_cypher_console_reads_and_the_server_refuses_writes_and_files(
    chapter_store: Path, open_page: OpenPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CIVICGRAPH_BOLT_URI", raising=False)
    at = open_page(chapter_store, "queries")
    cypher = at.text_area[1]  # the second tab's editor
    cypher.input("MATCH (n:Entity {id: 'javier-sicilia'}) RETURN n.label AS label")
    at.button[1].click().run(timeout=600)  # the first query starts the console's server
    assert not at.exception
    assert table(at) == [{"label": "Javier Sicilia"}]
    for hostile in (
        "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
        "MATCH (n:Entity {id: 'javier-sicilia'}) SET n.label = 'DEFACED' RETURN n",
        "MATCH (n) DETACH DELETE n",
    ):
        at.text_area[1].input(hostile)
        at.button[1].click().run(timeout=60)
        assert not at.exception
        assert "the server is read\\-only" in at.error[0].value, hostile  # markdown-escaped
    at.text_area[1].input("MATCH (n) RETURN count(n) AS n")
    at.button[1].click().run(timeout=60)
    assert table(at)[0]["n"] == CivicGraph.open(chapter_store).projection.number_of_nodes()


# --- the source reader and the timeline (issue 17, items 5 and 6) ---

CHAPTER_TEXT = "building-resilient-communities-intro.txt"


def reader_data(at: AppTest) -> dict[str, object]:
    """What the source reader's text component was handed: its escaped HTML."""
    import json

    from tests.app.conftest import walk

    found = [n for n in walk(at._tree) if getattr(n, "type", None) == "bidi_component"]
    assert len(found) == 1
    data: dict[str, object] = json.loads(found[0].proto.json)
    return data


def test_source_reader_opens_at_a_quote_with_the_facts_it_supports(
    chapter_store: Path, chapter: CivicGraph, open_page: OpenPage
) -> None:
    leads = next(
        r for r in chapter.entity("javier-sicilia")["relations"] if r["predicate"] == "leads"
    )
    quote = leads["sources"][0]
    at = open_page(
        chapter_store,
        "sources",
        doc=quote["document"],
        at=str(quote["char_start"]),
        end=str(quote["char_end"]),
    )
    text = unescaped(shown(at))
    assert "Facts this passage supports" in text
    assert "Relationship · Javier Sicilia leads Movement for Peace" in text.replace("*", "")
    targets = {link.proto.query_string for link in at.get("page_link")}
    assert "entity=javier-sicilia" in targets
    assert any(t.startswith(f"doc={quote['document']}&from=") for t in targets)  # next page
    markup = str(reader_data(at)["html"])
    assert len(markup) < 30_000  # a window, not the 56k-character text
    marked = re.findall(r'<mark class="[^"]*\bmarked\b[^"]*"[^>]*>(.*?)</mark>', markup, re.S)
    assert html.unescape("".join(marked)) == quote["quote"]  # the quote, and only it, marked


def test_source_reader_escapes_the_text_and_refuses_unknown_documents(
    mini_store: Path, open_page: OpenPage
) -> None:
    at = open_page(mini_store, "sources", doc="mini.txt")
    markup = str(reader_data(at)["html"])
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup and "<img" not in markup
    assert "Year\tThefts" in markup  # tabs kept, shown by white-space: pre-wrap
    assert "Click a highlighted passage" in at.info[0].value
    missing = open_page(mini_store, "sources", doc="../../etc/passwd")
    assert "no source document" in unescaped(missing.warning[0].value)
    assert not [n for n in missing.get("bidi_component")]


def test_every_quote_on_a_profile_links_to_the_reader(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "profile", entity="javier-sicilia")
    reads = [link for link in at.get("page_link") if link.proto.label == "Read in context"]
    profile = CivicGraph.open(chapter_store).entity("javier-sicilia")
    quotes = [s for r in profile["relations"] for s in r["sources"]] + profile["sources"]
    assert len(reads) == len(quotes)
    first = quotes[0]
    expected = f"doc={first['document']}&at={first['char_start']}&end={first['char_end']}"
    assert expected in {link.proto.query_string for link in reads}
    assert all(link.proto.page.endswith("sources") for link in reads)


def test_timeline_of_the_graph_of_a_type_and_of_an_entity(
    chapter_store: Path, chapter: CivicGraph, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "timeline")
    rows = table(at)
    assert len(rows) == len(chapter.timeline()) > 10
    assert at.get("vega_lite_chart")
    assert any(row["dates"] == "within 1920–1950" for row in rows)  # a period, not a start
    assert all(str(row["read"]).startswith("sources?doc=") for row in rows)
    events = open_page(chapter_store, "timeline", type="Event")
    assert 0 < len(table(events)) < len(rows)
    marti = open_page(chapter_store, "timeline", entity="fernando-marti")
    assert marti.title[0].value == "Timeline: Fernando Martí"
    assert [row["object"] for row in table(marti)] == ["Abduction and murder of Fernando Martí"]


# state that follows the user (issue 17): the URL says what a page shows


def links(at: AppTest) -> dict[str, str]:
    """The page links shown: label -> query string."""
    return {link.proto.label: link.proto.query_string for link in at.get("page_link")}


def test_a_link_after_a_search_opens_the_linked_entity(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "profile")
    at.sidebar.text_input(key="profile-search").input("Juarez").run()
    assert at.title[0].value == "Ciudad Juárez"
    neighbour = next(q for label, q in links(at).items() if label.startswith("Open "))
    assert neighbour.startswith("entity=") and neighbour != "entity=ciudad-juarez"
    at.query_params["entity"] = neighbour.removeprefix("entity=")  # the link's URL
    at.run()
    assert not at.exception
    assert at.title[0].value == entity_label(chapter_store, neighbour.removeprefix("entity="))
    assert at.sidebar.text_input(key="profile-search").value == ""  # the old search is gone
    assert at.sidebar.selectbox[0].value == neighbour.removeprefix("entity=")


def entity_label(store: Path, entity_id: str) -> str:
    return str(CivicGraph.open(store).entity(entity_id)["label"])


def test_back_and_forward_walk_through_the_entities_visited(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "profile", entity="usaid")
    assert at.title[0].value == "USAID"
    at.sidebar.text_input(key="profile-search").input("Sicilia").run()
    assert at.query_params["entity"] == "javier-sicilia"  # a search is a new URL
    for entity_id, title in [("usaid", "USAID"), ("javier-sicilia", "Javier Sicilia")]:
        at.query_params["entity"] = entity_id  # Back, then Forward
        at.run()
        assert not at.exception
        assert at.title[0].value == title
        assert at.query_params["entity"] == entity_id  # the page never rewrites its URL


def test_trace_paths_from_here_after_a_visit_to_the_path_tracer(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "paths", **{"from": "javier-sicilia"})
    assert at.sidebar.selectbox[0].value == "javier-sicilia"
    at.switch_page("pages/profile.py")
    at.query_params.clear()
    at.query_params["entity"] = "usaid"
    at.run()
    assert links(at)["Trace paths from here"] == "from=usaid"
    at.switch_page("pages/paths.py")
    at.query_params.clear()
    at.query_params["from"] = "usaid"  # the link's URL
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox[0].value == "usaid"
    assert "USAID" in shown(at) and "Javier Sicilia" not in shown(at)


def test_an_unknown_id_says_not_found_and_never_shows_another(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "profile", entity="nonexistent-id")
    assert at.title[0].value == "Entity profile"
    assert "No entity with id 'nonexistent\\-id'" in at.warning[0].value
    assert not at.expander  # no relationships of some other entity
    assert at.query_params["entity"] == "nonexistent-id"  # the URL is left as it was
    at = open_page(chapter_store, "profile", entity="javier-sicilio")  # a stale id
    assert "No entity with id 'javier\\-sicilio'" in at.warning[0].value
    assert links(at)["Javier Sicilia"] == "entity=javier-sicilia"  # did you mean
    at = open_page(chapter_store, "paths", **{"from": "javier-sicilio"})
    assert "Did you mean: Javier Sicilia \\(javier\\-sicilia\\)?" in at.sidebar.warning[0].value
    assert not at.dataframe  # nothing traced from anybody else


def test_the_profile_with_no_entity_offers_search_and_central_actors(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "profile")
    assert at.title[0].value == "Entity profile"
    assert "Search an entity" in at.info[0].value
    assert at.sidebar.selectbox[0].value is None  # no entity chosen for the reader
    offered = [q.removeprefix("entity=") for q in links(at).values()]
    assert len(offered) == 10
    graph = CivicGraph.open(chapter_store)
    assert not set(offered) & graph.views.contextual  # actors, not places or publications


def test_a_search_with_no_match_keeps_the_page(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store, "profile", entity="usaid")
    at.sidebar.text_input(key="profile-search").input("zzzqqqxxx").run()
    assert not at.exception
    assert at.title[0].value == "USAID"
    assert at.query_params["entity"] == "usaid"
    assert "still showing USAID" in at.sidebar.warning[0].value


def test_the_path_tracer_waits_for_a_target_entity(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store, "paths", **{"from": "javier-sicilia"})
    at.sidebar.radio[0].set_value("An entity").run()
    assert not at.exception
    assert at.sidebar.selectbox[1].value is None  # no arbitrary target
    assert not at.warning and "→" not in shown(at)


def test_network_most_central_instead_wins_over_the_search_text(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store)
    at.sidebar.text_input(key="network-search").input("Sicilia").run()
    assert "around **Javier Sicilia**" in at.markdown[0].value
    button = next(b for b in at.sidebar.button if b.label.startswith("Show the most central"))
    button.click().run()
    assert not at.exception
    assert "the top by pagerank" in at.markdown[0].value
    assert "focus" not in at.query_params
    assert at.sidebar.text_input(key="network-search").value == ""
    at.query_params["focus"] = "usaid"  # a permalink or Back: the URL wins again
    at.run()
    assert "around **USAID**" in at.markdown[0].value


def test_network_draws_actors_unless_context_is_included(
    chapter_store: Path, open_page: OpenPage, chapter: CivicGraph
) -> None:
    actors = len(chapter.names.entities) - len(chapter.views.contextual)
    at = open_page(chapter_store, "network")
    assert f"of {actors} entities" in shown(at)
    context = next(
        c for c in at.sidebar.checkbox if c.label == "Include places, works and concepts"
    )
    context.check().run()
    assert not at.exception
    assert f"of {len(chapter.names.entities)} entities" in shown(at)
    # a place as the focus is drawn with its context, without ticking the box
    at = open_page(chapter_store, "network", focus="ciudad-juarez")
    assert "around **Ciudad Juárez**" in "\n".join(m.value for m in at.markdown)


def test_a_path_trace_is_a_permalink(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(
        chapter_store, "paths", **{"from": "javier-sicilia", "to": "judicial-reform", "k": "2"}
    )
    assert [s.value for s in at.sidebar.slider][:2] == [2, 6]
    text = shown(at)
    assert "Path 2" in text and "Path 3" not in text
    assert at.query_params["to"] == "judicial-reform" and at.query_params["k"] == "2"
    at.sidebar.slider[1].set_value(4).run()  # max hops: into the URL
    assert at.query_params["hops"] == "4"
    at = open_page(chapter_store, "paths", **{"from": "javier-sicilia", "type": "Legislation"})
    assert "Legislation" in [s.value for s in at.sidebar.selectbox]


def test_the_network_view_is_a_permalink(
    chapter_store: Path, open_page: OpenPage, chapter: CivicGraph
) -> None:
    at = open_page(chapter_store, "network")
    context = next(
        c for c in at.sidebar.checkbox if c.label == "Include places, works and concepts"
    )
    context.check().run()
    next(s for s in at.sidebar.slider if s.label.startswith("Entities shown")).set_value(50).run()
    assert at.query_params["context"] == "1" and at.query_params["top"] == "50"
    # the same URL opened afresh shows the same view
    at = open_page(chapter_store, "network", context="1", top="50", types="Person,Movement")
    assert not at.exception
    assert f"of {len(chapter.names.entities)} entities" not in shown(at)  # types narrow it
    assert at.sidebar.multiselect[0].value == ["Person", "Movement"]
    assert next(s for s in at.sidebar.slider if s.label.startswith("Entities")).value == 50
    # what the URL holds that the page cannot show is left out, not an error
    at = open_page(chapter_store, "network", types="Nothing", top="x", metric="zzz")
    assert not at.exception and at.sidebar.multiselect[0].value == []
    assert "the top by pagerank" in shown(at)


def test_a_profile_with_many_relationships_lists_them_in_one_table(
    chapter_store: Path, open_page: OpenPage, chapter: CivicGraph
) -> None:
    entity = "building-resilient-communities-in-mexico-intro"
    relations = chapter.entity(entity)["relations"]
    assert len(relations) > 40
    at = open_page(chapter_store, "profile", entity=entity)
    (table,) = [d.value for d in at.main.dataframe if "in context" in d.value.columns]
    assert len(table) == len(relations)
    first = relations[0]["sources"][0]
    where = f"at={first['char_start']}&end={first['char_end']}"
    assert any(where in url for url in table["in context"])
    assert not at.main.expander or len(at.main.expander) < 5  # not one per relationship
