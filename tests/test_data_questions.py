"""Questions an analyst or a journalist would ask of the chapter, answered from the graph
through the command line (`sparql`, `entity`, `path`). Every expected answer was written
from the source text, not from the data."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from civicgraph.cli.app import app

runner = CliRunner()
ID = "https://w3id.org/civicgraph/id/"


@pytest.fixture(scope="module")
def store(chapter_store: Path) -> list[str]:
    return ["--store", str(chapter_store)]


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def ask(store: list[str], query: str) -> list[dict[str, str]]:
    """SPARQL through `civicgraph sparql --format json`; ids are shortened to slugs."""
    code, out, err = cli("sparql", query, "--format", "json", *store)
    assert code == 0, err
    rows = json.loads(out)["results"]["bindings"]
    return [{k: v["value"].removeprefix(ID) for k, v in row.items()} for row in rows]


def column(store: list[str], query: str, name: str = "x") -> set[str]:
    return {row[name] for row in ask(store, query)}


def entity(store: list[str], name: str) -> dict[str, Any]:
    code, out, err = cli("entity", name, "--json", *store)
    assert code == 0, err
    found: dict[str, Any] = json.loads(out)
    return found


def relations(
    profile: dict[str, Any], predicate: str, direction: str = "out"
) -> list[dict[str, Any]]:
    return [
        r
        for r in profile["relations"]
        if r["predicate"] == predicate and r["direction"] == direction
    ]


def path(store: list[str], source: str, target: str, *extra: str) -> dict[str, Any]:
    code, out, err = cli("path", source, target, "--json", *extra, *store)
    assert code == 0, err
    found: dict[str, Any] = json.loads(out)
    return found


def rel(subject: str, predicate: str, obj: str, extra: str = "") -> str:
    return f"?r civ:subject {subject} ; civ:relation civ:{predicate} ; civ:object {obj} . {extra}"


# ---------------------------------------------------------------- funding and channels


def test_which_organizations_did_usaid_fund(store: list[str]) -> None:
    """ "USAID funding has ... played a critical ... role in helping this network develop." """
    assert column(store, f"SELECT ?x WHERE {{ {rel('id:usaid', 'funds', '?x')} }}") == {
        "network-for-oral-trials"
    }


def test_through_what_did_the_us_government_fund_the_network_for_oral_trials(
    store: list[str],
) -> None:
    """ "the U.S. government has provided some support through USAID to the Network for Oral
    Trials" """
    rows = ask(
        store,
        f"SELECT ?via WHERE {{ {rel('id:us-government', 'funds', 'id:network-for-oral-trials')}"
        " ?r civ:via ?via }",
    )
    assert rows == [{"via": "usaid"}]


def test_how_and_since_when_did_the_us_fund_journalist_protection(store: list[str]) -> None:
    """ "starting in late 2011, to Freedom House to start a project to protect journalists" """
    rows = ask(
        store,
        "SELECT ?what ?via ?start WHERE { ?r civ:subject id:us-government ; "
        "civ:relation civ:funds ; civ:object ?what ; civ:via ?via ; civ:startDate ?start }",
    )
    assert {
        "what": "journalist-protection-project",
        "via": "freedom-house",
        "start": "2011",
    } in rows
    assert column(store, f"SELECT ?x WHERE {{ {rel('id:us-government', 'funds', '?x')} }}") >= {
        "freedom-house",
        "national-information-strategy-center",
        "network-for-oral-trials",
        "pillar-iv-civic-projects",
    }


def test_how_much_did_the_merida_initiative_channel_and_when(store: list[str]) -> None:
    """ "The first three years of the Merida Initiative, from 2007 to 2009, were focused on
    channeling $1.4 billion in U.S. assistance" """
    rows = ask(
        store,
        "SELECT ?v ?period ?unit WHERE { ?o civ:subjectOf id:merida-initiative ; "
        "civ:funding ?v ; civ:period ?period ; civ:unit ?unit }",
    )
    assert rows == [{"v": "1400000000", "period": "2007/2009", "unit": "usd"}]


