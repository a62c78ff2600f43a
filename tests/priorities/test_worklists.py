"""Ranked worklists, filters, CSV/XLSX export, changes since a date, custodians leaving, dashboard."""
from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.priorities.scores import recompute
from dmp_registry.priorities.worklists import custodians_leaving, dashboard

from .conftest import kind, term

LIST = "/api/v1/priorities/worklists"


def risky_and_safe(create_dataset, create_person, unit=None):
    retiring = create_person(employment_end=(dt.date.today() + dt.timedelta(days=60)).isoformat())
    risky = create_dataset(unit=unit, custodian_id=str(retiring.id),
                           storage_locations=[{"kind": kind("external-disk"), "copies": 1}])
    safe = create_dataset(unit=unit, custodian_id=str(retiring.id),
                          storage_locations=[{"kind": kind("institutional-backed-up"), "copies": 2, "backed_up": True}])
    return risky, safe, retiring


def test_securing_worklist_ranks_the_risky_copy_first(client, curator, create_dataset, create_person):
    _user, _identity, headers = curator
    risky, safe, _person = risky_and_safe(create_dataset, create_person)
    body = client.get(f"{LIST}/securing", headers=headers).json
    ids = [item["dataset_id"] for item in body["items"]]
    assert ids == [str(risky.id), str(safe.id)]
    first = body["items"][0]
    assert first["state"] == "identified" and first["custodian"] and len(first["top_factors"]) == 3
    assert client.get(f"{LIST}/nonsense", headers=headers).status_code == 404


def test_worklist_filters(client, curator, create_dataset, create_person, create_unit, assess):
    _user, _identity, headers = curator
    unit_a, unit_b = create_unit(), create_unit()
    risky, _safe, person = risky_and_safe(create_dataset, create_person, unit=unit_a)
    other = create_dataset(unit=unit_b)
    assess(other, scientific_value=term("level-high"))
    by_unit = client.get(f"{LIST}/securing?unit_id={unit_b.id}", headers=headers).json
    assert [i["dataset_id"] for i in by_unit["items"]] == [str(other.id)]
    by_custodian = client.get(f"{LIST}/securing?custodian_id={person.id}", headers=headers).json
    assert by_custodian["total"] == 2
    band = by_custodian["items"][0]["band"]
    by_band = client.get(f"{LIST}/securing?band={band}", headers=headers).json
    assert all(i["band"] == band for i in by_band["items"]) and by_band["total"] >= 1
    by_state = client.get(f"{LIST}/securing?state=assessed", headers=headers).json
    assert [i["dataset_id"] for i in by_state["items"]] == [str(other.id)]
    typed = client.get(f"{LIST}/securing?dataset_type=https://w3id.org/ntnu-vm/dmp-registry/vocab/dataset-type/software",
                       headers=headers).json
    assert typed["total"] == 0
    assert client.get(f"{LIST}/securing?band=purple", headers=headers).status_code == 422


def test_done_datasets_leave_the_list(client, curator, create_dataset, assess):
    _user, _identity, headers = curator
    assessment = assess(create_dataset())
    url = f"/api/v1/assessments/{assessment.id}/transition"
    client.post(url, json={"version": 1, "state": "in_progress"}, headers=headers)
    client.post(url, json={"version": 2, "state": "secured"}, headers=headers)
    assert client.get(f"{LIST}/securing", headers=headers).json["total"] == 0
    assert client.get(f"{LIST}/securing?include_done=true", headers=headers).json["total"] == 1
    assert client.get(f"{LIST}/publishing", headers=headers).json["total"] == 1


def test_researchers_see_only_their_own_datasets_in_lists(client, create_user, create_unit, create_dataset):
    unit = create_unit()
    _user, _identity, headers = create_user("researcher", unit=unit)
    mine = create_dataset(unit=unit)
    create_dataset()
    body = client.get(f"{LIST}/securing", headers=headers).json
    assert [i["dataset_id"] for i in body["items"]] == [str(mine.id)]
    assert client.get(f"{LIST}/securing").status_code == 401
    csv_text = client.get(f"{LIST}/securing/export.csv", headers=headers).get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(csv_text)))) == 2


