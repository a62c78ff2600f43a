"""The plans API: templates, versions, plans, answers, datasets, review, snapshots, documents and error cases."""
from __future__ import annotations

import uuid

from dmp_registry.vocabularies.terms import local
from tests.plans.conftest import CONTENT


def _template(client, headers, key="api-template"):
    r = client.post("/api/v1/plan-templates/", json={"key": key, "title": {"nb": "Mal", "en": "Template"}}, headers=headers)
    assert r.status_code == 201, r.json
    template = r.json
    r = client.post("/api/v1/plan-template-versions/", json={"template_id": template["id"], "content": CONTENT},
                    headers=headers)
    assert r.status_code == 201, r.json
    version = r.json
    r = client.post(f"/api/v1/plan-template-versions/{version['id']}/publish", json={"version": version["version"]},
                    headers=headers)
    assert r.status_code == 200 and r.json["status"] == "published", r.json
    return template, r.json


def test_template_versions_over_the_api(client, admin, create_user):
    _u, _i, headers = admin
    template, v1 = _template(client, headers)
    patched = client.patch(f"/api/v1/plan-template-versions/{v1['id']}", json={"content": CONTENT, "version": v1["version"]},
                           headers=headers)
    assert patched.status_code == 409  # published: immutable
    r = client.post("/api/v1/plan-template-versions/", json={"template_id": template["id"]}, headers=headers)
    assert r.status_code == 201 and r.json["number"] == 2 and r.json["status"] == "draft"
    r2 = client.post("/api/v1/plan-template-versions/", json={"template_id": template["id"]}, headers=headers)
    assert r2.status_code == 409
    bad = client.patch(f"/api/v1/plan-template-versions/{r.json['id']}", headers=headers,
                       json={"content": {"sections": [{"key": "x", "title": {"en": "X"}, "questions": [
                           {"key": "q", "text": {"en": "Q"}, "type": "essay"}]}]}, "version": r.json["version"]})
    assert bad.status_code == 422 and "content" in bad.json["errors"]["json"]
    _r, _ri, researcher = create_user("researcher")
    listing = client.get(f"/api/v1/plan-templates/{template['id']}", headers=researcher).json
    assert [v["status"] for v in listing["versions"]] == ["published"]  # the draft is not shown to researchers
    assert client.get(f"/api/v1/plan-template-versions/{r.json['id']}", headers=researcher).status_code == 404
    mine = client.post("/api/v1/plan-templates/", json={"key": "mine", "title": {"en": "T"}}, headers=researcher)
    assert mine.status_code == 403
    assert client.post("/api/v1/plan-templates/", json={"key": "api-template", "title": {"en": "T"}},
                       headers=headers).status_code == 422


