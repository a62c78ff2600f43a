"""Pages of the IT-system portfolio and data flows (issue 5) through the test client: lists with
filters, details, forms with the service's 422 messages next to the fields, merge on stale edits,
lineage, impact and the graph (inline SVG, table alternative, downloads)."""
from __future__ import annotations

import re

import pytest

from dmp_registry.vocabularies.terms import local

from .conftest import csrf_of


@pytest.fixture
def curator_client(client, curator, login):
    return login(client, curator[0])


def test_portfolio_pages_need_a_login(client):
    for path in ("/systems/", "/flows/", "/flows/graph", "/flows/graph.svg"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_system_list_filters_and_views(curator_client, create_system, create_unit, create_person):
    unit = create_unit()
    owned = create_system(name="Samlingsbasen", owner_unit_id=str(unit.id), system_owner_id=str(create_person().id),
                          classification=local("classification", "internal"))
    create_system(name="Gammel server", lifecycle="retired", processes_personal_data=True)
    body = curator_client.get("/systems/").get_data(as_text=True)
    assert "Samlingsbasen" in body and "Gammel server" in body and "2 systemer" in body
    only_unit = curator_client.get(f"/systems/?owner_unit_id={unit.id}").get_data(as_text=True)
    assert "Samlingsbasen" in only_unit and "Gammel server" not in only_unit
    retired = curator_client.get("/systems/?lifecycle_status=" + local("lifecycle-status", "retired")).get_data(as_text=True)
    assert "Gammel server" in retired and "Samlingsbasen" not in retired
    for view in ("without_owner", "without_classification", "processes_personal_data"):
        page = curator_client.get(f"/systems/?{view}=true").get_data(as_text=True)
        assert "Gammel server" in page and "Samlingsbasen" not in page, view
    assert curator_client.get("/systems/?owner_unit_id=not-a-uuid").status_code == 200  # ignored, not a 500
    assert owned.id


def test_system_detail_shows_labels_datasets_flows_and_links(curator_client, create_system, create_dataset, create_flow):
    data = create_dataset(title={"nb": "Funnliste", "en": "List of finds"})
    system = create_system(name="Musit", dataset_ids=[str(data.id)], hosting=local("hosting", "ntnu-it"),
                           endpoint_urls=["https://musit.example/api"],
                           documentation_links=[{"title": "Brukerveiledning", "url": "https://musit.example/doc"}])
    other = create_system(name="GBIF-eksport")
    create_flow(system, other, title="Til GBIF")
    create_flow(data, system, title="Innlegging")
    html = curator_client.get(f"/systems/{system.id}").get_data(as_text=True)
    for expected in ("Musit", "Lagring", "I bruk", "NTNU IT", "Funnliste", "Til GBIF", "Innlegging",
                     "Brukerveiledning", f"/flows/lineage/{system.id}", f"/systems/{system.id}/impact"):
        assert expected in html, expected
    curator_client.get("/language/en")
    english = curator_client.get(f"/systems/{system.id}").get_data(as_text=True)
    assert "List of finds" in english and "In use" in english


def test_curator_creates_and_edits_a_system(curator_client, create_dataset):
    data = create_dataset()
    page = curator_client.get("/systems/new").get_data(as_text=True)
    form = {"csrf_token": csrf_of(page), "name": "", "category": "", "lifecycle_status": local("lifecycle-status", "in-use")}
    refused = curator_client.post("/systems/new", data=form)
    assert refused.status_code == 422
    assert 'id="f-name-error"' in refused.get_data(as_text=True)
    form.update(name="Arkivsystem", category=local("system-category", "storage"), in_use_from="2020-01-01",
                retired_on="2019-01-01", endpoint_urls="https://a.example\nhttps://b.example",
                documentation_links="Guide | https://a.example/guide", dataset_ids=str(data.id))
    dates = curator_client.post("/systems/new", data=form)
    assert dates.status_code == 422 and "Livsløpsdatoene" in dates.get_data(as_text=True)
    form["retired_on"] = ""
    created = curator_client.post("/systems/new", data=form)
    assert created.status_code == 303, created.get_data(as_text=True)[:3000]
    detail = curator_client.get(created.headers["Location"]).get_data(as_text=True)
    assert "https://b.example" in detail and ">Guide</a>" in detail and "Datasett" in detail
    edit_url = created.headers["Location"] + "/edit"
    edit = curator_client.get(edit_url).get_data(as_text=True)
    assert "Guide | https://a.example/guide" in edit
    values = dict(re.findall(r'name="(version)" value="(\d+)"', edit))
    form.update(version=values["version"], vendor="Leverandør AS")
    assert curator_client.post(edit_url, data=form).status_code == 303
    stale = curator_client.post(edit_url, data={**form, "vendor": "Annen AS"})  # the old version again
    assert stale.status_code == 409 and "Annen AS" in stale.get_data(as_text=True)


def test_flow_form_shows_service_messages_next_to_fields(curator_client, create_system):
    live, retired = create_system(name="Levende"), create_system(name="Pensjonert", lifecycle="retired")
    token = csrf_of(curator_client.get("/flows/new").get_data(as_text=True))
    same = curator_client.post("/flows/new", data={"csrf_token": token, "title": "Løkke", "source": f"system:{live.id}",
                                                   "target": f"system:{live.id}",
                                                   "status": local("flow-status", "active")})
    html = same.get_data(as_text=True)
    assert same.status_code == 422 and 'id="f-target-error"' in html and "et mål som er forskjellige" in html
    to_retired = curator_client.post("/flows/new", data={"csrf_token": token, "title": "x", "source": f"system:{live.id}",
                                                         "target": f"system:{retired.id}",
                                                         "status": local("flow-status", "active")})
    html = to_retired.get_data(as_text=True)
    assert to_retired.status_code == 422 and 'id="f-target-error"' in html and "Pensjonert" in html
    missing = curator_client.post("/flows/new", data={"csrf_token": token, "title": "x"})
    assert missing.status_code == 422 and 'id="f-source-error"' in missing.get_data(as_text=True)


def test_researcher_proposes_a_flow_for_own_dataset_only(client, login, create_user, create_unit, create_dataset,
                                                         create_system):
    unit = create_unit()
    user, _identity, _headers = create_user("researcher", unit=unit)
    mine, theirs, system = create_dataset(unit=unit), create_dataset(), create_system()
    login(client, user)
    token = csrf_of(client.get("/flows/new").get_data(as_text=True))
    active = client.post("/flows/new", data={"csrf_token": token, "title": "Til arkiv", "source": f"dataset:{mine.id}",
                                             "target": f"system:{system.id}", "status": local("flow-status", "active")})
    assert active.status_code == 422 and 'id="f-status-error"' in active.get_data(as_text=True)
    foreign = client.post("/flows/new", data={"csrf_token": token, "title": "x", "source": f"dataset:{theirs.id}",
                                              "target": f"system:{system.id}", "status": local("flow-status", "planned")})
    assert foreign.status_code == 422 and 'id="f-source-error"' in foreign.get_data(as_text=True)
    proposed = client.post("/flows/new", data={"csrf_token": token, "title": "Til arkiv", "source": f"dataset:{mine.id}",
                                               "target": f"system:{system.id}", "status": local("flow-status", "planned")})
    assert proposed.status_code == 303
    assert "Planlagt" in client.get(proposed.headers["Location"]).get_data(as_text=True)


def test_flow_list_filters_detail_and_stale_edit(curator_client, create_system, create_flow):
    a, b = create_system(name="A-system"), create_system(name="B-system")
    sensitive = create_flow(a, b, title="Personflyt", personal_data=True)
    create_flow(b, a, title="Problemflyt", problems="Feiler om natten", problem_severity=local("problem-severity", "high"))
    assert "Personflyt" not in curator_client.get("/flows/?with_problems=true").get_data(as_text=True)
    assert "Problemflyt" not in curator_client.get("/flows/?personal_data=true").get_data(as_text=True)
    planned = curator_client.get("/flows/?status=" + local("flow-status", "planned")).get_data(as_text=True)
    assert "0 dataflyter" in planned
    detail = curator_client.get(f"/flows/{sensitive.id}").get_data(as_text=True)
    assert "A-system" in detail and "B-system" in detail and f"/flows/lineage/{a.id}" in detail
    edit = curator_client.get(f"/flows/{sensitive.id}/edit").get_data(as_text=True)
    assert f'value="system:{a.id}" selected' in edit
    form = {"csrf_token": csrf_of(edit), "version": "1", "title": "Personflyt", "source": f"system:{a.id}",
            "target": f"system:{b.id}", "status": local("flow-status", "active"), "personal_data": "1"}
    assert curator_client.post(f"/flows/{sensitive.id}/edit", data={**form, "title": "Ny tittel"}).status_code == 303
    swapped = {**form, "target": f"system:{a.id}", "source": f"system:{b.id}"}
    stale = curator_client.post(f"/flows/{sensitive.id}/edit", data=swapped)
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and 'value="Ny tittel"' in html  # the other change is merged in


def test_lineage_and_impact_pages(curator_client, create_system, create_dataset, create_flow):
    data = create_dataset(title={"nb": "Eneste kopi"})
    a = create_system(name="Kilde", dataset_ids=[str(data.id)])
    b, c = create_system(name="Midt"), create_system(name="Slutt")
    create_flow(a, b, title="Steg 1")
    create_flow(b, c, title="Steg 2")
    html = curator_client.get(f"/flows/lineage/{c.id}").get_data(as_text=True)
    assert "Kilde" in html and "Steg 1" in html and 'id="upstream"' in html
    down = curator_client.get(f"/flows/lineage/{a.id}?direction=downstream&max_depth=1").get_data(as_text=True)
    assert "Midt" in down and "Slutt" not in down.split('id="downstream"')[1].split("</table>")[0]
    impact = curator_client.get(f"/systems/{a.id}/impact").get_data(as_text=True)
    assert "Steg 1" in impact and "Eneste kopi" in impact and "Slutt" in impact
    assert curator_client.get(f"/flows/lineage/{data.id}").status_code == 200
    assert curator_client.get(f"/systems/{data.id}/impact").status_code == 404


def test_graph_page_table_and_downloads(client, curator_client, create_system, create_dataset, create_flow, create_unit):
    unit = create_unit()
    a = create_system(name="Samling", owner_unit_id=str(unit.id))
    b = create_system(name="Portal", category=local("system-category", "publication-portal"))
    create_flow(a, b, title="Publisering", status="planned")
    response = curator_client.get("/flows/graph")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<svg" in html and f'href="/systems/{a.id}"' in html
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]  # CSP: no inline styles
    assert 'id="graph-nodes"' in html and 'id="graph-edges"' in html and "Publisering" in html
    assert "/flows/graph.svg" in html and "/api/v1/flows/graph.dot" in html
    only_portal = curator_client.get("/flows/graph?category=" + local("system-category", "publication-portal"))
    assert "Portal" in only_portal.get_data(as_text=True)
    svg = curator_client.get(f"/flows/graph.svg?unit_id={unit.id}")
    assert svg.mimetype == "image/svg+xml" and b"Samling" in svg.data and b"http" in svg.data
    assert curator_client.get("/flows/graph?status=bogus").status_code == 200


def test_search_page_links_systems_and_flows_to_their_pages(curator_client, create_system, create_dataset, create_flow):
    from dmp_registry.search.worker import drain as drain_outbox

    system = create_system(name="Fotoarkivet Fotostation")
    flow = create_flow(system, create_dataset(), title="Bildeeksport fra Fotostation")
    drain_outbox()
    html = curator_client.get("/search", query_string={"q": "fotostation"}).get_data(as_text=True)
    assert f'href="/systems/{system.id}"' in html and f'href="/flows/{flow.id}"' in html
    assert "IT-system" in html and "Dataflyt" in html