def test_who_funds_the_pillar_iv_civic_projects(store: list[str]) -> None:
    """U.S. policymakers direct funds; the Mexican government "has pledged some funds", which is
    support, not funding ("the extent of Mexican government funding ... is still unclear")."""
    profile = entity(store, "pillar-iv-civic-projects")
    funders = {r["other"]["id"] for r in relations(profile, "funds", "in")}
    assert funders == {"us-government"}
    (pledge,) = relations(profile, "supports", "in")
    assert pledge["other"]["id"] == "government-of-mexico" and "pledged" in (pledge["role"] or "")
    assert pledge["concerning"]["id"] == "merida-pillar-iv"
    assert {r["other"]["id"] for r in relations(profile, "operatesIn")} == {
        "ciudad-juarez",
        "tijuana",
        "monterrey",
    }


def test_the_justice_in_mexico_project_was_consulted_on_pillar_iv(store: list[str]) -> None:
    """ "The Justice in Mexico Project has been consulted by both governments in developing this
    strategy under Pillar IV of the Merida Initiative": who consulted it, and about what."""
    consulted = relations(entity(store, "Justice in Mexico Project"), "consulted", "in")
    assert {r["other"]["id"] for r in consulted} == {"us-government", "government-of-mexico"}
    assert {r["concerning"]["id"] for r in consulted} == {"merida-pillar-iv"}
    found = path(store, "Justice in Mexico Project", "merida-pillar-iv")
    first = found["paths"][0]["hops"][0]
    assert first["predicate"] == "consulted" and first["concerning"]["id"] == "merida-pillar-iv"
    code, out, _ = cli("path", "Justice in Mexico Project", "Merida Initiative", *store)
    assert code == 0 and "concerning Merida Initiative Pillar IV" in out


# ---------------------------------------------------------------- movements and demands


def test_which_movements_demand_judicial_reform(store: list[str]) -> None:
    """Table 4: the Victims' Rights Movement and the Judicial Reform Movement."""
    query = "SELECT ?x WHERE { ?x civ:demands id:judicial-reform ; a civ:Movement }"
    assert column(store, query) == {"victims-rights-movement", "judicial-reform-movement"}


def test_what_does_the_victims_rights_movement_demand(store: list[str]) -> None:
    """ "Police, Prosecutor, and Judicial Reform, Anti- Kidnapping Legislation, Attention to
    Victims of Crime" """
    query = "SELECT ?x WHERE { id:victims-rights-movement civ:demands ?x }"
    assert column(store, query) == {
        "police-reform",
        "prosecutorial-reform",
        "judicial-reform",
        "anti-kidnapping-legislation",
        "attention-to-victims-of-crime",
    }


def test_which_groups_belong_to_the_victims_rights_movement(store: list[str]) -> None:
    """Table 4 lists Mexico SOS, Mexicans United Against Delinquency and the Movement for Peace
    with Justice and Dignity; the prose adds the movement Martí started and the leaders."""
    members = column(store, "SELECT ?x WHERE { ?x civ:memberOf id:victims-rights-movement }")
    assert members == {
        "mexico-sos",
        "mexicans-united-against-delinquency",
        "movement-for-peace-with-justice-and-dignity",
        "marti-victims-rights-nonprofit",
        "isabel-miranda-de-wallace",
        "maria-elena-moreira",
    }


def test_two_names_one_group(store: list[str]) -> None:
    """Table 4 says "Mexicans United Against Delinquency", the prose "... Against Crime"."""
    assert entity(store, "Mexicans United Against Crime")["id"] == (
        "mexicans-united-against-delinquency"
    )


def test_who_started_the_movement_for_peace_with_justice_and_dignity(store: list[str]) -> None:
    """ "the Movement for Peace with Justice and Dignity started by Javier Sicilia" """
    profile = entity(store, "Javier Sicilia")
    assert {r["other"]["id"] for r in relations(profile, "founded")} == {
        "movement-for-peace-with-justice-and-dignity"
    }
    assert "poet" in profile["description"].lower()