def test_plan_lifecycle_over_the_api(client, admin, create_user, create_project, create_dataset, create_unit):
    _a, _ai, admin_headers = admin
    _template_obj, version = _template(client, admin_headers)
    unit = create_unit()
    _u, researcher, headers = create_user("researcher", unit=unit)
    _r, reviewer, reviewer_headers = create_user("curator")
    project = create_project(unit=unit)
    r = client.post("/api/v1/plans/", headers=headers, json={
        "title": "Fugleplan", "project_id": str(project.id), "template_version_id": version["id"]})
    assert r.status_code == 201, r.json
    plan = r.json
    assert plan["status"] == "draft" and plan["contributors"][0]["role"] == "owner" and plan["uri"].endswith(plan["id"])
    assert r.headers["ETag"] == f'"{plan["version"]}"'
    pid = plan["id"]
    # errors: unknown ids 404, bad input 422, stale 409
    assert client.get(f"/api/v1/plans/{uuid.uuid4()}", headers=headers).status_code == 404
    empty_title = {"title": "", "project_id": str(project.id), "template_version_id": version["id"]}
    assert client.post("/api/v1/plans/", headers=headers, json=empty_title).status_code == 422
    unknown = client.post("/api/v1/plans/", headers=headers, json={
        "title": "x", "project_id": str(uuid.uuid4()), "template_version_id": version["id"]})
    assert unknown.status_code == 422 and "project_id" in unknown.json["errors"]["json"]
    assert client.patch(f"/api/v1/plans/{pid}", headers=headers, json={"title": "Ny", "version": 99}).status_code == 409
    assert client.put(f"/api/v1/plans/{pid}/answers/t-personal", headers=headers, json={"value": "ja"}).status_code == 422
    assert client.put(f"/api/v1/plans/{pid}/answers/nope", headers=headers, json={"value": "x"}).status_code == 404
    assert client.put(f"/api/v1/plans/{pid}/answers/t-desc", headers=headers, json={"valu": "x"}).status_code == 422
    # answers
    saved = client.put(f"/api/v1/plans/{pid}/answers/t-desc", headers=headers, json={"value": "Tellinger av fugl"})
    assert saved.status_code == 200 and saved.json["version"] == 1
    stale = client.put(f"/api/v1/plans/{pid}/answers/t-desc", headers=headers, json={"value": "Annet", "version": 5})
    assert stale.status_code == 409
    client.put(f"/api/v1/plans/{pid}/answers/t-personal", headers=headers, json={"value": False})
    progress = client.get(f"/api/v1/plans/{pid}/completeness", headers=headers).json
    assert progress["complete"] is True and progress["required"] == 2
    # datasets: link one, register one from the plan
    dataset = create_dataset(unit=unit, volume_bytes=2 * 10**12)
    assert client.post(f"/api/v1/plans/{pid}/datasets", headers=headers,
                       json={"dataset_id": str(dataset.id)}).status_code == 201
    assert client.post(f"/api/v1/plans/{pid}/datasets", headers=headers,
                       json={"dataset_id": str(dataset.id)}).status_code == 409
    assert client.post(f"/api/v1/plans/{pid}/datasets", headers=headers,
                       json={"dataset_id": str(uuid.uuid4())}).status_code == 422
    new = client.post(f"/api/v1/plans/{pid}/datasets/new", headers=headers,
                      json={"title": {"nb": "Nye målinger"}, "contains_personal_data": False})
    assert new.status_code == 201, new.json
    assert new.json["project_id"] == str(project.id) and new.json["unit_id"] == str(unit.id)
    assert client.get(f"/api/v1/datasets/{new.json['id']}", headers=headers).status_code == 200
    facts = client.get(f"/api/v1/plans/{pid}/datasets", headers=headers).json["items"]
    assert [f["id"] for f in facts] == [str(dataset.id), new.json["id"]]
    # review
    client.post(f"/api/v1/plans/{pid}/contributors", headers=headers,
                json={"person_id": str(reviewer.person_id), "role": "reviewer"})
    assert client.post(f"/api/v1/plans/{pid}/approve", headers=reviewer_headers, json={}).status_code == 409
    assert client.post(f"/api/v1/plans/{pid}/approve", headers=headers, json={}).status_code == 403
    submitted = client.post(f"/api/v1/plans/{pid}/submit", headers=headers, json={})
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"
    locked = client.put(f"/api/v1/plans/{pid}/answers/t-volume", headers=headers, json={"value": 3})
    assert locked.status_code == 409
    returned = client.post(f"/api/v1/plans/{pid}/return", headers=reviewer_headers, json={
        "comments": [{"question_key": "t-desc", "text": "Si mer om metodene."}]})
    assert returned.status_code == 200 and returned.json["status"] == "returned"
    bad_comment = client.post(f"/api/v1/plans/{pid}/comments", headers=reviewer_headers,
                              json={"question_key": "nope", "text": "x"})
    assert bad_comment.status_code == 422
    comments = client.get(f"/api/v1/plans/{pid}/comments", headers=headers).json
    assert [(c["question_key"], c["snapshot_number"]) for c in comments] == [("t-desc", 1)]
    resolved = client.patch(f"/api/v1/plans/{pid}/comments/{comments[0]['id']}", headers=headers,
                            json={"resolved": True, "version": comments[0]["version"]})
    assert resolved.status_code == 200 and resolved.json["resolved"] is True
    answer = client.get(f"/api/v1/plans/{pid}/answers", headers=headers).json
    desc = next(a for a in answer if a["question_key"] == "t-desc")
    client.put(f"/api/v1/plans/{pid}/answers/t-desc", headers=headers,
               json={"value": "Tellinger av fugl med standard transektmetode", "version": desc["version"]})
    client.post(f"/api/v1/plans/{pid}/submit", headers=headers, json={})
    approved = client.post(f"/api/v1/plans/{pid}/approve", headers=reviewer_headers, json={})
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    snapshots = client.get(f"/api/v1/plans/{pid}/snapshots", headers=headers).json
    assert [(s["number"], s["status"]) for s in snapshots] == [(1, "returned"), (2, "approved")]
    assert client.get(f"/api/v1/plans/{pid}/snapshots/3", headers=headers).status_code == 404
    diff = client.get(f"/api/v1/plans/{pid}/diff?from=1&to=2", headers=headers).json
    assert [(q["key"], q["change"], q["old"], q["new"]) for q in diff["questions"]] == [
        ("t-desc", "changed", "Tellinger av fugl", "Tellinger av fugl med standard transektmetode")]
    assert client.get(f"/api/v1/plans/{pid}/diff?from=1", headers=headers).status_code == 422
    # documents
    pdf = client.get(f"/api/v1/plans/{pid}.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    docx = client.get(f"/api/v1/plans/{pid}.docx?snapshot=1", headers=headers)
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    assert client.get(f"/api/v1/plans/{pid}.pdf?snapshot=9", headers=headers).status_code == 404
    import io

    from pypdf import PdfReader

    def pdf_text(query):
        data = client.get(f"/api/v1/plans/{pid}.pdf{query}", headers=headers).data
        return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())

    assert "standard transektmetode" in pdf_text("") and "standard transektmetode" not in pdf_text("?snapshot=1")
    html = client.get(f"/api/v1/plans/{pid}.html?lang=en", headers=headers)
    assert html.status_code == 200 and "Describe the data" in html.get_data(as_text=True)
    # history and outsiders
    history = client.get(f"/api/v1/plans/{pid}/history", headers=headers).json
    assert len(history) >= 5
    _o, _oi, outsider = create_user("researcher")
    for path in ("", "/answers", "/snapshots", "/comments", "/datasets"):
        assert client.get(f"/api/v1/plans/{pid}{path}", headers=outsider).status_code == 404, path
    assert client.get(f"/api/v1/plans/{pid}.pdf", headers=outsider).status_code == 404
    assert client.get("/api/v1/plans/", headers=outsider).json["total"] == 0
    assert client.get("/api/v1/plans/", headers=reviewer_headers).json["total"] == 1
    assert client.get(f"/api/v1/plans/{pid}", headers={}).status_code == 404  # anonymous: no existence leak
    assert client.get("/api/v1/plans/", headers={}).status_code == 401