def test_csv_and_xlsx_export(client, curator, create_dataset, create_person):
    _user, _identity, headers = curator
    risky, safe, person = risky_and_safe(create_dataset, create_person)
    response = client.get(f"{LIST}/securing/export.csv", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "securing-priorities.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["rank", "score", "band", "title"]
    assert [r[-1] for r in rows[1:]] == [str(risky.id), str(safe.id)]
    assert rows[1][0] == "1" and rows[1][5] == person.name and int(rows[1][1]) > int(rows[2][1])
    xlsx = client.get(f"{LIST}/securing/export.xlsx", headers=headers)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["rank", "score", "band"]
    assert [row[-1] for row in values[1:]] == [str(risky.id), str(safe.id)]
    assert values[1][1] == int(rows[1][1])


def test_changes_since_a_date(client, curator, create_dataset, assess):
    _user, _identity, headers = curator
    assessment = assess(create_dataset())
    client.patch(f"/api/v1/assessments/{assessment.id}", json={"version": 1, "notes": "Disk found"}, headers=headers)
    today = dt.date.today()
    body = client.get(f"/api/v1/priorities/changes?since={today.isoformat()}", headers=headers).json
    notes = [c for c in body["assessments"] if "notes" in c["changes"]]
    assert notes and notes[0]["changes"]["notes"] == [None, "Disk found"]
    assert body["scores"]["securing"]
    later = client.get(f"/api/v1/priorities/changes?since={(today + dt.timedelta(days=1)).isoformat()}",
                       headers=headers).json
    assert later["assessments"] == [] and later["scores"]["securing"] == []
    assert client.get("/api/v1/priorities/changes", headers=headers).status_code == 422


def test_custodians_leaving_within_twelve_months(client, curator, create_dataset, create_person, assess):
    _user, _identity, headers = curator
    risky, safe, person = risky_and_safe(create_dataset, create_person)
    later = create_person(employment_end=(dt.date.today() + dt.timedelta(days=500)).isoformat())
    create_dataset(custodian_id=str(later.id))
    body = client.get("/api/v1/priorities/custodians-leaving", headers=headers).json
    assert [e["person_id"] for e in body] == [str(person.id)]
    assert {d["dataset_id"] for d in body[0]["datasets"]} == {str(risky.id), str(safe.id)}
    assessment = assess(safe)
    for version, state in ((1, "in_progress"), (2, "secured")):
        client.post(f"/api/v1/assessments/{assessment.id}/transition", json={"version": version, "state": state},
                    headers=headers)
    body = client.get("/api/v1/priorities/custodians-leaving", headers=headers).json
    assert {d["dataset_id"] for d in body[0]["datasets"]} == {str(risky.id)}
    later_list = custodians_leaving(system_identity, today=dt.date.today() + dt.timedelta(days=200))
    assert [e["person"].id for e in later_list] == [later.id]


def test_securing_score_rises_as_the_retirement_date_approaches(create_dataset, create_person):
    from dmp_registry.priorities.scores import scores_of

    risky, _safe, _person = risky_and_safe(create_dataset, create_person)
    values = []
    for days_before in (300, 150, 30):
        with unit_of_work():
            recompute([risky.id], today=dt.date.today() + dt.timedelta(days=60 - days_before))
            values.append(scores_of(risky.id)["securing"].score)
    assert values == sorted(values) and values[0] < values[-1]


def test_dashboard_counts_per_unit_and_over_time(client, curator, create_dataset, create_unit, assess):
    _user, _identity, headers = curator
    unit = create_unit()
    first, second = create_dataset(unit=unit), create_dataset(unit=unit)
    create_dataset(unit=unit)
    a1 = assess(first)
    assess(second)
    for version, state in ((1, "in_progress"), (2, "published")):
        client.post(f"/api/v1/assessments/{a1.id}/transition", json={"version": version, "state": state}, headers=headers)
    body = client.get("/api/v1/priorities/dashboard", headers=headers).json
    row = next(r for r in body["per_unit"] if r["unit_id"] == str(unit.id))
    assert (row["datasets"], row["assessed"], row["secured"], row["published"]) == (3, 2, 0, 1)
    assert len(body["series"]) == 12
    assert body["series"][-1]["assessed"] == 2 and body["series"][-1]["published"] == 1
    assert body["series"][0]["month"] < body["series"][-1]["month"]
    data = dashboard(system_identity)
    assert sum(r["datasets"] for r in data["per_unit"]) == 3


def test_dashboard_and_lists_need_staff_or_ownership(client, create_user):
    _user, _identity, headers = create_user("researcher")
    assert client.get("/api/v1/priorities/dashboard", headers=headers).status_code == 403
    assert client.get("/api/v1/priorities/custodians-leaving", headers=headers).status_code == 403