def test_alejandro_marti_is_the_father_of_the_victim_not_the_victim(store: list[str]) -> None:
    """ "Alejandro Martí, the father of the murdered kidnapping victim" """
    profile = entity(store, "Alejandro Martí")
    assert relations(profile, "victimOf") == []
    (relative,) = relations(profile, "relativeOfVictimOf")
    assert relative["other"]["id"] == "marti-kidnapping-and-murder"
    assert relative["role"] == "father"
    victims = {r["other"]["id"] for r in relations(entity(store, "Fernando Martí"), "victimOf")}
    assert victims == {"marti-kidnapping-and-murder"}


def test_where_did_the_victims_leaders_lose_their_relatives(store: list[str]) -> None:
    """Sicilia's son in Cuernavaca, Martí's in Mexico City, Miranda de Wallace's in Mexico
    State; Moreira's husband was kidnapped in Mexico City."""
    rows = ask(
        store,
        "SELECT ?who ?where WHERE { ?who civ:relativeOfVictimOf ?crime . "
        "?crime civ:locatedIn ?where . "
        "?who civ:memberOf|civ:founded|civ:leads ?group . ?who a civ:Person }",
    )
    assert {(r["who"], r["where"]) for r in rows} == {
        ("javier-sicilia", "cuernavaca"),
        ("alejandro-marti", "mexico-city"),
        ("isabel-miranda-de-wallace", "mexico-state"),
        ("maria-elena-moreira", "mexico-city"),
    }


def test_what_did_the_network_for_oral_trials_help_develop(store: list[str]) -> None:
    """ "helped develop the basis for the recent constitutional reform of the justice system" """
    profile = entity(store, "Network for Oral Trials")
    assert {r["other"]["id"] for r in relations(profile, "inspired")} == {
        "constitutional-justice-reform"
    }
    assert {r["other"]["id"] for r in relations(profile, "memberOf")} == {
        "judicial-reform-movement"
    }


def test_whom_do_journalists_pressure(store: list[str]) -> None:
    """ "beginning to pressure the federal attorney general's office and local authorities" """
    query = "SELECT ?x WHERE { id:journalists-movement civ:pressured ?x }"
    assert column(store, query) == {"federal-attorney-generals-office"}


# ---------------------------------------------------------------- people and offices


def test_who_resigned_under_pressure_from_whom(store: list[str]) -> None:
    """ "he resigned under pressure from the Calderón administration" (Carlos Pascual)."""
    rows = ask(
        store,
        "SELECT ?who ?from ?role ?by WHERE { ?r civ:subject ?who ; civ:relation "
        "civ:resignedFrom ; civ:object ?from ; civ:role ?role . ?by civ:pressured ?who }",
    )
    assert rows == [
        {
            "who": "carlos-pascual",
            "from": "us-government",
            "role": "U.S. Ambassador to Mexico",
            "by": "calderon-administration",
        }
    ]


def test_who_fired_ebrard_and_what_offices_did_he_hold(store: list[str]) -> None:
    """Fox fired "Mexico City police chief Marcelo Ebrard"; in 2008 he was "Mexico City
    Mayor". The sentence that says Fox fired him gives no date, so the firing has none (the
    2004 of footnote 7 is its article's date)."""
    profile = entity(store, "Ebrard")
    fired = relations(profile, "fired", "in")
    assert [(r["other"]["id"], r.get("start")) for r in fired] == [("vicente-fox", None)]
    offices = {(r["other"]["id"], r["role"], r["end"]) for r in relations(profile, "holdsPosition")}
    assert offices == {  # no end: 2004 is the date of footnote 7's newspaper article
        ("mexico-city-police", "police chief", None),
        ("government-of-mexico-city", "Mayor", None),
    }


def test_fox_fired_ebrard_in_reaction_to_the_lynching(store: list[str]) -> None:
    """ "In reaction to public outrage over the incident, President Vicente Fox fired Mexico City
    police chief Marcelo Ebrard": the response joins Fox to the 2004 lynching, cited hop by hop."""
    (response,) = relations(entity(store, "Vicente Fox"), "respondedTo")
    assert response["other"]["id"] == "san-juan-ixtayopan-lynching-2004"
    assert any("In reaction to public outrage" in s["quote"] for s in response["sources"])
    assert any("San Juan Ixtayopan" in s["quote"] for s in response["sources"])
    found = path(store, "Vicente Fox", "san-juan-ixtayopan-lynching-2004", "--through-context")
    assert found["paths"][0]["length"] == 1
    code, out, _ = cli("path", "Vicente Fox", "Marcelo Ebrard", "--format", "md", *store)
    assert code == 0 and "Vicente Fox fired Marcelo Ebrard" in out


