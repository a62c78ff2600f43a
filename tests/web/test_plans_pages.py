"""The plan pages through the Flask test client: who sees which page, 403/404, the no-JS section form
(422 keeps the input, 409 shows the other version beside the user's), the autosave endpoint, datasets
linked and registered from the plan, review, snapshots/diff, template admin and the maDMP import page."""
from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.models import Dataset
from dmp_registry.plans.models import Plan, TemplateVersion
from dmp_registry.plans.service import plan_service, template_service, template_version_service

from .conftest import csrf_of

CONTENT = {"sections": [
    {"key": "data", "title": {"nb": "Data", "en": "Data"}, "guidance": {"nb": "Om dataene", "en": "About the data"},
     "questions": [
         {"key": "w-desc", "text": {"nb": "Beskriv dataene", "en": "Describe the data"}, "type": "richtext",
          "required": True, "help": {"nb": "Kort", "en": "Briefly"}, "madmp_path": "dmp.description"},
         {"key": "w-datasets", "text": {"nb": "Datasett", "en": "Datasets"}, "type": "datasets", "madmp_path": "dmp.dataset"},
         {"key": "w-volume", "text": {"nb": "Volum i TB", "en": "Volume in TB"}, "type": "number"},
     ]},
    {"key": "legal", "title": {"nb": "Juss", "en": "Legal"}, "questions": [
        {"key": "w-personal", "text": {"nb": "Personopplysninger?", "en": "Personal data?"}, "type": "yesno",
         "required": True},
        {"key": "w-basis", "text": {"nb": "Rettslig grunnlag", "en": "Legal basis"}, "type": "text", "required": True,
         "condition": {"question": "w-personal", "equals": True}},
        {"key": "w-dpia", "text": {"nb": "DPIA?", "en": "DPIA?"}, "type": "choice",
         "options": [{"value": "done", "label": {"nb": "Gjort", "en": "Done"}},
                     {"value": "planned", "label": {"nb": "Planlagt", "en": "Planned"}}]},
        {"key": "w-start", "text": {"nb": "Startdato", "en": "Start date"}, "type": "date"},
    ]},
]}


