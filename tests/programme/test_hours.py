"""Time reporting: form/API entries, CSV import (all or nothing), planned vs used, warnings."""
from __future__ import annotations

import datetime as dt

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.programme import hours
from dmp_registry.programme.models import TimeEntry
from dmp_registry.programme.schemas import week_of
from dmp_registry.programme.service import activity_service, goal_service, snapshot_goals
from tests.programme.conftest import status

API = "/api/v1/programme"
THIS_WEEK = week_of(dt.date.today())


def test_a_person_reports_own_hours_but_not_others(client, create_user, create_activity, create_person):
    user, identity, headers = create_user("researcher")
    act = create_activity()
    own = client.post(f"{API}/hours", json={"person_id": str(identity.person_id), "activity_id": str(act.id),
                                            "week": "2026-W47", "hours": 7.5}, headers=headers)
    assert own.status_code == 201, own.json
    assert own.json["week_start"] == "2026-11-16" and own.json["unit_id"] is not None
    other = client.post(f"{API}/hours", json={"person_id": str(create_person().id), "activity_id": str(act.id),
                                              "week": "2026-W47", "hours": 2}, headers=headers)
    assert other.status_code == 403
    twice = client.post(f"{API}/hours", json={"person_id": str(identity.person_id), "activity_id": str(act.id),
                                              "week": "2026-W47", "hours": 1}, headers=headers)
    assert twice.status_code == 422 and "week" in twice.json["errors"]["json"]
    bad = client.post(f"{API}/hours", json={"person_id": str(identity.person_id), "activity_id": str(act.id),
                                            "week": "2026-W54", "hours": 0}, headers=headers)
    assert bad.status_code == 422 and {"week", "hours"} <= set(bad.json["errors"]["json"])


def test_csv_import_all_or_nothing_with_errors_per_line(client, lead, create_activity, create_person):
    kari, ola = create_person(email="kari@example.org"), create_person(email="ola@example.org")
    create_activity(code="25.4"), create_activity(code="25.6")
    broken = ("person,activity,week,hours,note\n"
              "kari@example.org,25.4,2026-W45,6,ok\n"
              "nobody@example.org,25.4,2026-W45,2,\n"
              "ola@example.org,25.99,2026-W60,x,\n"
              "kari@example.org,25.4,2026-W45,1,dup\n")
    response = client.post(f"{API}/hours/import", data=broken, headers={**lead[2], "Content-Type": "text/csv"})
    assert response.status_code == 422
    lines = {e["line"]: e["messages"] for e in response.json["errors"]["json"]["lines"]}
    assert set(lines) == {3, 4, 5}
    assert "person" in lines[3][0]
    assert any("activity" in m for m in lines[4]) and any("hours" in m for m in lines[4])
    assert "line 2" in lines[5][0]
    assert db.session.query(TimeEntry).count() == 0
    good = ("person;activity;week;hours;note\n"
            "kari@example.org;25.4;2026-W45;6;\n"
            "ola@example.org;25.6;2026-W46;3,5;\n")
    response = client.post(f"{API}/hours/import", data={"file": (__import__("io").BytesIO(good.encode()), "h.csv")},
                           headers=lead[2], content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    assert response.json == {"imported": 2, "errors": []}
    assert sorted(e.hours for e in db.session.query(TimeEntry)) == [3.5, 6]
    again = client.post(f"{API}/hours/import", data=good, headers={**lead[2], "Content-Type": "text/csv"})
    assert again.status_code == 422 and db.session.query(TimeEntry).count() == 2
    assert client.post(f"{API}/hours/import", data=good, headers={**lead[2], "Content-Type": "text/csv"}).status_code == 422
    _ = (kari, ola)


def test_researchers_may_not_import(client, researcher):
    assert client.post(f"{API}/hours/import", data="person,activity,week,hours\n", headers=researcher[2]).status_code == 403


def test_planned_versus_used_per_activity_and_unit(client, lead, create_unit, create_person, create_activity, report_hours):
    inh, iak = create_unit(code="INH"), create_unit(code="IAK")
    act = create_activity(code="25.4", planned_hours=150, units=[{"unit": "INH", "planned_hours": 100},
                                                                 {"unit": "IAK", "planned_hours": 50}])
    kari, ola = create_person(unit=inh), create_person(unit=iak)
    report_hours(kari, act, "2026-W45", 10)
    report_hours(kari, act, "2026-W46", 5)
    report_hours(ola, act, "2026-W46", 4)
    rows = {(r["unit_code"], r["planned"], r["used"]) for r in client.get(f"{API}/hours/summary", headers=lead[2]).json}
    assert rows == {("INH", 100, 15), ("IAK", 50, 4)}
    per_activity = hours.per_activity(hours.planned_vs_used())
    assert per_activity[0]["planned"] == 150 and per_activity[0]["used"] == 19


def test_warnings_hours_without_progress_and_progress_without_hours(client, lead, create_person, create_activity,
                                                                    create_goal, report_hours):
    person = create_person()
    busy = create_activity(code="25.1", planned_hours=10)
    quiet = create_activity(code="25.2")
    moving = create_activity(code="25.3")
    report_hours(person, busy, THIS_WEEK, 12)   # hours, nothing moved, over plan
    report_hours(person, moving, THIS_WEEK, 3)  # hours and progress: no warning
    with unit_of_work():
        activity_service.update(system_identity, quiet.id, {"status": status("completed-as-planned")}, quiet.version)
        activity_service.update(system_identity, moving.id, {"status": status("completed-adjusted")}, moving.version)
    kinds = {(w["code"], w["kind"]) for w in client.get(f"{API}/hours/warnings", headers=lead[2]).json}
    assert kinds == {("25.1", "hours_without_progress"), ("25.1", "over_plan"), ("25.2", "progress_without_hours")}


def test_a_rising_goal_counts_as_progress(create_person, create_activity, create_goal, create_dataset, report_hours):
    act = create_activity()
    goal = create_goal(act, indicator="datasets_registered")
    report_hours(create_person(), act, THIS_WEEK, 5)
    today = dt.date.today()
    with unit_of_work():
        snapshot_goals(today - dt.timedelta(days=20))
    assert [w["kind"] for w in hours.warnings()] == ["hours_without_progress"]
    create_dataset()
    with unit_of_work():
        snapshot_goals(today)
    assert hours.warnings() == []
    entered = create_goal(act, current_value=1)
    with unit_of_work():
        goal_service.update(system_identity, entered.id, {"current_value": 2}, entered.version)
    assert hours.progressed([act.id], today - dt.timedelta(days=1), today) == {act.id}
    _ = goal