def test_who_succeeded_calderon_and_when(store: list[str]) -> None:
    """ "Calderón's successor, President Enrique Peña Nieto (whose six-year term began in 2012)" """
    profile = entity(store, "Peña Nieto")
    assert [r["other"]["id"] for r in relations(profile, "succeeded")] == ["felipe-calderon"]
    presidency = relations(profile, "holdsPosition")
    assert [(r["role"], r["start"]) for r in presidency] == [("President", "2012")]
    calderon = relations(entity(store, "Felipe Calderón"), "holdsPosition")
    assert [(r["role"], r["start"], r["end"]) for r in calderon] == [("President", "2006", "2012")]


def test_who_proposed_the_merida_initiative(store: list[str]) -> None:
    """ "a binational aid program proposed by Presidents Felipe Calderón and George W. Bush" """
    query = "SELECT ?x WHERE { ?x civ:proposed id:merida-initiative }"
    assert column(store, query) == {"felipe-calderon", "george-w-bush"}


def test_what_are_the_pillars_of_the_merida_initiative(store: list[str]) -> None:
    """Three areas of 2007-2009, and community resilience as the fourth pillar from 2009."""
    rows = ask(
        store,
        "SELECT ?x ?start WHERE { ?r civ:relation civ:partOf ; civ:object id:merida-initiative ; "
        "civ:subject ?x ; civ:startDate ?start . ?x a civ:ProgramComponent }",
    )
    assert {(r["x"], r["start"]) for r in rows} == {
        ("merida-pillar-i", "2007"),
        ("merida-pillar-ii", "2007"),
        ("merida-pillar-iii", "2007"),
        ("merida-pillar-iv", "2009"),
    }
    assert entity(store, "Pillar IV")["id"] == "merida-pillar-iv"


def test_who_came_to_tijuana_innovadora(store: list[str]) -> None:
    """ "then-President Felipe Calderón, former U.S. Vice President Al Gore, telecommunications
    magnate Carlos Slim, and U.S. talk show host Larry King" """
    profile = entity(store, "Tijuana Innovadora")
    assert profile["label_es"] == "Tijuana Innovadora"
    assert {r["other"]["id"] for r in relations(profile, "participatedIn", "in")} == {
        "felipe-calderon",
        "al-gore",
        "carlos-slim",
        "larry-king",
    }


def test_who_was_consulted_on_the_pillar_iv_strategy(store: list[str]) -> None:
    """ "The Justice in Mexico Project has been consulted by both governments" """
    query = "SELECT ?x WHERE { ?x civ:consulted id:justice-in-mexico-project }"
    assert column(store, query) == {"us-government", "government-of-mexico"}


# ---------------------------------------------------------------- statistics


def test_which_municipalities_were_in_the_top_ten_every_year(store: list[str]) -> None:
    """Table 1: Cd. Juárez, Tijuana, Culiacán and Acapulco appear in all six years."""
    query = """SELECT ?x WHERE { ?o qb:dataSet id:table-1 ; civ:place ?x ; civ:period ?p }
               GROUP BY ?x HAVING (COUNT(DISTINCT ?p) = 6)"""
    assert column(store, query) == {"ciudad-juarez", "tijuana", "culiacan", "acapulco"}


def test_most_homicides_and_highest_rate(store: list[str]) -> None:
    """Table 1: Cd. Juárez, 2010: 2,738 homicides, a rate of 206."""
    top = ask(
        store,
        "SELECT ?x ?p ?v WHERE { ?o qb:dataSet id:table-1 ; civ:place ?x ; civ:period ?p ; "
        "civ:homicides ?v } ORDER BY DESC(?v) LIMIT 1",
    )
    assert top == [{"x": "ciudad-juarez", "p": "2010", "v": "2738"}]
    rate = ask(
        store,
        "SELECT ?x ?v WHERE { ?o qb:dataSet id:table-1 ; civ:place ?x ; civ:homicideRate ?v }"
        " ORDER BY DESC(?v) LIMIT 1",
    )
    assert rate == [{"x": "ciudad-juarez", "v": "206"}]


