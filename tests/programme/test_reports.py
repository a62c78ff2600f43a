"""Status reports: the seed form's headings, correct figures in HTML, PDF and DOCX, immutable versions."""
from __future__ import annotations

import io

import docx
import pypdf

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.programme.reports import HEADINGS
from dmp_registry.programme.service import activity_service
from tests.programme.conftest import status

API = "/api/v1/programme"
HEADINGS_EN = ["Name and description", "Responsible", "Further plans", "Status category", "Results or products",
               "Description of status", "Assessment of goal attainment", "Assessment of resource use", "Challenges",
               "Suggestions for the next plan"]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def docx_headings(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.style.name == "Heading 1"]


def setup_measure(create_unit, create_person, create_activity, create_goal, create_dataset, report_hours, measure):
    inh = create_unit(code="INH")
    kari = create_person(unit=inh)
    done = create_activity(code="25.1", state="completed-as-planned", planned_hours=40, results="DMP-mal for IAK og INH")
    busy = create_activity(code="25.6", planned_hours=120, units=[{"unit": "INH", "planned_hours": 120}])
    create_activity(code="25.8", state="not-started", planned_hours=60)
    create_goal(busy, indicator="datasets_registered", target=8, title={"nb": "Datasett registrert", "en": "Datasets registered"})
    for _ in range(2):
        create_dataset()
    report_hours(kari, busy, "2026-W45", 7.5)
    report_hours(kari, busy, "2026-W46", 10)
    return done, busy


def test_draft_is_prefilled_from_the_registry(client, lead, measure, create_unit, create_person, create_activity,
                                              create_goal, create_dataset, report_hours):
    setup_measure(create_unit, create_person, create_activity, create_goal, create_dataset, report_hours, measure)
    response = client.get(f"{API}/reports/draft", query_string={"scope": "measure", "subject_id": str(measure.id)},
                          headers=lead[2])
    assert response.status_code == 200, response.json
    sections, figures = response.json["sections"], response.json["figures"]
    assert sections["status_category"] == "Under arbeid"
    assert sections["status_description"].startswith("1 av 3 aktiviteter er gjennomført: 25.1")
    assert "1 er ikke påbegynt" in sections["status_description"]
    assert sections["resource_assessment"] == "Planlagt 220 timer, ført 17.5 timer (8 %)."
    assert sections["results"] == "25.1: DMP-mal for IAK og INH"
    assert figures["goals"][0]["value"] == 2 and figures["goals"][0]["progress"] == 0.25
    assert figures["hours"]["by_unit"] == [{"unit": "INH", "planned": 120, "used": 17.5},
                                           {"unit": None, "planned": 100, "used": 0}]


