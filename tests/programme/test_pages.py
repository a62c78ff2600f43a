"""Programme pages through the test client: both languages, login, forms keeping input, reports, hours."""
from __future__ import annotations

import io
import re

from dmp_registry.core.db import db
from dmp_registry.programme.models import Activity, Goal, StatusReport, TimeEntry
from tests.programme.conftest import status
from tests.web.conftest import csrf_of


def text(response) -> str:
    return response.get_data(as_text=True)


def test_pages_render_in_both_languages(client, login, lead, create_activity, create_goal, create_dataset, measure):
    act = create_activity(code="25.4", risks="high | Få folk | Prosjektleder")
    goal = create_goal(act, indicator="datasets_registered", target=4)
    create_dataset()
    login(client, lead[0])
    paths = ["/programme/", "/programme/activities/", f"/programme/activities/{act.id}", "/programme/activities/new",
             f"/programme/activities/{act.id}/edit", f"/programme/goals/{goal.id}", f"/programme/goals/new?activity_id={act.id}",
             "/programme/benefits/new", "/programme/measures/", "/programme/hours", "/programme/reports",
             f"/programme/reports/new?scope=measure&subject_id={measure.id}"]
    for lang, words in (("nb", ("Under arbeid", "Ikke påbegynt")), ("en", ("In progress", "Not started"))):
        client.get(f"/language/{lang}")
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (lang, path)
            assert f'<html lang="{lang}">' in text(response), (lang, path)
        dashboard = text(client.get("/programme/"))
        assert all(w in dashboard for w in words), lang
    assert '<svg' in dashboard and 'role="img"' in dashboard and "<progress" in dashboard and "Få folk" in dashboard