def test_ciudad_juarez_profile_carries_its_table_1_rows(store: list[str]) -> None:
    """Every entity profile lists the observations it is a dimension of."""
    profile = entity(store, "Cd. Juárez")
    assert profile["id"] == "ciudad-juarez"
    cells = {(o["measure"], o["period"]): (o["value"], o["rank"]) for o in profile["observations"]}
    assert cells[("homicides", "2010")] == (2738, 1)
    assert cells[("homicideRate", "2012")] == (60, 2)
    assert len(cells) == 12


def test_which_institutions_are_most_and_least_trusted(store: list[str]) -> None:
    """Table 2: the Navy has most "High" (55.0); the Municipal Police least (10.2)."""
    query = """SELECT ?x ?v WHERE { ?o qb:dataSet id:table-2 ; civ:agency ?x ;
                 civ:category id:confidence-high ; civ:confidenceShare ?v } ORDER BY DESC(?v)"""
    rows = ask(store, query)
    assert (rows[0]["x"], Decimal(rows[0]["v"])) == ("navy", Decimal("55.0"))
    assert (rows[-1]["x"], Decimal(rows[-1]["v"])) == ("municipal-police", Decimal("10.2"))
    assert len(rows) == 11


def test_figures_from_the_prose(store: list[str]) -> None:
    """Over 150,000 marchers; an estimated $2 million ransom; 1,073 kidnappings reported to
    municipal police in 2008 (INEGI); Apatzingán's roughly 100,000 inhabitants."""
    rows = ask(
        store,
        """SELECT ?measure ?v ?status WHERE { ?o qb:measureType/civ:recordKey ?measure ;
             qb:measureType ?m ; ?m ?v ; civ:status ?status }""",
    )
    found = {(r["measure"], r["v"]): r["status"].rsplit("#", 1)[1] for r in rows}
    assert found[("participants", "150000")] == "reported"
    assert found[("ransom", "2000000")] == "alleged"  # "an estimated sum"
    assert found[("kidnappings", "1073")] == "reported"
    assert found[("population", "100000")] == "reported"
    assert found[("participants", "200")] == "alleged"  # "an estimated 200 people"


def test_where_table_1s_numbers_come_from(store: list[str]) -> None:
    """ "Derived from INEGI and SNSP data by Molzahn et. al. 2013": two data sources and a cited
    work; the line names no publisher, and does not say Molzahn et al. made the table."""
    profile = entity(store, "table-1")
    assert {r["other"]["id"] for r in relations(profile, "dataSource")} == {"inegi", "snsp"}
    assert [r["other"]["id"] for r in relations(profile, "cites")] == ["molzahn-et-al-2013"]
    assert relations(profile, "publishedBy") == [] and relations(profile, "authored", "in") == []


def test_which_datasets_come_from_snsp(store: list[str]) -> None:
    """Figure 2 ("Source: SNSP."), Figure 3 (Sistema Nacional de Seguridad Pública), and Table 1
    ("Derived from INEGI and SNSP data")."""
    query = "SELECT ?x WHERE { ?x civ:dataSource id:snsp }"
    assert column(store, query) == {"figure-2", "figure-3", "table-1"}
    # where the numbers came from is not who published them
    assert column(store, "SELECT ?x WHERE { ?x civ:publishedBy id:snsp }") == set()
    assert entity(store, "Sistema Nacional de Seguridad Pública")["id"] == "snsp"


# ---------------------------------------------------------------- concepts, works, claims


