"""Programme API: activities, goals with live values, permissions, conflicts, history."""
from __future__ import annotations

import datetime as dt

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.programme.demo import load_demo
from dmp_registry.programme.models import Activity, Goal, GoalSnapshot
from dmp_registry.programme.service import snapshot_goals
from dmp_registry.vocabularies.terms import local
from tests.programme.conftest import status

API = "/api/v1/programme"


def activity_payload(measure, **extra):
    return {"measure_id": str(measure.id), "code": "25.4", "title": {"nb": "Kartlegging", "en": "Mapping"},
            "status": status("in-progress"), "planned_hours": 160, **extra}


def test_lead_creates_an_activity_with_units_dependencies_risks_and_links(
        client, lead, measure, create_unit, create_activity, create_dataset):
    inh, iak = create_unit(code="INH"), create_unit(code="IAK")
    before = create_activity(code="25.1")
    dataset = create_dataset()
    payload = activity_payload(measure, units=[{"unit": "INH", "planned_hours": 100}, {"unit": str(iak.id), "planned_hours": 60}],
                               depends_on_ids=[str(before.id)], risks="high | Few people | A project lead",
                               links=[{"kind": "dataset", "id": str(dataset.id)}])
    response = client.post(f"{API}/activities", json=payload, headers=lead[2])
    assert response.status_code == 201, response.json
    body = response.json
    assert sorted((u["code"], u["planned_hours"], u["unit_id"]) for u in body["units"]) == [
        ("IAK", 60, str(iak.id)), ("INH", 100, str(inh.id))]
    assert body["depends_on"][0]["code"] == "25.1"
    assert body["risks"] == [{"title": "Few people", "level": "high", "mitigation": "A project lead"}]
    assert body["status"]["label"]["nb"] == "Under arbeid"
    assert response.headers["ETag"] == f'"{body["version"]}"'


def test_activity_validation_is_per_field_and_writes_nothing(client, lead, measure, create_unit):
    create_unit(code="INH")
    bad = activity_payload(measure, units="INH: 100\nXYZ: 10", status="https://example.org/nope",
                           links=[{"kind": "dataset", "id": "00000000-0000-0000-0000-000000000001"}])
    response = client.post(f"{API}/activities", json=bad, headers=lead[2])
    assert response.status_code == 422
    assert "status" in response.json["errors"]["json"]
    response = client.post(f"{API}/activities", json=activity_payload(measure, units="INH: 100\nXYZ: 10"), headers=lead[2])
    assert response.status_code == 422 and "Unknown unit: XYZ" in response.json["errors"]["json"]["units"][0]
    response = client.post(f"{API}/activities", json=activity_payload(measure, units="INH: 100"), headers=lead[2])
    assert response.status_code == 422 and "add up to 100" in response.json["errors"]["json"]["units"][0]
    assert db.session.query(Activity).count() == 0


def test_dependencies_must_not_form_a_cycle(client, lead, create_activity):
    a = create_activity(code="25.1")
    b = create_activity(code="25.2", depends_on_ids=[str(a.id)])
    response = client.patch(f"{API}/activities/{a.id}", json={"depends_on_ids": [str(b.id)], "version": a.version},
                            headers=lead[2])
    assert response.status_code == 422 and "cycle" in response.json["errors"]["json"]["depends_on_ids"][0]


def test_stale_version_gives_409_and_history_is_kept(client, lead, create_activity):
    act = create_activity()
    ok = client.patch(f"{API}/activities/{act.id}", json={"status": status("completed-as-planned"), "version": act.version},
                      headers=lead[2])
    assert ok.status_code == 200
    stale = client.patch(f"{API}/activities/{act.id}", json={"results": "x", "version": act.version}, headers=lead[2])
    assert stale.status_code == 409
    history = client.get(f"{API}/activities/{act.id}/history", headers=lead[2]).json
    assert history[-1]["changes"]["status"] == [status("in-progress"), status("completed-as-planned")]