def test_anonymous_is_sent_to_login_and_researchers_read_only(client, login, researcher, create_activity,
                                                              create_dataset, create_system):
    from dmp_registry.vocabularies.terms import local

    secret = create_dataset(title={"nb": "Hemmelige funn"}, classification=local("classification", "restricted"))
    system = create_system(name="MUSIT")
    act = create_activity(links=[{"kind": "dataset", "id": str(secret.id)}, {"kind": "it_system", "id": str(system.id)}])
    response = client.get("/programme/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, researcher[0])
    assert client.get("/programme/").status_code == 200
    client.get("/language/en")
    body = text(client.get(f"/programme/activities/{act.id}"))
    assert "/edit" not in body
    assert f'href="/systems/{system.id}"' in body and "MUSIT" in body
    assert "Hemmelige funn" not in body and "a record you may not see" in body
    assert client.get(f"/programme/activities/{act.id}/edit").status_code == 403
    assert client.get("/programme/activities/new").status_code == 403


def test_activity_form_keeps_input_on_error_and_saves(client, login, lead, measure, create_unit):
    create_unit(code="INH")
    login(client, lead[0])
    token = csrf_of(text(client.get("/programme/activities/new")))
    data = {"csrf_token": token, "measure_id": str(measure.id), "code": "25.6", "title.nb": "Registrering",
            "status": status("in-progress"), "planned_hours": "100", "units": "INH: 60\nXXX: 40",
            "risks": "high | Tidsnød | Prioriter"}
    response = client.post("/programme/activities/new", data=data)
    assert response.status_code == 422
    body = text(response)
    assert "Registrering" in body and "XXX: 40" in body and "Tidsnød" in body
    response = client.post("/programme/activities/new", data={**data, "units": "INH: 100"})
    assert response.status_code == 303
    act = db.session.query(Activity).one()
    assert act.planned_hours == 100 and act.risks[0]["level"] == "high"


def test_stale_activity_edit_shows_the_other_change(client, login, lead, create_activity):
    from dmp_registry.core.identity import system_identity
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.programme.service import activity_service

    act = create_activity(code="25.4")
    login(client, lead[0])
    body = text(client.get(f"/programme/activities/{act.id}/edit"))
    with unit_of_work():
        activity_service.update(system_identity, act.id, {"results": "Fra en annen"}, act.version)
    form = {k: v for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', body)}
    form.update({"title.nb": "Min tittel", "status": status("in-progress"), "measure_id": str(act.measure_id)})
    response = client.post(f"/programme/activities/{act.id}/edit", data=form)
    assert response.status_code == 409
    assert "Min tittel" in text(response) and "Fra en annen" in text(response)


def test_goal_form_and_hours_form_and_import(client, login, lead, create_activity, create_person):
    act = create_activity(code="25.4")
    person = create_person(email="kari@example.org")
    login(client, lead[0])
    token = csrf_of(text(client.get("/programme/hours")))
    bad = client.post("/programme/hours", data={"csrf_token": token, "person_id": str(person.id), "activity_id": str(act.id),
                                                "week": "2026-W99", "hours": "5"})
    assert bad.status_code == 422 and "2026-W99" in text(bad)
    ok = client.post("/programme/hours", data={"csrf_token": token, "person_id": str(person.id), "activity_id": str(act.id),
                                               "week": "2026-W45", "hours": "5"})
    assert ok.status_code == 303 and db.session.query(TimeEntry).count() == 1
    csv_bad = b"person,activity,week,hours\nkari@example.org,25.4,2026-W46,3\nnobody@x.org,25.4,2026-W46,3\n"
    response = client.post("/programme/hours/import", data={"csrf_token": token, "file": (io.BytesIO(csv_bad), "h.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "nobody@x.org" in text(response)
    assert db.session.query(TimeEntry).count() == 1
    first_row_only = io.BytesIO(csv_bad.split(b"nobody")[0])
    response = client.post("/programme/hours/import", data={"csrf_token": token, "file": (first_row_only, "h.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 303 and db.session.query(TimeEntry).count() == 2
    token = csrf_of(text(client.get(f"/programme/goals/new?activity_id={act.id}")))
    response = client.post("/programme/goals/new", data={"csrf_token": token, "activity_id": str(act.id),
                                                         "title.nb": "Systemer", "indicator": "systems_registered",
                                                         "target": "12"})
    assert response.status_code == 303, text(response)[:2000]
    assert db.session.query(Goal).one().indicator == "systems_registered"


def test_report_is_prepared_edited_saved_and_downloaded(client, login, lead, measure, create_activity):
    create_activity(code="25.1", state="completed-as-planned")
    login(client, lead[0])
    page = text(client.get(f"/programme/reports/new?scope=measure&subject_id={measure.id}"))
    assert "1 av 1 aktiviteter er gjennomført" in page
    token = csrf_of(page)
    response = client.post(f"/programme/reports/new?scope=measure&subject_id={measure.id}",
                           data={"csrf_token": token, "scope": "measure", "subject_id": str(measure.id),
                                 "status_description": "Alt gikk bra.", "challenges": "Ingen."})
    assert response.status_code == 303
    report = db.session.query(StatusReport).one()
    view = text(client.get(response.headers["Location"]))
    assert "Alt gikk bra." in view and "Vurdering av ressursbruk" in view
    pdf = client.get(f"/programme/reports/{report.id}/download.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/programme/reports/{report.id}/download.docx").data.startswith(b"PK")
    assert client.get(f"/programme/reports/{report.id}/download.html?lang=xx").status_code == 200
    assert client.get(f"/programme/reports/{report.id}/download.exe").status_code == 303


def test_benefit_form_records_expected_and_realised_benefits(client, login, lead, create_activity):
    from dmp_registry.programme.models import Benefit

    act = create_activity()
    login(client, lead[0])
    token = csrf_of(text(client.get(f"/programme/benefits/new?activity_id={act.id}")))
    kind = "https://w3id.org/ntnu-vm/dmp-registry/vocab/benefit-kind/data-opened"
    data = {"csrf_token": token, "activity_id": str(act.id), "kind": kind,
            "description.nb": "Flere åpne datasett", "measured_by": "Datasett i DCAT-strømmen", "expected_value": "20",
            "realisations": "2026-06-01 | 5 | første runde\n2026-13-01 | 2"}
    bad = client.post("/programme/benefits/new", data=data)
    assert bad.status_code == 422 and "første runde" in text(bad) and "Line 2" in text(bad)
    ok = client.post("/programme/benefits/new", data={**data, "realisations": "2026-06-01 | 5 | første runde\n2026-11-01 | 2"})
    assert ok.status_code == 303
    benefit = db.session.query(Benefit).one()
    assert [(r.realised_on.isoformat(), r.value) for r in benefit.realisations] == [("2026-06-01", 5), ("2026-11-01", 2)]
    page = text(client.get(f"/programme/activities/{act.id}"))
    assert "Flere åpne datasett" in page and "2026-11-01: 2" in page


def test_dashboard_values_follow_the_registry(client, login, lead, create_activity, create_goal, create_dataset):
    act = create_activity(code="25.6")
    create_goal(act, indicator="datasets_registered", target=4, title={"nb": "Datasett registrert"})
    login(client, lead[0])

    def progress_shown():
        return re.search(r'<progress max="100" value="(\d+)"', text(client.get("/programme/"))).group(1)
    assert progress_shown() == "0"
    create_dataset()
    assert progress_shown() == "25"
    create_dataset()
    assert progress_shown() == "50"


def test_researchers_report_their_own_hours_on_the_page(client, login, create_user, create_activity, create_person):
    user, identity, _headers = create_user("researcher")
    act = create_activity()
    other = create_person()
    login(client, user)
    page = text(client.get("/programme/hours"))
    assert 'name="person_id"' not in page and "hours/import" not in page
    response = client.post("/programme/hours", data={"csrf_token": csrf_of(page), "person_id": str(other.id),
                                                     "activity_id": str(act.id), "week": "2026-W45", "hours": "3"})
    assert response.status_code == 303
    entry = db.session.query(TimeEntry).one()
    assert entry.person_id == identity.person_id  # not the person the form was tampered to name


def test_own_entries_can_be_deleted_others_not(client, login, create_user, create_activity, create_person, report_hours):
    user, identity, _headers = create_user("researcher")
    act = create_activity()
    from dmp_registry.organisation.models import Person

    me = db.session.get(Person, identity.person_id)
    mine = report_hours(me, act, "2026-W45", 3)
    theirs = report_hours(create_person(), act, "2026-W45", 4)
    login(client, user)
    page = text(client.get("/programme/hours"))
    assert f"/programme/hours/{mine.id}/delete" in page and f"/programme/hours/{theirs.id}/delete" not in page
    token = csrf_of(page)
    assert client.post(f"/programme/hours/{theirs.id}/delete", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/programme/hours/{mine.id}/delete", data={"csrf_token": token}).status_code == 303
    assert [e.id for e in db.session.query(TimeEntry)] == [theirs.id]