def test_the_eight_resilience_factors_and_their_definitions(store: list[str]) -> None:
    """The list of characteristics "that may lend resilience to a system or community"."""
    rows = ask(
        store,
        "SELECT ?x ?d WHERE { ?x skos:inScheme civ:ResilienceFactorScheme ; skos:definition ?d }",
    )
    definitions = {r["x"]: r["d"] for r in rows}
    assert set(definitions) == {
        "strength",
        "self-sufficiency",
        "inner-dependence",
        "redundancy",
        "perceptivity",
        "diffusivity",
        "diversity",
        "flexibility",
    }
    assert definitions["redundancy"] == (
        "Duplication of functions in ways that reduces the vulnerabilities of a given system."
    )
    assert column(store, "SELECT ?x WHERE { civ:ResilienceFactorScheme a ?x }") == {
        "http://www.w3.org/2004/02/skos/core#ConceptScheme"
    }


def test_who_edited_transnational_crime_and_public_security(store: list[str]) -> None:
    """ "John J. Bailey and Jorge Chabat, eds." (La Jolla: Center for U.S.-Mexican Studies)."""
    profile = entity(store, "transnational-crime-and-public-security")
    authors = {(r["other"]["id"], r["role"]) for r in relations(profile, "authored", "in")}
    assert authors == {("john-j-bailey", "editor"), ("jorge-chabat", "editor")}
    assert [r["other"]["id"] for r in relations(profile, "publishedBy")] == [
        "center-for-us-mexican-studies"
    ]


def test_which_cited_works_are_about_the_merida_initiative(store: list[str]) -> None:
    """Footnote 15: the House report, the GAO report and the CRS report."""
    query = (
        "SELECT ?x WHERE { ?x civ:about id:merida-initiative . "
        "id:building-resilient-communities-in-mexico-intro civ:cites ?x }"
    )
    assert column(store, query) == {
        "house-report-hr-6028-2008",
        "gao-2010-merida-report",
        "seelke-finklea-2013-crs-report",
    }


def test_each_footnoted_work_is_tied_to_the_claim_it_supports(store: list[str]) -> None:
    """Footnote 16 (the BBC report) is attached to Pascual's resignation."""
    rows = ask(
        store,
        "SELECT ?q WHERE { ?r civ:subject id:building-resilient-communities-in-mexico-intro ; "
        "civ:relation civ:cites ; civ:object id:bbc-2011-pascual-quits ; "
        "civ:citation/civ:quote ?q }",
    )
    assert "he resigned under pressure from the Calderón administration.¹⁶" in {
        r["q"] for r in rows
    }


def test_which_claims_does_the_text_hedge(store: list[str]) -> None:
    """ "appears to have been a pivotal player" and "we believe was inspired" are alleged."""
    rows = ask(
        store,
        "SELECT ?s ?p ?o WHERE { ?r civ:status civ:alleged ; civ:subject ?s ; "
        "civ:relation/civ:recordKey ?p ; civ:object ?o }",
    )
    alleged = {(r["s"], r["p"], r["o"]) for r in rows}
    assert ("carlos-pascual", "proposed", "merida-pillar-iv") in alleged
    assert ("authors-earlier-report", "inspired", "journalist-protection-project") in alleged
    assert ("usaid", "funds", "network-for-oral-trials") not in alleged


def test_what_followed_the_birthday_party_massacre(store: list[str]) -> None:
    """ "the Mesas de Seguridad that were initiated by the federal government ... in the
    aftermath of a tragic massacre at a birthday party" """
    profile = entity(store, "Mesas de Seguridad")
    assert {r["other"]["id"] for r in relations(profile, "ledTo", "in")} == {
        "birthday-party-massacre"
    }
    assert {r["other"]["id"] for r in relations(profile, "implements", "in")} == {
        "government-of-mexico"
    }
    assert relations(profile, "operatesIn") == []  # the text does not say where


# ---------------------------------------------------------------- Table 3, row by row