def test_permissions_leads_edit_everyone_signed_in_reads(client, lead, researcher, admin, create_activity, measure):
    act = create_activity()
    assert client.get(f"{API}/activities/{act.id}").status_code == 401
    assert client.get(f"{API}/activities").status_code == 401
    assert client.get(f"{API}/activities/{act.id}", headers=researcher[2]).status_code == 200
    assert client.get(f"{API}/indicators", headers=researcher[2]).status_code == 200
    assert client.post(f"{API}/activities", json=activity_payload(measure, code="9"), headers=researcher[2]).status_code == 403
    assert client.patch(f"{API}/activities/{act.id}", json={"results": "x", "version": act.version},
                        headers=researcher[2]).status_code == 403
    assert client.post(f"{API}/goals", json={"activity_id": str(act.id), "title": {"nb": "m"}, "target": 1},
                       headers=researcher[2]).status_code == 403
    assert client.post(f"{API}/activities", json=activity_payload(measure, code="8"), headers=admin[2]).status_code == 201
    assert client.post(f"{API}/activities", json=activity_payload(measure, code="7"), headers=lead[2]).status_code == 201


def test_unknown_ids_give_404(client, lead):
    assert client.get(f"{API}/activities/00000000-0000-0000-0000-000000000009", headers=lead[2]).status_code == 404
    assert client.get(f"{API}/reports/00000000-0000-0000-0000-000000000009", headers=lead[2]).status_code == 404


def test_computed_goal_follows_the_registry(client, lead, create_activity, create_system, create_person):
    act = create_activity()
    response = client.post(f"{API}/goals", json={"activity_id": str(act.id), "title": {"nb": "Systemer"},
                                                 "indicator": "systems_owner_classification", "target": 4}, headers=lead[2])
    assert response.status_code == 201, response.json
    goal_id = response.json["id"]
    assert (response.json["value"], response.json["progress"]) == (0, 0)
    owner = create_person()
    for _ in range(3):
        create_system(system_owner_id=str(owner.id), classification=local("classification", "internal"))
    body = client.get(f"{API}/goals/{goal_id}", headers=lead[2]).json
    assert (body["value"], body["progress"]) == (3, 0.75)


def test_goal_input_rules(client, lead, create_activity):
    act = create_activity()
    base = {"activity_id": str(act.id), "title": {"nb": "Mål"}, "target": 10}
    bad = client.post(f"{API}/goals", json={**base, "indicator": "no_such"}, headers=lead[2])
    assert bad.status_code == 422 and "indicator" in bad.json["errors"]["json"]
    both = client.post(f"{API}/goals", json={**base, "indicator": "datasets_registered", "current_value": 3}, headers=lead[2])
    assert both.status_code == 422 and "current_value" in both.json["errors"]["json"]
    entered = client.post(f"{API}/goals", json={**base, "current_value": 4, "current_date": "2026-01-05"}, headers=lead[2])
    assert entered.status_code == 201 and entered.json["value"] == 4 and entered.json["progress"] == 0.4


def test_snapshots_are_idempotent_per_day_and_give_the_trend(client, lead, create_activity, create_goal, create_dataset):
    act = create_activity()
    goal = create_goal(act, indicator="datasets_registered", target=5)
    day1 = dt.date.today()  # indicators count records created up to the day: use today and tomorrow
    day2 = day1 + dt.timedelta(days=1)
    create_dataset()
    with unit_of_work():
        snapshot_goals(day1)
    create_dataset()
    with unit_of_work():
        snapshot_goals(day1)  # same day again: updated, not added
        snapshot_goals(day2)
    rows = db.session.query(GoalSnapshot).filter_by(goal_id=goal.id).order_by(GoalSnapshot.day).all()
    assert [(r.day, r.value) for r in rows] == [(day1, 2), (day2, 2)]
    create_dataset()
    with unit_of_work():
        snapshot_goals(day2)
    trend = client.get(f"{API}/goals/{goal.id}", headers=lead[2]).json["trend"]
    assert trend == [{"day": day1.isoformat(), "value": 2.0}, {"day": day2.isoformat(), "value": 3.0}]