def test_saved_versions_are_immutable_and_exported_in_three_formats(client, lead, measure, create_unit, create_person,
                                                                    create_activity, create_goal, create_dataset,
                                                                    report_hours):
    done, busy = setup_measure(create_unit, create_person, create_activity, create_goal, create_dataset, report_hours,
                               measure)
    draft = client.get(f"{API}/reports/draft", query_string={"scope": "measure", "subject_id": str(measure.id)},
                       headers=lead[2]).json
    sections = {**draft["sections"], "challenges": "Tiltaket er svært omfattende.", "suggestions": "Realistiske tiltak."}
    first = client.post(f"{API}/reports", json={"scope": "measure", "subject_id": str(measure.id), "sections": sections},
                        headers=lead[2])
    assert first.status_code == 201, first.json
    assert first.json["number"] == 1
    report_id = first.json["id"]

    html = client.get(f"{API}/reports/{report_id}", query_string={"format": "html", "lang": "en"}, headers=lead[2])
    assert html.status_code == 200 and html.mimetype == "text/html"
    page = html.get_data(as_text=True)
    for heading in HEADINGS_EN:
        assert f"<h2>{heading}</h2>" in page
    assert "<td>25.6</td>" in page and "<td>17.5</td>" in page and "<td>25 %</td>" in page

    pdf = client.get(f"{API}/reports/{report_id}", query_string={"format": "pdf"}, headers=lead[2])
    assert pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    for key in HEADINGS:
        assert HEADINGS[key]["nb"] in text
    assert "Planlagt 220 timer, ført 17.5 timer (8 %)." in text
    assert "Tiltaket er svært omfattende." in text and "25 %" in text

    word = client.get(f"{API}/reports/{report_id}", query_string={"format": "docx", "lang": "nb"}, headers=lead[2])
    assert word.headers["Content-Disposition"].endswith('.docx"')
    assert docx_headings(word.data) == [HEADINGS[key]["nb"] for key in HEADINGS]
    body = docx_text(word.data)
    assert "17.5" in body and "Datasett registrert" in body and "Realistiske tiltak." in body

    # the registry moves on; the saved version does not, a new save is a new version with the changes listed
    with unit_of_work():
        activity_service.update(system_identity, busy.id, {"status": status("completed-adjusted")}, busy.version)
    create_dataset()
    again = client.get(f"{API}/reports/{report_id}", headers=lead[2]).json
    assert again["sections"] == first.json["sections"] and again["figures"] == first.json["figures"]
    draft2 = client.get(f"{API}/reports/draft", query_string={"scope": "measure", "subject_id": str(measure.id)},
                        headers=lead[2]).json
    assert "25.6: Under arbeid → Gjennomført med justerte planer" in draft2["sections"]["status_description"]
    assert "25.6 Datasett registrert: 2 → 3" in draft2["sections"]["status_description"]
    second = client.post(f"{API}/reports", json={"scope": "measure", "subject_id": str(measure.id),
                                                 "sections": draft2["sections"]}, headers=lead[2])
    assert second.json["number"] == 2
    listed = client.get(f"{API}/reports", query_string={"subject_id": str(measure.id)}, headers=lead[2]).json
    assert [r["number"] for r in listed] == [2, 1]
    assert client.patch(f"{API}/reports/{report_id}", json={}, headers=lead[2]).status_code == 405


def test_activity_report_and_permissions(client, lead, researcher, create_activity):
    act = create_activity(code="25.4", status_date="2026-12-31", state="will-complete-by")
    draft = client.get(f"{API}/reports/draft", query_string={"scope": "activity", "subject_id": str(act.id)},
                       headers=researcher[2])
    assert draft.status_code == 200
    assert draft.json["sections"]["status_category"] == "Vil bli gjennomført innen 2026-12-31"
    payload = {"scope": "activity", "subject_id": str(act.id), "sections": draft.json["sections"]}
    assert client.post(f"{API}/reports", json=payload, headers=researcher[2]).status_code == 403
    assert client.post(f"{API}/reports", json=payload).status_code == 401
    saved = client.post(f"{API}/reports", json=payload, headers=lead[2])
    assert saved.status_code == 201
    assert client.get(f"{API}/reports/{saved.json['id']}", query_string={"format": "pdf"}).status_code == 401
    assert client.get(f"{API}/reports/{saved.json['id']}", query_string={"format": "pdf"},
                      headers=researcher[2]).status_code == 200


def test_goal_assessment_lists_goal_values_and_benefits(client, lead, create_activity, create_goal, create_dataset):
    from dmp_registry.programme.schemas import BenefitIn
    from dmp_registry.programme.service import benefit_service

    act = create_activity(code="25.6")
    create_goal(act, indicator="datasets_registered", target=4, title={"nb": "Datasett registrert"})
    create_dataset()
    with unit_of_work():
        benefit_service.create(system_identity, BenefitIn().load({
            "activity_id": str(act.id), "kind": "https://w3id.org/ntnu-vm/dmp-registry/vocab/benefit-kind/data-opened",
            "description": {"nb": "Flere åpne datasett"}, "measured_by": "DCAT", "expected_value": 20,
            "value_unit": "datasett", "realisations": "2026-01-10 | 3\n2026-02-10 | 4"}))
    draft = client.get(f"{API}/reports/draft", query_string={"scope": "activity", "subject_id": str(act.id)},
                       headers=lead[2]).json
    text = draft["sections"]["goal_assessment"]
    assert "25.6 Datasett registrert: 1 av 4 (25 %)" in text
    assert "25.6 Data åpnet: Flere åpne datasett – realisert 7 av forventet 20 datasett" in text
