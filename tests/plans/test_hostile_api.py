"""Hostile input against the plans API: wrong types, unknown keys and ids, huge strings, other people's plans —
always a 4xx with per-field messages, never a 500; and what a reader may not see stays hidden."""
from __future__ import annotations

import uuid

import pytest

from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans.service import plan_service
from dmp_registry.vocabularies.terms import local
from tests.plans.test_api import _template


@pytest.fixture
def setup(client, admin, create_user, create_project, create_unit):
    _a, _ai, admin_headers = admin
    _t, version = _template(client, admin_headers)
    unit = create_unit()
    _u, researcher, headers = create_user("researcher", unit=unit)
    project = create_project(unit=unit)
    r = client.post("/api/v1/plans/", headers=headers, json={
        "title": "Plan", "project_id": str(project.id), "template_version_id": version["id"]})
    assert r.status_code == 201, r.json
    return {"plan": r.json, "headers": headers, "version": version, "project": project, "admin": admin_headers,
            "researcher": researcher, "unit": unit}


BAD_PLAN_BODIES = [
    [], "x", 5, None,
    {"title": 5}, {"title": ["a"]}, {"title": "x" * 100_000}, {"title": ""}, {"title": "a\x00b"},
    {"title": "T", "unknown": 1}, {"title": "T", "project_id": "nope"}, {"title": "T", "project_id": str(uuid.uuid4())},
    {"title": "T", "template_version_id": str(uuid.uuid4())}, {"title": "T", "language": "de"},
    {"title": "T", "owner_id": str(uuid.uuid4())}, {"title": "T", "status": "approved"},
]


@pytest.mark.parametrize("body", BAD_PLAN_BODIES)
def test_bad_plan_bodies_are_422(client, setup, body):
    r = client.post("/api/v1/plans/", headers=setup["headers"], json=body)
    assert r.status_code == 422, (body, r.status_code, r.json)


BAD_ANSWERS = [
    ("t-desc", {"value": 5}), ("t-desc", {"value": "x" * 60_000}), ("t-desc", {"value": "a\x01"}),
    ("t-desc", {}), ("t-desc", {"value": "x", "version": "a"}), ("t-desc", {"value": "x", "version": 2**40}),
    ("t-desc", {"value": "x", "extra": 1}), ("t-desc", {"value": {"a": 1}}),
    ("t-volume", {"value": "12"}), ("t-volume", {"value": True}), ("t-volume", {"value": 1e300}),
    ("t-personal", {"value": "yes"}), ("t-start", {"value": "2026-13-01"}), ("t-start", {"value": "0001-01-01"}),
    ("t-start", {"value": 20260101}), ("t-dpia", {"value": "maybe"}), ("t-dpia", {"value": ["yes"]}),
    ("t-datasets", {"value": "x"}), ("t-datasets", {"value": ["nope"]}), ("t-datasets", {"value": [str(uuid.uuid4())]}),
    ("t-datasets", {"value": [None]}), ("t-datasets", {"value": [1, 2]}), ("t-datasets", {"value": [{"a": 1}]}),
]


@pytest.mark.parametrize("key,body", BAD_ANSWERS)
def test_bad_answers_are_422(client, setup, key, body):
    r = client.put(f"/api/v1/plans/{setup['plan']['id']}/answers/{key}", headers=setup["headers"], json=body)
    assert r.status_code == 422, (key, body, r.status_code, r.json)


def test_unknown_ids_and_keys_are_404(client, setup):
    plan_id, headers = setup["plan"]["id"], setup["headers"]
    other = uuid.uuid4()
    for method, url, body in [
        ("get", f"/api/v1/plans/{other}", None), ("put", f"/api/v1/plans/{other}/answers/t-desc", {"value": "x"}),
        ("put", f"/api/v1/plans/{plan_id}/answers/no-such-question", {"value": "x"}),
        ("put", f"/api/v1/plans/{plan_id}/answers/{'x' * 5000}", {"value": "x"}),
        ("delete", f"/api/v1/plans/{plan_id}/datasets/{other}", None),
        ("delete", f"/api/v1/plans/{plan_id}/contributors/{other}", None),
        ("get", f"/api/v1/plans/{plan_id}/snapshots/1", None),
        ("get", f"/api/v1/plans/{plan_id}/snapshots/99999999999999999999", None),
        ("get", f"/api/v1/plans/{other}.pdf", None), ("get", f"/api/v1/plans/{other}/madmp", None),
        ("patch", f"/api/v1/plans/{plan_id}/comments/{other}", {"resolved": True, "version": 1}),
    ]:
        r = getattr(client, method)(url, headers=headers, json=body)
        assert r.status_code == 404, (method, url, r.status_code, r.json)