def test_migration_over_the_api(client, admin, create_user, create_project):
    _a, _ai, admin_headers = admin
    template, v1 = _template(client, admin_headers, key="migrating")
    _u, identity, headers = create_user("researcher")
    project = create_project()
    plan = client.post("/api/v1/plans/", headers=headers, json={
        "title": "P", "project_id": str(project.id), "template_version_id": v1["id"]}).json
    v2 = client.post("/api/v1/plan-template-versions/", json={"template_id": template["id"]}, headers=admin_headers).json
    preview = client.get(f"/api/v1/plans/{plan['id']}/migration?to={v2['id']}", headers=headers)
    assert preview.status_code == 422  # a draft is not a target
    client.post(f"/api/v1/plan-template-versions/{v2['id']}/publish", json={}, headers=admin_headers)
    preview = client.get(f"/api/v1/plans/{plan['id']}/migration?to={v2['id']}", headers=headers)
    assert preview.status_code == 200 and preview.json["applied"] is False
    done = client.post(f"/api/v1/plans/{plan['id']}/migration", headers=headers, json={"template_version_id": v2["id"]})
    assert done.status_code == 200 and done.json["to_version"] == 2
    assert client.get(f"/api/v1/plans/{plan['id']}", headers=headers).json["template"]["number"] == 2
    # a dataset registered from the plan follows the registry's rules: the project's unit is not the researcher's
    payload = {"title": {"en": "Sensitive"}, "classification": local("classification", "restricted")}
    assert client.post(f"/api/v1/plans/{plan['id']}/datasets/new", headers=headers, json=payload).status_code == 403
    created = client.post(f"/api/v1/plans/{plan['id']}/datasets/new", headers=headers,
                          json={**payload, "unit_id": str(identity.unit_id)})
    assert created.status_code == 201 and created.json["classification"]["uri"] == payload["classification"]