def body(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def plan_template():
    """make(content=None, publish=True) → (template, version), committed."""
    counter = iter(range(1, 10_000))

    def make(content=None, publish=True):
        with unit_of_work():
            template = template_service.create(system_identity, {
                "key": f"web-template-{next(counter)}", "title": {"nb": "Nettmal", "en": "Web template"}})
            version = template_version_service.create(system_identity, {
                "template_id": template.id, "content": copy.deepcopy(content or CONTENT)})
            if publish:
                template_version_service.publish(system_identity, version.id)
        return template.id, version.id
    return make


@pytest.fixture
def owner(create_user, create_unit):
    """(user, identity) of a researcher."""
    user, identity, _headers = create_user("researcher", unit=create_unit())
    return user, identity


@pytest.fixture
def make_web_plan(plan_template, create_project):
    def make(identity, project=None, version_id=None, title="Plan for lav"):
        if version_id is None:
            _template_id, version_id = plan_template()
        project = project or create_project()
        with unit_of_work():
            plan = plan_service.create(identity, {"title": title, "language": "nb", "project_id": project.id,
                                                  "template_version_id": version_id})
            plan_id = plan.id
        return plan_id
    return make


def add_contributor(plan_id, person_id, role):
    with unit_of_work():
        plan_service.add_contributor(system_identity, plan_id, person_id, role)


def answer(identity, plan_id, key, value):
    """Save an answer as `identity`, with the version the answer has now."""
    from dmp_registry.core.db import db

    with unit_of_work():
        plan = db.session.get(Plan, plan_id)
        db.session.refresh(plan)
        current = next((a for a in plan.answers if a.question_key == key), None)
        saved = plan_service.save_answer(identity, plan_id, key, value, current.version if current else None)
        return saved.version


def en(client):
    client.get("/language/en")
    return client


# ---- who sees what ------------------------------------------------------------------------------
def test_owner_sees_list_plan_editor_and_pages_in_both_languages(client, login, owner, make_web_plan):
    user, identity = owner
    plan_id = make_web_plan(identity)
    login(client, user)
    paths = ["/plans/", f"/plans/{plan_id}", f"/plans/{plan_id}/edit/data", f"/plans/{plan_id}/edit/legal",
             f"/plans/{plan_id}/snapshots", "/plans/import"]
    for lang, marker in (("nb", "<html lang=\"nb\">"), ("en", "<html lang=\"en\">")):
        client.get(f"/language/{lang}")
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (lang, path, body(response)[:300])
            assert marker in body(response)
    page = body(client.get(f"/plans/{plan_id}"))
    assert "Plan for lav" in page and 'href="/plans/{}/edit"'.format(plan_id) in page
    assert '<progress id="plan-progress"' in page and "0 of 2 required questions answered" in page


def test_list_filters_by_status_and_project(client, login, owner, make_web_plan, create_project):
    user, identity = owner
    project = create_project()
    mine = make_web_plan(identity, project=project, title="Plan A")
    other = make_web_plan(identity, title="Plan B")
    login(client, en(client) and user)
    page = body(client.get(f"/plans/?project_id={project.id}"))
    assert f"/plans/{mine}" in page and f"/plans/{other}" not in page
    assert f"/plans/{mine}" not in body(client.get("/plans/?status=approved"))
    assert f"/plans/{other}" in body(client.get("/plans/?status=draft"))


def test_anonymous_is_sent_to_login_and_strangers_get_404(client, login, owner, make_web_plan, create_user):
    _user, identity = owner
    plan_id = make_web_plan(identity)
    response = client.get(f"/plans/{plan_id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    stranger, _identity, _headers = create_user("researcher")
    login(client, stranger)
    assert client.get(f"/plans/{plan_id}").status_code == 404
    assert client.get(f"/plans/{plan_id}/edit/data").status_code == 404
    assert client.get("/plans/00000000-0000-0000-0000-000000000000").status_code == 404
    assert f"/plans/{plan_id}" not in body(client.get("/plans/"))


def test_reviewer_reads_and_comments_but_may_not_edit(client, login, owner, make_web_plan, create_user):
    _user, identity = owner
    plan_id = make_web_plan(identity)
    reviewer, reviewer_identity, _h = create_user("researcher")
    add_contributor(plan_id, reviewer_identity.person_id, "reviewer")
    login(client, reviewer)
    assert client.get(f"/plans/{plan_id}").status_code == 200
    assert client.get(f"/plans/{plan_id}/review").status_code == 200
    assert client.get(f"/plans/{plan_id}/edit/data").status_code == 403
    token = csrf_of(body(client.get(f"/plans/{plan_id}/review")))
    response = client.post(f"/plans/{plan_id}/answers/w-volume", data={"value": "3", "version": ""},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 403


def test_unknown_section_and_question_are_404(client, login, owner, make_web_plan):
    user, identity = owner
    plan_id = make_web_plan(identity)
    login(client, user)
    assert client.get(f"/plans/{plan_id}/edit/nope").status_code == 404
    token = csrf_of(body(client.get(f"/plans/{plan_id}/edit/data")))
    response = client.post(f"/plans/{plan_id}/answers/nope", data={"value": "x"}, headers={"X-CSRFToken": token})
    assert response.status_code == 404 and "status_text" in response.get_json()


# ---- creating a plan ----------------------------------------------------------------------------
def test_new_plan_form_creates_the_plan_and_keeps_input_on_error(client, login, owner, plan_template, create_project):
    user, _identity = owner
    project = create_project()
    _template_id, version_id = plan_template()
    login(client, en(client) and user)
    token = csrf_of(body(client.get("/plans/")))
    response = client.post("/plans/new", data={"csrf_token": token, "title": "Mitt utkast", "language": "en",
                                               "project_id": "", "template_version_id": str(version_id)})
    assert response.status_code == 422
    page = body(response)
    assert 'value="Mitt utkast"' in page and 'id="new-project-id-error"' in page
    response = client.post("/plans/new", data={"csrf_token": token, "title": "Mitt utkast", "language": "en",
                                               "project_id": str(project.id), "template_version_id": str(version_id)})
    assert response.status_code == 303
    assert re.search(r"/plans/[0-9a-f-]{36}/edit$", response.headers["Location"])


def test_unpublished_template_versions_are_not_offered(client, login, owner, plan_template):
    user, _identity = owner
    _t, published = plan_template()
    _t2, draft = plan_template(publish=False)
    login(client, user)
    page = body(client.get("/plans/"))
    assert f'value="{published}"' in page and f'value="{draft}"' not in page


# ---- the editor without JavaScript ---------------------------------------------------------------
def section_form(client, plan_id, section):
    page = body(client.get(f"/plans/{plan_id}/edit/{section}"))
    fields = dict(re.findall(r'<input type="hidden" name="((?:version|base)\.[^"]+)" value="([^"]*)"', page))
    return {"csrf_token": csrf_of(page), **{k: v.replace("&#34;", '"') for k, v in fields.items()}}


def test_section_form_saves_answers(client, login, owner, make_web_plan):
    user, identity = owner
    plan_id = make_web_plan(identity)
    login(client, user)
    data = section_form(client, plan_id, "data")
    data.update({"answer.w-desc": "Lav fra **Dovre**", "answer.w-volume": "2,5", "action": "next"})
    response = client.post(f"/plans/{plan_id}/edit/data", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/edit/legal")
    page = body(client.get(f"/plans/{plan_id}"))
    assert "<strong>Dovre</strong>" in page and "2,5" in page


def test_section_form_422_keeps_the_input_with_the_message(client, login, owner, make_web_plan):
    user, identity = owner
    plan_id = make_web_plan(identity)
    login(client, en(client) and user)
    data = section_form(client, plan_id, "data")
    data.update({"answer.w-desc": "Kept text", "answer.w-volume": "many"})
    response = client.post(f"/plans/{plan_id}/edit/data", data=data)
    assert response.status_code == 422
    page = body(response)
    assert 'value="many"' in page and 'id="q-w-volume-error"' in page and "Give a number." in page
    assert 'aria-invalid="true"' in page and 'id="form-errors"' in page
    # the valid answer of the same section was saved on its own, like autosave does
    assert ">Kept text</textarea>" in page
    assert body(client.get(f"/plans/{plan_id}")).count("Kept text") == 1


def test_section_form_409_shows_the_other_version_beside_mine(client, login, owner, make_web_plan, create_user):
    user, identity = owner
    plan_id = make_web_plan(identity)
    co_author, co_identity, _h = create_user("researcher")
    add_contributor(plan_id, co_identity.person_id, "co_author")
    answer(identity, plan_id, "w-desc", "First words")
    login(client, en(client) and user)
    data = section_form(client, plan_id, "data")  # the editor opens the section at version 1 …
    answer(co_identity, plan_id, "w-desc", "Their change")  # … someone else saves meanwhile
    data.update({"answer.w-desc": "My change", "answer.w-volume": ""})
    response = client.post(f"/plans/{plan_id}/edit/data", data=data)
    assert response.status_code == 409
    page = body(response)
    assert ">My change</textarea>" in page  # mine is kept in the field
    assert "Their change" in page and 'name="resolve.w-desc" value="mine" checked' in page
    # saving again keeps mine (over the version now shown) …
    again = {**section_form_values(page), "answer.w-desc": "My change", "resolve.w-desc": "mine", "action": "stay"}
    assert client.post(f"/plans/{plan_id}/edit/data", data=again).status_code == 303
    assert "My change" in body(client.get(f"/plans/{plan_id}"))


def section_form_values(page: str) -> dict:
    fields = dict(re.findall(r'<input type="hidden" name="((?:version|base)\.[^"]+)" value="([^"]*)"', page))
    return {"csrf_token": csrf_of(page), **{k: v.replace("&#34;", '"') for k, v in fields.items()}}


def test_choosing_their_answer_takes_it(client, login, owner, make_web_plan, create_user):
    user, identity = owner
    plan_id = make_web_plan(identity)
    _co, co_identity, _h = create_user("researcher")
    add_contributor(plan_id, co_identity.person_id, "co_author")
    answer(identity, plan_id, "w-desc", "First")
    login(client, en(client) and user)
    data = section_form(client, plan_id, "data")
    answer(co_identity, plan_id, "w-desc", "Theirs")
    page = body(client.post(f"/plans/{plan_id}/edit/data", data={**data, "answer.w-desc": "Mine"}))
    again = {**section_form_values(page), "answer.w-desc": "Mine", "resolve.w-desc": "theirs", "action": "stay"}
    assert client.post(f"/plans/{plan_id}/edit/data", data=again).status_code == 303
    view = body(client.get(f"/plans/{plan_id}"))
    assert "Theirs" in view and "Mine" not in view


def test_conditional_question_is_shown_with_a_note_and_counted_only_when_it_applies(client, login, owner,
                                                                                    make_web_plan):
    user, identity = owner
    plan_id = make_web_plan(identity)
    login(client, en(client) and user)
    page = body(client.get(f"/plans/{plan_id}/edit/legal"))
    assert 'data-condition-question="w-personal"' in page and "Only needed when the answer to" in page
    assert "0 of 2 required questions answered" in body(client.get(f"/plans/{plan_id}"))
    answer(identity, plan_id, "w-personal", True)
    assert "1 of 3 required questions answered" in body(client.get(f"/plans/{plan_id}"))
    assert "Legal basis" in body(client.get(f"/plans/{plan_id}"))
    answer(identity, plan_id, "w-personal", False)
    view = body(client.get(f"/plans/{plan_id}"))
    assert "1 of 2 required questions answered" in view and "Legal basis" not in view


# ---- the autosave endpoint -------------------------------------------------------------------------
def test_autosave_endpoint_saves_reports_422_and_409(client, login, owner, make_web_plan, create_user):
    user, identity = owner
    plan_id = make_web_plan(identity)
    _co, co_identity, _h = create_user("researcher")
    add_contributor(plan_id, co_identity.person_id, "co_author")
    login(client, en(client) and user)
    token = csrf_of(body(client.get(f"/plans/{plan_id}/edit/legal")))
    url = f"/plans/{plan_id}/answers/"
    headers = {"X-CSRFToken": token}
    saved = client.post(url + "w-personal", data={"value": "yes", "version": ""}, headers=headers)
    assert saved.status_code == 200 and saved.get_json()["message"] == "Saved"
    assert saved.get_json()["progress"]["answered"] == 1
    version = saved.get_json()["version"]
    bad = client.post(url + "w-start", data={"value": "31.02.2026", "version": ""}, headers=headers)
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.get_json()["message"]
    answer(co_identity, plan_id, "w-personal", False)
    stale = client.post(url + "w-personal", data={"value": "yes", "version": str(version)}, headers=headers)
    assert stale.status_code == 409
    assert stale.get_json()["theirs_form"] == ["no"] and stale.get_json()["theirs_text"] == "No"
    keep_mine = client.post(url + "w-personal", data={"value": "yes", "version": str(stale.get_json()["version"])},
                            headers=headers)
    assert keep_mine.status_code == 200
    assert client.post(url + "w-personal", data={"value": "no"}).status_code == 400  # no CSRF token


# ---- datasets --------------------------------------------------------------------------------------
def test_plan_shows_registry_facts_and_links_or_registers_datasets(client, login, create_user, create_unit,
                                                                   make_web_plan, create_project, create_dataset,
                                                                   create_distribution):
    from dmp_registry.core.db import db

    unit = create_unit()
    user, identity, _headers = create_user("researcher", unit=unit)
    project = create_project(unit=unit)
    known = create_dataset(project_id=str(project.id), title={"nb": "Kjente lav"}, contains_personal_data=True,
                           personal_data_legal_basis="Samtykke", volume_bytes=2_500_000_000)
    create_distribution(dataset=known, title={"nb": "CSV-uttrekk"})
    plan_id = make_web_plan(identity, project=project)
    login(client, en(client) and user)
    page = body(client.get(f"/plans/{plan_id}/edit/data"))
    assert f'<option value="{known.id}">Kjente lav</option>' in page
    response = client.post(f"/plans/{plan_id}/datasets/link", data={"csrf_token": csrf_of(page),
                                                                    "dataset_id": str(known.id), "section": "data"})
    assert response.status_code == 303
    view = body(client.get(f"/plans/{plan_id}"))
    table = view[view.index('<table class="plan-datasets">'):]
    assert "Kjente lav" in table and "2.5\u00a0GB" in table and "CSV-uttrekk" in table and "<td>Yes</td>" in table
    assert "3&nbsp;NOK" in table  # storage cost from the registry facts
    new_url = f"/plans/{plan_id}/datasets/new"
    bad = client.post(new_url, data={"csrf_token": csrf_of(page), "form": "dataset", "section": "data", "title.nb": ""})
    assert bad.status_code == 422 and 'id="dataset-errors"' in body(bad)
    made = client.post(new_url, data={"csrf_token": csrf_of(page), "form": "dataset", "section": "data",
                                      "title.nb": "Nye lavfunn"})
    assert made.status_code == 303
    registered = db.session.query(Dataset).filter(Dataset.title_sort.contains("nye lavfunn")).one()
    assert registered.project_id == project.id
    assert "Nye lavfunn" in body(client.get(f"/plans/{plan_id}"))


# ---- review, snapshots and diff ----------------------------------------------------------------------
def complete(identity, plan_id, description="Lav fra Dovre"):
    answer(identity, plan_id, "w-desc", description)
    answer(identity, plan_id, "w-personal", False)


def test_submit_review_return_resubmit_approve_and_diff(client, login, owner, make_web_plan, create_user):
    user, identity = owner
    plan_id = make_web_plan(identity)
    reviewer, reviewer_identity, _h = create_user("researcher")
    add_contributor(plan_id, reviewer_identity.person_id, "reviewer")
    login(client, en(client) and user)
    page = body(client.get(f"/plans/{plan_id}"))
    response = client.post(f"/plans/{plan_id}/submit", data={"csrf_token": csrf_of(page)})
    assert "answer every required question first" in body(client.get(response.headers["Location"]))
    complete(identity, plan_id)
    page = body(client.get(f"/plans/{plan_id}"))
    assert client.post(f"/plans/{plan_id}/submit", data={"csrf_token": csrf_of(page)}).status_code == 303
    assert client.get(f"/plans/{plan_id}/edit/data").status_code == 303  # submitted: not editable

    reviewer_client = en(client.application.test_client())
    login(reviewer_client, reviewer)
    page = body(reviewer_client.get(f"/plans/{plan_id}/review"))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    returned = reviewer_client.post(f"/plans/{plan_id}/review", data={
        "csrf_token": csrf_of(page), "version": version, "action": "return",
        "comment.w-desc": "Name the species groups.", "comment._general": "Nearly there."})
    assert returned.status_code == 303
    review_page = body(reviewer_client.get(f"/plans/{plan_id}/review"))
    assert "Name the species groups." in review_page and "Nearly there." in review_page
    assert "Name the species groups." in body(client.get(f"/plans/{plan_id}/edit/data"))  # the author sees them
    view = body(client.get(f"/plans/{plan_id}"))
    assert "Nearly there." in view
    resolve = re.search(r'action="(/plans/[^"]+/comments/[0-9a-f-]{36}/resolve)"[^>]*>\s*<input[^>]*>'
                        r'<input type="hidden" name="version" value="(\d+)">', view)
    assert client.post(resolve.group(1), data={"csrf_token": csrf_of(view), "version": resolve.group(2),
                                               "resolved": "1"}).status_code == 303
    assert "Open again" in body(client.get(f"/plans/{plan_id}"))

    complete(identity, plan_id, "Lav og moser fra Dovre")
    page = body(client.get(f"/plans/{plan_id}"))
    assert client.post(f"/plans/{plan_id}/submit", data={"csrf_token": csrf_of(page)}).status_code == 303
    page = body(reviewer_client.get(f"/plans/{plan_id}/review"))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    approved = reviewer_client.post(f"/plans/{plan_id}/review", data={"csrf_token": csrf_of(page), "version": version,
                                                                      "action": "approve"})
    assert approved.status_code == 303
    assert "Approved" in body(client.get(f"/plans/{plan_id}"))

    view = body(client.get(f"/plans/{plan_id}"))
    assert f'href="/api/v1/plans/{plan_id}.pdf"' in view and f'href="/api/v1/plans/{plan_id}/madmp"' in view
    pdf = client.get(f"/api/v1/plans/{plan_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    diff = body(client.get(f"/plans/{plan_id}/snapshots?from=1&to=2"))
    assert f'href="/api/v1/plans/{plan_id}.pdf?snapshot=1"' in diff
    assert "Lav fra Dovre" in diff and "Lav og moser fra Dovre" in diff and "Changed" in diff
    assert client.get(f"/plans/{plan_id}/snapshots?from=1&to=7").status_code == 404


def test_return_without_comments_keeps_the_page_with_a_message(client, login, owner, make_web_plan, create_user):
    user, identity = owner
    plan_id = make_web_plan(identity)
    reviewer, reviewer_identity, _h = create_user("researcher")
    add_contributor(plan_id, reviewer_identity.person_id, "reviewer")
    complete(identity, plan_id)
    from dmp_registry.plans import review

    with unit_of_work():
        review.submit(identity, plan_id)
    login(client, en(client) and reviewer)
    page = body(client.get(f"/plans/{plan_id}/review"))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(f"/plans/{plan_id}/review", data={"csrf_token": csrf_of(page), "version": version,
                                                             "action": "return"})
    assert response.status_code == 422 and 'id="form-errors"' in body(response)


# ---- template admin ----------------------------------------------------------------------------------
def test_template_admin_is_for_admins(client, login, owner, plan_template):
    user, _identity = owner
    template_id, version_id = plan_template()
    login(client, user)
    for path in ("/plans/templates/", f"/plans/templates/{template_id}", f"/plans/templates/versions/{version_id}"):
        assert client.get(path).status_code == 403, path


def test_admin_drafts_edits_and_publishes_then_the_version_is_read_only(client, login, admin, plan_template):
    from dmp_registry.core.db import db

    user, _identity, _headers = admin
    template_id, v1 = plan_template()
    login(client, en(client) and user)
    assert "Web template" in body(client.get("/plans/templates/"))
    page = body(client.get(f"/plans/templates/{template_id}"))
    response = client.post(f"/plans/templates/{template_id}/drafts", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    draft_url = response.headers["Location"].split("#")[0]
    form_page = body(client.get(draft_url))
    assert 'name="s.0.q.0.key" value="w-desc"' in form_page
    data = form_fields(form_page)
    data.update({"s.0.q.3.key": "w-archive", "s.0.q.3.text.nb": "Hvor arkiveres dataene?",
                 "s.0.q.3.text.en": "Where are the data archived?", "s.0.q.3.type": "text", "s.0.q.3.required": "1",
                 "s.0.q.3.madmp_path": "dmp.dataset[*].preservation_statement", "s.1.q.3.remove": "1"})
    bad = client.post(draft_url, data={**data, "s.0.q.3.madmp_path": "not a path"})
    assert bad.status_code == 422 and ">Where are the data archived?</textarea>" in body(bad)
    assert "Not a maDMP path" in body(bad)
    assert client.post(draft_url, data=data).status_code == 303
    draft = db.session.scalars(select(TemplateVersion).where(TemplateVersion.number == 2,
                                                             TemplateVersion.template_id == template_id)).one()
    db.session.refresh(draft)
    keys = [q["key"] for s in draft.content["sections"] for q in s["questions"]]
    assert "w-archive" in keys and "w-start" not in keys
    page = body(client.get(draft_url))
    response = client.post(f"/plans/templates/versions/{draft.id}/publish",
                           data={"csrf_token": csrf_of(page), "version": str(draft.version)})
    assert response.status_code == 303
    read_only = body(client.get(draft_url))
    assert "cannot change" in read_only and 'name="s.0.q.0.key"' not in read_only
    refused = client.post(draft_url, data=data)
    assert refused.status_code == 303
    assert "cannot change" in body(client.get(refused.headers["Location"]))
    assert v1


def form_fields(page: str) -> dict:
    """The values of the template form as a browser would send them."""
    data = {"csrf_token": csrf_of(page)}
    for name, value in re.findall(r'<input type="text" id="[^"]+" name="([^"]+)"(?: lang="\w+")? value="([^"]*)"', page):
        data[name] = value.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    for name, value in re.findall(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        data[name] = value.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    for name in re.findall(r'<select id="[^"]+" name="([^"]+)">', page):
        block = page[page.index(f'name="{name}"'):]
        selected = re.search(r'<option value="([^"]*)" selected>', block[:block.index("</select>")])
        data[name] = selected.group(1) if selected else ""
    for name in re.findall(r'<input type="checkbox" id="[^"]+" name="([^"]+)" value="1" checked>', page):
        data[name] = "1"
    data["version"] = re.search(r'<input type="hidden" name="version" value="(\d+)">', page).group(1)
    return data


def test_migration_page_lists_changes_and_moves_the_plan(client, login, owner, admin, make_web_plan, plan_template):
    user, identity = owner
    template_id, v1 = plan_template()
    plan_id = make_web_plan(identity, version_id=v1)
    answer(identity, plan_id, "w-start", "2026-01-01")
    content = copy.deepcopy(CONTENT)
    content["sections"][1]["questions"].pop()  # w-start removed
    content["sections"][0]["questions"].append({"key": "w-new", "text": {"nb": "Ny", "en": "A new question"},
                                                "type": "text"})
    with unit_of_work():
        v2 = template_version_service.create(system_identity, {"template_id": template_id, "content": content})
        template_version_service.publish(system_identity, v2.id)
    login(client, en(client) and user)
    assert "A newer version of the template" in body(client.get(f"/plans/{plan_id}"))
    page = body(client.get(f"/plans/{plan_id}/migrate"))
    assert "A new question" in page and "Start date" in page and "2026-01-01" in page
    response = client.post(f"/plans/{plan_id}/migrate", data={"csrf_token": csrf_of(page),
                                                              "version": re.search(r'name="version" value="(\d+)"',
                                                                                   page).group(1)})
    assert response.status_code == 303
    assert "version 2" in body(client.get(f"/plans/{plan_id}"))


# ---- maDMP import --------------------------------------------------------------------------------------
def test_import_page_rejects_a_bad_file_and_keeps_the_form(client, login, owner):
    user, _identity = owner
    login(client, en(client) and user)
    page = body(client.get("/plans/import"))
    response = client.post("/plans/import", data={"csrf_token": csrf_of(page),
                                                  "file": (io.BytesIO(b"{not json"), "plan.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "not valid JSON" in body(response)
    response = client.post("/plans/import", data={"csrf_token": csrf_of(page),
                                                  "file": (io.BytesIO(json.dumps({"x": 1}).encode()), "plan.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="form-errors"' in body(response)


EXAMPLES = Path(__file__).resolve().parents[2] / "mappings" / "reference" / "madmp" / "examples"
DMPONLINE = Path(__file__).resolve().parents[1] / "madmp" / "fixtures" / "dmponline-rda-export.json"


@pytest.fixture
def import_template():
    """The template imports go to (DMP_MADMP_IMPORT_TEMPLATE, default key science-europe)."""
    with unit_of_work():
        template = template_service.create(system_identity, {"key": "science-europe",
                                                             "title": {"nb": "Science Europe", "en": "Science Europe"}})
        version = template_version_service.create(system_identity, {"template_id": template.id,
                                                                    "content": copy.deepcopy(CONTENT)})
        template_version_service.publish(system_identity, version.id)


def upload(client, path: Path):
    page = body(client.get("/plans/import"))
    data = {"csrf_token": csrf_of(page), "file": (io.BytesIO(path.read_bytes()), path.name)}
    return client.post("/plans/import", data=data, content_type="multipart/form-data")


def test_importing_an_official_example_loses_nothing(client, login, owner, import_template):
    user, _identity = owner
    login(client, en(client) and user)
    response = upload(client, EXAMPLES / "ex9-dmp-long.json")
    assert response.status_code == 201, body(response)[:2000]
    page = body(response)
    assert "Nothing was lost" in page
    plan_url = re.search(r'href="(/plans/[0-9a-f-]{36})"', page).group(1)
    assert client.get(plan_url).status_code == 200


def test_importing_a_dmponline_export_lists_every_change(client, login, owner, import_template):
    user, _identity = owner
    login(client, en(client) and user)
    response = upload(client, DMPONLINE)
    assert response.status_code == 201, body(response)[:2000]
    page = body(response)
    report = page[page.index('id="loss-title"'):]
    assert "Nothing was lost" not in report
    assert re.search(r"<code>\$?\.?dmp\.dataset\[\d+\]\.distribution\[\d+\]\.data_access</code>", report), report[:3000]


def test_owner_adds_and_removes_a_reviewer(client, login, owner, make_web_plan, create_person):
    user, identity = owner
    plan_id = make_web_plan(identity)
    person = create_person(name="Rita Reviewer")
    login(client, en(client) and user)
    page = body(client.get(f"/plans/{plan_id}"))
    response = client.post(f"/plans/{plan_id}/contributors", data={"csrf_token": csrf_of(page),
                                                                   "person_id": str(person.id), "role": "reviewer"})
    assert response.status_code == 303
    page = body(client.get(f"/plans/{plan_id}"))
    assert "Rita Reviewer (Reviewer)" in page
    again = client.post(f"/plans/{plan_id}/contributors", data={"csrf_token": csrf_of(page),
                                                                "person_id": str(person.id), "role": "co_author"})
    assert "Not added" in body(client.get(again.headers["Location"]))
    contributor = re.search(r'/contributors/([0-9a-f-]{36})/remove"[^<]*<input[^>]*>\s*<button[^>]*>Remove<span '
                            r'class="visually-hidden">: Rita Reviewer', body(client.get(f"/plans/{plan_id}")))
    assert contributor
    removed = client.post(f"/plans/{plan_id}/contributors/{contributor.group(1)}/remove",
                          data={"csrf_token": csrf_of(page)})
    assert removed.status_code == 303 and "Rita Reviewer (Reviewer)" not in body(client.get(f"/plans/{plan_id}"))


# ---- small pieces ------------------------------------------------------------------------------------
def test_rich_text_allows_only_its_own_markup():
    from dmp_registry.web.plan_questions import rich_text

    html = str(rich_text('<script>alert(1)</script> **bold** and _it_\n\n- one\n- <b>two</b>'))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;two&lt;/b&gt;" in html
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<ul><li>one</li>" in html


@pytest.mark.parametrize("kind, raw, value", [
    ("yesno", ["yes"], True), ("yesno", ["no"], False), ("yesno", [""], None), ("number", ["2,5"], 2.5),
    ("number", ["12"], 12), ("number", ["many"], "many"), ("text", ["  "], None), ("date", ["2026-01-31"], "2026-01-31"),
    ("richtext", ["a\r\nb"], "a\nb"), ("choice", ["done"], "done"),
])
def test_form_values_become_answers(kind, raw, value):
    from dmp_registry.web.plan_questions import parse_answer, to_form_values

    assert parse_answer({"type": kind}, raw) == value
    if value is not None and kind != "number":
        assert parse_answer({"type": kind}, to_form_values({"type": kind}, value)) == value


def test_every_section_of_the_shipped_templates_renders_in_the_editor_and_the_plan_page(client, login, owner,
                                                                                        create_project):
    from dmp_registry.plans.loader import load_templates

    user, identity = owner
    with unit_of_work():
        load_templates()
    login(client, en(client) and user)
    project = create_project()
    for key in ("science-europe", "horizon-europe", "vitenskapsmuseet"):
        version = template_version_service.latest_published(template_service.by_key(key).id)
        with unit_of_work():
            plan_id = plan_service.create(identity, {"title": f"Plan {key}", "language": "en", "project_id": project.id,
                                                     "template_version_id": version.id}).id
        for section in version.content["sections"]:
            page = client.get(f"/plans/{plan_id}/edit/{section['key']}")
            assert page.status_code == 200, (key, section["key"])
            for question in section["questions"]:
                assert f'data-question="{question["key"]}"' in body(page), (key, question["key"])
        assert client.get(f"/plans/{plan_id}").status_code == 200


def test_hostile_form_input_is_a_4xx_never_a_500(client, login, owner, admin, make_web_plan, plan_template):
    """Huge page numbers, digit strings Python will not convert, non-ASCII digits: messages, not crashes."""
    user, identity = owner
    plan_id = make_web_plan(identity)
    login(client, user)
    assert client.get("/plans/?page=99999999999999999999999").status_code == 200
    token = csrf_of(body(client.get(f"/plans/{plan_id}/edit/legal")))
    url, headers = f"/plans/{plan_id}/answers/", {"X-CSRFToken": token}
    huge = client.post(url + "w-volume", data={"value": "9" * 5000}, headers=headers)
    assert huge.status_code == 422 and huge.get_json()["message"]
    superscript = client.post(url + "w-volume", data={"value": "2", "version": "²"}, headers=headers)
    assert superscript.status_code == 200 and superscript.get_json()["saved"] is True
    admin_user, _ai, _ah = admin
    client.get("/logout")
    login(client, admin_user)
    _template_id, version_id = plan_template(publish=False)
    page = body(client.get(f"/plans/templates/versions/{version_id}"))
    form = {"csrf_token": csrf_of(page), "version": re.search(r'name="version" value="(\d+)"', page).group(1),
            "s." + "9" * 5000 + ".key": "x", "s.0.key": "data", "s.0.title.nb": "Data",
            "s.0.q.0.key": "w-a", "s.0.q.0.type": "yesno", "s.0.q.0.text.nb": "A?",
            "s.0.q.1.key": "w-b", "s.0.q.1.type": "text", "s.0.q.1.text.nb": "B",
            "s.0.q.1.cond_question": "w-a", "s.0.q.1.cond_equals": "9" * 5000}
    response = client.post(f"/plans/templates/versions/{version_id}", data=form)
    assert response.status_code == 422 and "w-b" in body(response)


def test_linking_an_unknown_or_linked_dataset_says_so_on_the_page(client, login, owner, make_web_plan, create_dataset):
    user, identity = owner
    plan_id = make_web_plan(identity)
    dataset = create_dataset(unit=None)
    login(client, en(client) and user)
    page = body(client.get(f"/plans/{plan_id}/edit/data"))
    url = f"/plans/{plan_id}/datasets/link"
    data = {"csrf_token": csrf_of(page), "section": "data"}
    assert client.post(url, data={**data, "dataset_id": str(dataset.id)}).status_code == 303
    again = client.post(url, data={**data, "dataset_id": str(dataset.id)}, follow_redirects=True)
    assert again.status_code == 200 and "Not added: The dataset is already part of the plan." in body(again)
    unknown = client.post(url, data={**data, "dataset_id": "00000000-0000-0000-0000-000000000000"}, follow_redirects=True)
    assert unknown.status_code == 200 and "Not added: Unknown dataset" in body(unknown)


def test_the_import_page_takes_a_file_over_the_general_body_limit(client, login, owner, import_template):
    """The page takes what the API takes (20 MiB), not the 2 MiB of other requests."""
    user, _identity = owner
    login(client, en(client) and user)
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    padded = ((EXAMPLES / "ex9-dmp-long.json").read_text() + " " * 3 * 2**20).encode()
    assert len(padded) > client.application.config["MAX_CONTENT_LENGTH"]
    page = body(client.get("/plans/import"))
    # encoded here, in memory: the test client would spool a body this large to a file it never closes
    boundary, data = encode_multipart({"csrf_token": csrf_of(page), "file": FileStorage(io.BytesIO(padded), "padded.json")})
    response = client.post("/plans/import", data=data, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 201, response.status_code