def test_other_queries_are_checked(client, setup):
    plan_id, headers = setup["plan"]["id"], setup["headers"]
    for url in [f"/api/v1/plans/{plan_id}/diff?from=1&to=x", f"/api/v1/plans/{plan_id}/diff",
                f"/api/v1/plans/{plan_id}.pdf?lang=de", f"/api/v1/plans/{plan_id}.pdf?snapshot=abc",
                f"/api/v1/plans/{plan_id}/migration?to=nope", f"/api/v1/plans/{plan_id}/migration",
                "/api/v1/plans/?status=bogus", "/api/v1/plans/?page=-1", "/api/v1/plans/?per_page=100000",
                f"/api/v1/plans/{plan_id}/migration?to={uuid.uuid4()}",
                f"/api/v1/plans/{plan_id}.pdf?snapshot=99999999999999999999"]:
        r = client.get(url, headers=headers)
        assert 400 <= r.status_code < 500, (url, r.status_code, r.json)
    for url, body in [(f"/api/v1/plans/{plan_id}/datasets", {"dataset_id": "x"}),
                      (f"/api/v1/plans/{plan_id}/datasets", {"dataset_id": str(uuid.uuid4())}),
                      (f"/api/v1/plans/{plan_id}/datasets/new", {"title": "x"}),
                      (f"/api/v1/plans/{plan_id}/datasets/new", {"title": {"nb": "x"}, "bogus": 1}),
                      (f"/api/v1/plans/{plan_id}/contributors", {"person_id": str(uuid.uuid4()), "role": "owner"}),
                      (f"/api/v1/plans/{plan_id}/contributors", {"person_id": "x", "role": "king"}),
                      (f"/api/v1/plans/{plan_id}/submit", {"version": "x"}),
                      (f"/api/v1/plans/{plan_id}/submit", {"version": 1, "message": "x" * 100_000}),
                      (f"/api/v1/plans/{plan_id}/comments", {"text": "x", "question_key": 5}),
                      (f"/api/v1/plans/{plan_id}/return", {"comments": "x"}),
                      (f"/api/v1/plans/{plan_id}/migration", {"template_version_id": "x"}),
                      ("/api/v1/plans/madmp", {"dmp": 5}), ("/api/v1/plans/madmp", [1, 2])]:
        r = client.post(url, headers=headers, json=body)
        assert 400 <= r.status_code < 500, (url, body, r.status_code, r.json)


def test_someone_elses_plan_is_not_found(client, setup, create_user):
    _o, _oi, other = create_user("researcher")
    plan_id = setup["plan"]["id"]
    for method, url, body in [("get", f"/api/v1/plans/{plan_id}", None),
                              ("put", f"/api/v1/plans/{plan_id}/answers/t-desc", {"value": "x"}),
                              ("get", f"/api/v1/plans/{plan_id}.pdf", None), ("get", f"/api/v1/plans/{plan_id}/madmp", None),
                              ("get", f"/api/v1/plans/{plan_id}/datasets", None),
                              ("post", f"/api/v1/plans/{plan_id}/comments", {"text": "hi"}),
                              ("post", f"/api/v1/plans/{plan_id}/submit", {"version": 1})]:
        r = getattr(client, method)(url, headers=other, json=body)
        assert r.status_code in (403, 404), (method, url, r.status_code)
    assert plan_id not in [p["id"] for p in client.get("/api/v1/plans/", headers=other).json["items"]]


def test_newline_in_title_does_not_break_mail(client, setup):
    plan = setup["plan"]
    r = client.patch(f"/api/v1/plans/{plan['id']}", headers=setup["headers"],
                     json={"title": "Line one\nBcc: evil@example.org", "version": plan["version"]})
    assert r.status_code in (200, 422), r.json


def _answer_required(plan_id, identity):
    plan_service.save_answer(identity, plan_id, "t-desc", "Beskrivelse", None)
    plan_service.save_answer(identity, plan_id, "t-personal", False, None)


def test_a_title_with_a_line_break_submits_and_mails_one_line(make_plan, create_user, create_unit):
    from dmp_registry.core.db import db
    from dmp_registry.plans import mail, review

    unit = create_unit()
    _u, owner, _h = create_user("researcher", unit=unit)
    _c, _ci, _ch = create_user("curator")  # no reviewer: the curators get the message
    plan = make_plan(owner, title="Line one\nBcc: evil@example.org")
    with unit_of_work():
        _answer_required(plan.id, owner)
        review.submit(owner, plan.id)
        queued = [m for _config, m in db.session.info.get(mail.PENDING, [])]
        assert queued and all("\n" not in str(m["Subject"]) and m["Bcc"] is None for m in queued)


