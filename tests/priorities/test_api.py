"""Assessments, overrides, workflow, comments, permissions and the scoring model through the API."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from dmp_registry.core.db import db
from dmp_registry.core.history import ChangeRecord
from dmp_registry.priorities.models import PriorityScore

from .conftest import kind, term

API = "/api/v1/assessments/"


def payload(dataset, **extra):
    return {"dataset_id": str(dataset.id), "scientific_value": term("level-high"), "format_risk": term("format-at-risk"),
            "regenerable": False, **extra}


def test_curator_assesses_a_dataset_and_sees_both_scores(client, curator, create_dataset):
    _user, _identity, headers = curator
    dataset = create_dataset(storage_locations=[{"kind": kind("external-disk"), "copies": 1}])
    response = client.post(API, json=payload(dataset), headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "assessed" and body["scientific_value"]["uri"] == term("level-high")
    securing = body["scores"]["securing"]
    assert 0 < securing["score"] <= 100 and securing["band"] in ("critical", "high", "medium", "low")
    assert abs(sum(c["points"] for c in securing["contributions"]) - securing["score"]) <= 1
    assert response.headers["ETag"] == '"1"'
    again = client.post(API, json=payload(dataset), headers=headers)
    assert again.status_code == 409


def test_assessment_validation_is_per_field(client, curator, create_dataset):
    _user, _identity, headers = curator
    dataset = create_dataset()
    response = client.post(API, json=payload(dataset, scientific_value=term("band-high"), effort_publish_days=-1,
                                             surprise=1), headers=headers)
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert {"scientific_value", "effort_publish_days", "surprise"} <= set(errors)
    unknown = client.post(API, json={"dataset_id": str(uuid.uuid4())}, headers=headers)
    assert unknown.status_code == 422 and "dataset_id" in unknown.json["errors"]["json"]
    assert client.get(f"{API}{uuid.uuid4()}", headers=headers).status_code == 404


def test_researchers_cannot_assess_but_read_and_comment_on_their_own(
        client, create_user, create_unit, create_dataset, curator, assess):
    unit, other_unit = create_unit(), create_unit()
    _owner, _oid, owner_headers = create_user("researcher", unit=unit)
    _stranger, _sid, stranger_headers = create_user("researcher", unit=other_unit)
    dataset = create_dataset(unit=unit)
    assert client.post(API, json=payload(dataset), headers=owner_headers).status_code == 403
    assessment = assess(dataset)
    url = f"{API}{assessment.id}"
    assert client.get(url, headers=owner_headers).status_code == 200
    assert client.get(url, headers=stranger_headers).status_code == 404
    assert client.get(url).status_code == 404
    listing = client.get(API, headers=stranger_headers).json
    assert listing["total"] == 0
    assert client.get(API, headers=owner_headers).json["total"] == 1
    comment = client.post(f"{url}/comments", json={"text": "The disk is in my office."}, headers=owner_headers)
    assert comment.status_code == 201 and comment.json["text"] == "The disk is in my office."
    assert client.post(f"{url}/comments", json={"text": "x"}, headers=stranger_headers).status_code == 404
    assert client.get(url, headers=owner_headers).json["comments"][0]["author_name"]
    patch = client.patch(url, json={"version": 1, "notes": "mine"}, headers=owner_headers)
    assert patch.status_code == 403


def test_override_needs_a_reason_and_is_kept_in_history(client, curator, create_dataset, assess):
    _user, _identity, headers = curator
    assessment = assess(create_dataset())
    url = f"{API}{assessment.id}"
    missing = client.patch(url, json={"version": 1, "securing_override": 95}, headers=headers)
    assert missing.status_code == 422 and "securing_override_reason" in missing.json["errors"]["json"]
    reason = "Only copy of the 1970s excavation diaries; the board asked for it first."
    ok = client.patch(url, json={"version": 1, "securing_override": 95, "securing_override_reason": reason},
                      headers=headers)
    assert ok.status_code == 200, ok.json
    score = ok.json["scores"]["securing"]
    assert (score["score"], score["band"], score["overridden"]) == (95, "critical", True)
    assert score["computed"] != 95
    history = client.get(f"{url}/history", headers=headers).json
    assert history[-1]["changes"]["securing_override_reason"] == [None, reason]
    assert history[-1]["changes"]["securing_override"] == [None, 95]
    stale = client.patch(url, json={"version": 1, "notes": "late"}, headers=headers)
    assert stale.status_code == 409


def test_workflow_transitions(client, curator, create_dataset, assess):
    _user, _identity, headers = curator
    assessment = assess(create_dataset())
    url = f"{API}{assessment.id}/transition"
    bad = client.post(url, json={"version": 1, "state": "verified"}, headers=headers)
    assert bad.status_code == 422 and "state" in bad.json["errors"]["json"]
    version = 1
    for state in ("in_progress", "secured", "verified"):
        response = client.post(url, json={"version": version, "state": state}, headers=headers)
        assert response.status_code == 200, response.json
        assert response.json["state"] == state
        version = response.json["version"]
    assert client.post(url, json={"version": 1, "state": "in_progress"}, headers=headers).status_code == 409
    assert client.post(url, json={"version": version, "state": "nonsense"}, headers=headers).status_code == 422


def test_researcher_cannot_move_the_workflow(client, create_user, create_unit, create_dataset, assess):
    unit = create_unit()
    _owner, _oid, headers = create_user("researcher", unit=unit)
    assessment = assess(create_dataset(unit=unit))
    response = client.post(f"{API}{assessment.id}/transition", json={"version": 1, "state": "in_progress"},
                           headers=headers)
    assert response.status_code == 403


def test_assignment_to_a_curator_with_due_date(client, curator, create_user, create_dataset, assess):
    user, _identity, headers = curator
    researcher, _rid, _rh = create_user("researcher")
    assessment = assess(create_dataset())
    url = f"{API}{assessment.id}"
    wrong = client.patch(url, json={"version": 1, "assignee_id": str(researcher.id)}, headers=headers)
    assert wrong.status_code == 422 and "assignee_id" in wrong.json["errors"]["json"]
    ok = client.patch(url, json={"version": 1, "assignee_id": str(user.id), "due_date": "2027-01-15"}, headers=headers)
    assert ok.status_code == 200 and ok.json["due_date"] == "2027-01-15"
    worklist = client.get(f"/api/v1/priorities/worklists/securing?assignee_id={user.id}", headers=headers).json
    assert [i["dataset_id"] for i in worklist["items"]] == [str(assessment.dataset_id)]
    assert worklist["items"][0]["assignee"] == user.display_name


def test_weight_change_recomputes_all_scores_and_is_audited(client, admin, curator, create_dataset, assess):
    _user, _identity, headers = admin
    datasets = [create_dataset(storage_locations=[{"kind": kind("external-disk"), "copies": n}]) for n in (1, 2, 3)]
    assess(datasets[0])
    assert client.get("/api/v1/priorities/worklists/securing", headers=headers).json["total"] == 3
    model = client.get("/api/v1/priorities/model", headers=headers).json
    assert model["number"] == 1
    before = {row.dataset_id: row.score for row in db.session.scalars(
        select(PriorityScore).where(PriorityScore.kind == "securing"))}
    assert set(before) == {d.id for d in datasets}  # unassessed datasets are scored from registry facts too
    weights = model["weights"]
    weights["securing"]["risk"]["copies"] = 200
    denied = client.put("/api/v1/priorities/model", json={"weights": weights, "based_on": 1}, headers=curator[2])
    assert denied.status_code == 403
    change = {"weights": weights, "note": "copies matter most", "based_on": 1}
    response = client.put("/api/v1/priorities/model", json=change, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["number"] == 2
    db.session.expire_all()
    rows = list(db.session.scalars(select(PriorityScore).where(PriorityScore.kind == "securing")))
    assert {r.model_number for r in rows} == {2}
    after = {r.dataset_id: r.score for r in rows}
    assert after[datasets[0].id] > before[datasets[0].id]  # one copy: riskier under the new weights
    assert after[datasets[2].id] < before[datasets[2].id]
    history = client.get("/api/v1/priorities/model/history", headers=headers).json
    assert history[0]["changes"]["securing.risk.copies"] == [20, 200]
    assert history[0]["changes"]["note"] == [None, "copies matter most"]
    audit = db.session.scalars(select(ChangeRecord).where(ChangeRecord.entity_type == "priority_model")).all()
    assert any(c.actor_name == admin[1].name for c in audit)
    stale = client.put("/api/v1/priorities/model", json={"weights": weights, "based_on": 1}, headers=headers)
    assert stale.status_code == 409
    weights["bands"]["critical"] = "high"
    invalid = client.put("/api/v1/priorities/model", json={"weights": weights, "based_on": 2}, headers=headers)
    assert invalid.status_code == 422 and "bands.critical" in invalid.json["errors"]["json"]["weights"]