def test_snapshot_command_shows_progress_and_stores_values(app, create_activity, create_goal):
    act = create_activity()
    create_goal(act, current_value=3)
    create_goal(act, indicator="datasets_registered")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["dmp", "programme", "snapshot", "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "2 goal values stored for 2026-11-20" in result.output
    assert sorted(r.value for r in db.session.query(GoalSnapshot).all()) == [0, 3]
    again = runner.invoke(args=["dmp", "programme", "snapshot", "--date", "2026-11-20"])
    assert again.exit_code == 0 and db.session.query(GoalSnapshot).count() == 2


def test_benefits_and_realisations(client, lead, create_activity):
    act = create_activity()
    response = client.post(f"{API}/benefits", json={
        "activity_id": str(act.id), "kind": "https://w3id.org/ntnu-vm/dmp-registry/vocab/benefit-kind/time-saved",
        "description": {"nb": "Spart tid"}, "measured_by": "Timer per forespørsel", "expected_value": 50,
        "value_unit": "timer per år"}, headers=lead[2])
    assert response.status_code == 201, response.json
    benefit = response.json
    first = client.post(f"{API}/benefits/{benefit['id']}/realisations", json={"realised_on": "2026-06-01", "value": 10},
                        headers={**lead[2], "If-Match": f'"{benefit["version"]}"'})
    assert first.status_code == 201, first.json
    second = client.post(f"{API}/benefits/{benefit['id']}/realisations", json={"realised_on": "2026-11-01", "value": 15},
                         headers={**lead[2], "If-Match": f'"{first.json["version"]}"'})
    assert second.json["realised_value"] == 25
    assert [r["realised_on"] for r in second.json["realisations"]] == ["2026-06-01", "2026-11-01"]
    stale = client.post(f"{API}/benefits/{benefit['id']}/realisations", json={"realised_on": "2026-11-02", "value": 1},
                        headers={**lead[2], "If-Match": f'"{first.json["version"]}"'})
    assert stale.status_code == 409


def test_demo_has_measure_25_with_twelve_activities(app, create_unit, create_person):
    from dmp_registry.demo import load_demo as load_all

    with unit_of_work():
        counts = load_all(dt.date(2026, 11, 23))
    assert counts["activities"] == 12
    acts = db.session.query(Activity).order_by(Activity.code_sort).all()
    by_status = {}
    for act in acts:
        by_status.setdefault(act.status.rsplit("/", 1)[1], []).append(act)
    assert len(by_status["completed-as-planned"]) == 3 and len(by_status["in-progress"]) == 4
    assert len(by_status["not-started"]) == 5 and all(a.example for a in by_status["not-started"])
    assert sum(a.planned_hours for a in acts) == 1280
    assert db.session.query(Goal).filter(Goal.indicator.is_not(None)).count() >= 5
    assert load_demo  # the area's loader is what the demo loader called
    _ = system_identity


def test_activity_list_filters(client, researcher, create_activity, create_measure):
    other = create_measure()
    create_activity(code="25.4", title={"nb": "Kartlegging av IT-systemer"})
    create_activity(code="25.10", title={"nb": "Opplæring"}, state="not-started")
    create_activity(code="1.1", title={"nb": "Annet"}, measure_id=other.id)
    get = lambda **q: [a["code"] for a in client.get(f"{API}/activities", query_string=q,  # noqa: E731
                                                     headers=researcher[2]).json["items"]]
    assert get() == ["1.1", "25.4", "25.10"]  # numeric order of the parts
    assert get(q="kartlegging") == ["25.4"]
    assert get(status=status("not-started")) == ["25.10"]
    assert get(measure_id=str(other.id)) == ["1.1"]