def test_a_snapshot_hides_datasets_its_reader_may_not_see(make_plan, create_user, create_unit, create_dataset, client):
    from dmp_registry.plans import review

    unit = create_unit()
    _u, owner, owner_headers = create_user("researcher", unit=unit)
    _c, co_author, co_headers = create_user("researcher")  # another unit: may not read the restricted dataset
    _k, curator, curator_headers = create_user("curator")
    plan = make_plan(owner)
    secret = create_dataset(unit=unit, title={"nb": "Hemmelige hekkeplasser"},
                            classification=local("classification", "restricted"))
    with unit_of_work():
        plan_service.save_answer(owner, plan.id, "t-datasets", [str(secret.id)], None)
        plan_service.add_contributor(owner, plan.id, co_author.person_id, "co_author")
        _answer_required(plan.id, owner)
        review.submit(owner, plan.id)
    for headers, sees in ((owner_headers, True), (curator_headers, True), (co_headers, False)):
        for url in (f"/api/v1/plans/{plan.id}/snapshots/1", f"/api/v1/plans/{plan.id}.html?snapshot=1",
                    f"/api/v1/plans/{plan.id}.html"):
            r = client.get(url, headers=headers)
            assert r.status_code == 200, r.status_code
            assert ("Hemmelige hekkeplasser" in r.get_data(as_text=True)) is sees, (url, sees)


def test_a_co_author_keeps_datasets_they_may_not_see(make_plan, create_user, create_unit, create_dataset):
    unit = create_unit()
    _u, owner, _h = create_user("researcher", unit=unit)
    _c, co_author, _ch = create_user("researcher")
    plan = make_plan(owner)
    secret = create_dataset(unit=unit, classification=local("classification", "restricted"))
    public = create_dataset()
    with unit_of_work():
        plan_service.save_answer(owner, plan.id, "t-datasets", [str(secret.id)], None)
        plan_service.add_contributor(owner, plan.id, co_author.person_id, "co_author")
    version = next(a.version for a in plan_service.read(co_author, plan.id).answers if a.question_key == "t-datasets")
    with unit_of_work():  # sent back as read from GET /datasets: accepted
        saved = plan_service.save_answer(co_author, plan.id, "t-datasets", [str(public.id), str(secret.id)], version)
        version = saved.version
    with unit_of_work():  # left out: still linked, the co-author cannot unlink what they cannot see
        plan_service.save_answer(co_author, plan.id, "t-datasets", [str(public.id)], version)
    links = [link.dataset_id for link in plan_service.read(owner, plan.id).dataset_links]
    assert links == [public.id, secret.id]
    with pytest.raises(Exception) as raised:  # an unreadable dataset that is not linked stays unknown
        other_secret = create_dataset(unit=unit, classification=local("classification", "restricted"))
        with unit_of_work():
            plan_service.save_answer(co_author, plan.id, "t-datasets", [str(other_secret.id)], version + 1)
    assert getattr(raised.value, "errors", None) == {"value": [f"Unknown dataset: {other_secret.id}"]}


@pytest.mark.parametrize("text", ["a\x00b", "x" * 5001, "   ", 5])
def test_comments_from_the_pages_are_checked_like_the_api(make_plan, create_user, text):
    from dmp_registry.core.errors import InvalidInput
    from dmp_registry.plans import review

    _u, owner, _h = create_user("researcher")
    _c, curator, _ch = create_user("curator")
    plan = make_plan(owner)
    with pytest.raises(InvalidInput) as raised, unit_of_work():
        review.comment(curator, plan.id, "t-desc", text)
    assert list(raised.value.errors) == ["text"]
    assert review.comments(curator, plan.id) == []


def test_changing_the_title_of_an_approved_plan_makes_it_a_draft_again(make_plan, create_user):
    from dmp_registry.plans import review

    _u, owner, _h = create_user("researcher")
    _c, curator, _ch = create_user("curator")
    plan = make_plan(owner)
    with unit_of_work():
        _answer_required(plan.id, owner)
        review.submit(owner, plan.id)
        review.approve(curator, plan.id)
    current = plan_service.read(owner, plan.id)
    assert current.status == "approved"
    with unit_of_work():
        plan_service.update(owner, plan.id, {"title": current.title}, current.version)  # no change: stays approved
    assert plan_service.read(owner, plan.id).status == "approved"
    with unit_of_work():
        plan_service.update(owner, plan.id, {"title": "Ny tittel"}, current.version)
    assert plan_service.read(owner, plan.id).status == "draft"


def test_migrating_an_approved_plan_makes_it_a_draft_again(make_template, make_plan, create_user, content, admin):
    from dmp_registry.plans import review
    from dmp_registry.plans.service import template_version_service

    _u, owner, _h = create_user("researcher")
    _c, curator, _ch = create_user("curator")
    template, v1 = make_template()
    plan = make_plan(owner, version=v1)
    with unit_of_work():
        _answer_required(plan.id, owner)
        review.submit(owner, plan.id)
        review.approve(curator, plan.id)
    content["sections"][0]["questions"].append({"key": "t-new", "text": {"nb": "Ny", "en": "New"}, "type": "text",
                                                "required": True})
    with unit_of_work():
        v2 = template_version_service.create(admin[1], {"template_id": template.id, "content": content})
        template_version_service.publish(admin[1], v2.id)
    with unit_of_work():
        plan_service.migrate(owner, plan.id, v2.id)
    assert plan_service.read(owner, plan.id).status == "draft"
