"""REST: GET /api/v1/plans/<id>/madmp and POST /api/v1/plans/madmp (201 + loss report, 422, 404, 403)."""
from __future__ import annotations

import json
import uuid

from .conftest import EXAMPLES, FIXTURES, assert_valid, load


def test_export_returns_valid_madmp_json(client, native_plan, researcher):
    plan_id, _dataset_id, _identity = native_plan
    _user, _identity, headers = researcher
    response = client.get(f"/api/v1/plans/{plan_id}/madmp", headers=headers)
    assert response.status_code == 200, response.json
    assert response.mimetype == "application/json"
    assert_valid(response.json)
    assert response.json["dmp"]["title"] == "Fugleplan"


def test_export_of_an_unknown_or_unreadable_plan_is_404(client, native_plan, create_user):
    plan_id, _dataset_id, _identity = native_plan
    _user, _identity, stranger = create_user("researcher")
    assert client.get(f"/api/v1/plans/{uuid.uuid4()}/madmp", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/plans/{plan_id}/madmp", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/plans/{plan_id}/madmp").status_code == 404  # like every record read


def test_import_returns_201_with_plan_id_and_empty_loss_report(client, madmp_template, researcher):
    _user, _identity, headers = researcher
    document = load(EXAMPLES[6])
    response = client.post("/api/v1/plans/madmp", json=document, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["losses"] == [] and response.json["source"] == "madmp"
    exported = client.get(f"/api/v1/plans/{response.json['plan_id']}/madmp", headers=headers).json
    assert exported == document


def test_dmponline_import_reports_losses_with_paths(client, madmp_template, researcher):
    _user, _identity, headers = researcher
    response = client.post("/api/v1/plans/madmp", json=load(FIXTURES / "dmponline-rda-export.json"), headers=headers)
    assert response.status_code == 201, response.json
    paths = [loss["path"] for loss in response.json["losses"]]
    assert "dmp.dataset[0].distribution[0].data_access" in paths
    assert response.json["source"] == "dmponline"


def test_what_the_registry_cannot_hold_is_in_the_loss_report_and_the_export_keeps_it(client, madmp_template,
                                                                                     researcher):
    _user, _identity, headers = researcher
    document = load(EXAMPLES[6])
    long_title = "Fugletelling på Dovrefjell " * 20  # 540 characters; plan titles hold 300
    document["dmp"]["title"] = long_title
    response = client.post("/api/v1/plans/madmp", json=document, headers=headers)
    assert response.status_code == 201, response.json
    loss = next(loss for loss in response.json["losses"] if loss["path"] == "dmp.title")
    assert loss["action"] == "shortened" and loss["original"] == long_title and loss["value"] == long_title[:300]
    plan = client.get(f"/api/v1/plans/{response.json['plan_id']}", headers=headers).json
    assert plan["title"] == long_title[:300]
    exported = client.get(f"/api/v1/plans/{response.json['plan_id']}/madmp", headers=headers).json
    assert exported["dmp"]["title"] == long_title


def test_invalid_documents_are_422_with_the_schema_errors(client, madmp_template, researcher):
    _user, _identity, headers = researcher
    document = load(EXAMPLES[0])
    del document["dmp"]["contact"]["mbox"]
    document["dmp"]["dataset"][0]["personal_data"] = "perhaps"
    response = client.post("/api/v1/plans/madmp", json=document, headers=headers)
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert "'mbox' is a required property" in errors["dmp.contact"][0]
    assert "perhaps" in errors["dmp.dataset[0].personal_data"][0]
    not_json = client.post("/api/v1/plans/madmp", data="{not json", headers={**headers, "Content-Type": "application/json"})
    assert not_json.status_code == 422
    assert client.post("/api/v1/plans/madmp", json=[1, 2], headers=headers).status_code == 422
    assert client.post("/api/v1/plans/madmp", json={"no": "dmp"}, headers=headers).json["errors"]["json"]["$"]


def test_values_that_break_the_schemas_formats_are_422_with_their_paths(client, madmp_template, researcher):
    _user, _identity, headers = researcher
    document = load(EXAMPLES[0])
    document["dmp"]["created"] = "yesterday afternoon"         # format: date-time
    document["dmp"]["contact"]["mbox"] = "not an address"      # format: email
    document["dmp"]["contact"]["contact_id"]["identifier"] = "x"  # unchanged: identifiers are free text
    document["dmp"]["modified"] = "2019-02-22T15:10:56"        # no time zone: not RFC 3339
    response = client.post("/api/v1/plans/madmp", json=document, headers=headers)
    assert response.status_code == 422, response.json
    errors = response.json["errors"]["json"]
    assert "date-time" in errors["dmp.created"][0] and "date-time" in errors["dmp.modified"][0]
    assert "email" in errors["dmp.contact.mbox"][0]


def test_nothing_is_written_when_an_import_fails(client, madmp_template, researcher):
    from sqlalchemy import func, select

    from dmp_registry.core.db import db
    from dmp_registry.plans.models import Plan

    _user, _identity, headers = researcher
    document = load(EXAMPLES[0])
    response = client.post("/api/v1/plans/madmp?template=no-such-template", json=document, headers=headers)
    assert response.status_code == 422 and "template" in response.json["errors"]["json"]
    assert db.session.scalar(select(func.count(Plan.id))) == 0


def test_import_needs_a_role_that_may_start_plans(client, madmp_template, create_user):
    _user, _identity, headers = create_user()
    response = client.post("/api/v1/plans/madmp", data=json.dumps(load(EXAMPLES[0])), headers={
        **headers, "Content-Type": "application/json"})
    assert response.status_code == 403
    assert client.post("/api/v1/plans/madmp", json=load(EXAMPLES[0])).status_code == 401


def test_the_import_report_stays_with_the_plan(client, madmp_template, researcher, native_plan):
    _user, _identity, headers = researcher
    created = client.post("/api/v1/plans/madmp", json=load(FIXTURES / "dmponline-rda-export.json"), headers=headers).json
    report = client.get(f"/api/v1/plans/{created['plan_id']}/madmp/import", headers=headers)
    assert report.status_code == 200
    assert report.json["source"] == "dmponline" and report.json["losses"] == created["losses"]
    plan_id = native_plan[0]
    assert client.get(f"/api/v1/plans/{plan_id}/madmp/import", headers=headers).status_code == 404
    download = client.get(f"/api/v1/plans/{plan_id}/madmp?download=true", headers=headers)
    assert download.headers["Content-Disposition"] == f'attachment; filename="plan-{plan_id}.madmp.json"'
    history = client.get(f"/api/v1/plans/{created['plan_id']}/history", headers=headers)
    assert history.status_code == 200
    assert any("madmp_import" in (change.get("changes") or {}) for change in history.json)


def test_import_refuses_what_the_registry_cannot_store_with_paths(client, madmp_template, researcher):
    """NUL characters (PostgreSQL refuses them) and absurd nesting (Python's recursion) are 422 by JSON path,
    never a 500 nor a database error without a path."""
    _user, _identity, headers = researcher
    document = load(EXAMPLES[6])
    document["dmp"]["title"] = "Fugle\x00plan"
    response = client.post("/api/v1/plans/madmp", json=document, headers=headers)
    assert response.status_code == 422 and list(response.json["errors"]["json"]) == ["dmp.title"]
    deep = {}
    cursor = deep
    for _level in range(500):
        cursor["a"] = {}
        cursor = cursor["a"]
    document = load(EXAMPLES[6])
    document["dmp"]["extension"] = [deep]
    response = client.post("/api/v1/plans/madmp", json=document, headers=headers)
    assert response.status_code == 422 and "Nested deeper" in str(response.json["errors"])
    deeper = '{"dmp": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post("/api/v1/plans/madmp", data=deeper, content_type="application/json", headers=headers)
    assert response.status_code == 422


def test_import_with_repeated_or_doubled_kept_answers_is_not_a_conflict(client, madmp_template, researcher):
    """Our extension may name a question twice, or one a standard field already answered: the standard field
    wins, then the first kept answer; the import succeeds and the document keeps everything for the export."""
    _user, _identity, headers = researcher
    document = load(EXAMPLES[6])
    document["dmp"]["description"] = "Fra dokumentet"
    document["dmp"]["extension"] = [{"ntnu_vm_dmp_registry": {
        "template": {"key": "science-europe", "version": 1},
        "answers": [{"question": "m-notes", "value": "first"}, {"question": "m-notes", "value": "second"},
                    {"question": "m-desc", "value": "from the extension"}]}}]
    response = client.post("/api/v1/plans/madmp", json=document, headers=headers)
    assert response.status_code == 201, response.json
    plan_id = response.json["plan_id"]
    answers = {a["question_key"]: a["value"] for a in client.get(f"/api/v1/plans/{plan_id}/answers", headers=headers).json}
    assert answers["m-desc"] == "Fra dokumentet" and answers["m-notes"] == "first"
    exported = client.get(f"/api/v1/plans/{plan_id}/madmp", headers=headers).json
    assert exported["dmp"]["description"] == "Fra dokumentet"


def test_the_import_has_its_own_body_limit_above_the_general_one(client, madmp_template, researcher):
    """20 MiB for maDMP documents, above the 2 MiB of other requests (here 3 MiB of JSON whitespace)."""
    _user, _identity, headers = researcher
    body = json.dumps(load(EXAMPLES[6])) + " " * 3 * 2**20
    assert len(body) > client.application.config["MAX_CONTENT_LENGTH"]
    response = client.post("/api/v1/plans/madmp", data=body, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 201, response.status_code
    too_large = client.post("/api/v1/plans/madmp", data=" " * (20 * 2**20 + 1),
                            headers={**headers, "Content-Type": "application/json"})
    assert too_large.status_code == 422 and "20 MiB" in str(too_large.json)