def test_what_table_3_says_about_tijuana(store: list[str]) -> None:
    """ "Innovative Tijuana, Tijuana Development Committee, Others / City Planning, Youth
    Opportunities, Judicial Reform, Anti-Kidnapping Legislation" """
    row = "Tijuana, Baja California\t"
    rows = ask(
        store,
        "SELECT ?s ?p ?o ?q WHERE { ?r civ:subject ?s ; civ:relation/civ:recordKey ?p ; "
        "civ:object ?o ; civ:citation/civ:quote ?q }",
    )
    from_row = {(r["s"], r["p"], r["o"]) for r in rows if r["q"].startswith(row)}
    movement = "tijuana-local-civic-movement"
    assert from_row == {
        ("table-3", "about", "tijuana"),
        (movement, "operatesIn", "tijuana"),
        ("tijuana-innovadora", "operatesIn", "tijuana"),
        ("tijuana-development-committee", "operatesIn", "tijuana"),
        ("tijuana-innovadora", "partOf", movement),
        ("tijuana-development-committee", "memberOf", movement),
        (movement, "worksOn", "city-planning"),
        (movement, "worksOn", "youth-opportunities"),
        (movement, "worksOn", "judicial-reform"),
        (movement, "worksOn", "anti-kidnapping-legislation"),
    }


def test_where_do_local_movements_work_on_police_reform(store: list[str]) -> None:
    """Table 3 lists police reform for Ciudad Juárez, Monterrey ("Police & Judicial Reform") and
    Michoacán; the prose adds Tijuana's efforts to reform its police."""
    query = """SELECT ?x WHERE { ?m civ:worksOn id:police-reform ; civ:operatesIn ?x ;
                 a civ:Movement }"""
    assert column(store, query) == {"ciudad-juarez", "monterrey", "michoacan", "tijuana"}


def test_groups_are_not_credited_with_their_rows_activities(store: list[str]) -> None:
    """Table 3 pairs activities with the row, so no group of a row works on them itself."""
    query = "SELECT ?x WHERE { id:sinaloa-business-federation civ:worksOn ?x }"
    assert column(store, query) == set()


# ---------------------------------------------------------------- names and paths


def test_a_city_and_its_state_are_two_entities(store: list[str]) -> None:
    """ "Chihuahua" names the Table 1 municipality and the state; asking for it is ambiguous."""
    code, _, err = cli("entity", "Chihuahua", *store)
    assert code == 1
    assert "chihuahua-city" in err and "chihuahua-state" in err
    assert entity(store, "Ciudad Juarez")["id"] == "ciudad-juarez"
    state = relations(entity(store, "ciudad-juarez"), "locatedIn")
    assert "chihuahua-state" in {r["other"]["id"] for r in state}


def test_path_from_usaid_to_judicial_reform(store: list[str]) -> None:
    """USAID funds the Network for Oral Trials, which promotes judicial reform."""
    found = path(store, "USAID", "Judicial reform")
    first = found["paths"][0]
    assert first["length"] == 2
    assert [h["predicate"] for h in first["hops"]] == ["funds", "demands"]
    assert first["hops"][0]["to"]["id"] == "network-for-oral-trials"
    assert all(h["sources"] for h in first["hops"])


def test_path_from_pascual_to_the_merida_initiative_is_hedged(store: list[str]) -> None:
    """Pascual "appears to have been a pivotal player" in adding Pillar IV to the initiative."""
    found = path(store, "Carlos Pascual", "Merida Initiative")
    hops = found["paths"][0]["hops"]
    assert [(h["predicate"], h["status"]) for h in hops] == [
        ("proposed", "alleged"),
        ("partOf", "reported"),
    ]


def test_the_most_central_actors_are_actors(store: list[str]) -> None:
    """`centrality` ranks the actor layer unless --include-context: the chapter itself,
    Mexico and Figure 1 are not the most central "actors" of the chapter."""
    code, out, err = cli("centrality", "--json", *store)
    assert code == 0, err
    ranked = json.loads(out)
    assert ranked["layer"] == "actors"
    top = [r["id"] for r in ranked["results"]]
    assert len(top) == 20 and not {
        "building-resilient-communities-in-mexico-intro",
        "mexico",
    } & set(top)
    assert top[:2] == ["government-of-mexico", "us-government"]
    code, out, err = cli("centrality", "--json", "--include-context", *store)
    everything = json.loads(out)
    assert everything["layer"] == "all"
    assert [r["id"] for r in everything["results"][:2]] == [
        "building-resilient-communities-in-mexico-intro",
        "mexico",
    ]
