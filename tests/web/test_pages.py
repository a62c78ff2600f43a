"""The HTML pages through the Flask test client: rendering, permissions, forms, CSRF, headers."""
from __future__ import annotations

import json
import re

import pytest

from dmp_registry.vocabularies.terms import local

from .conftest import csrf_of, page_csrf

TYPE = local("dataset-type", "research-data")
OPEN = local("classification", "open")


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def researcher(create_user, create_unit):
    unit = create_unit()
    user, identity, _headers = create_user("researcher", unit=unit)
    return user, unit


def test_every_page_type_renders_in_both_languages(client, login, admin, create_dataset, create_distribution,
                                                   create_project):
    dataset = create_dataset(listed=True)
    create_distribution(dataset=dataset)
    project = create_project()
    user, _identity, _headers = admin
    login(client, user)
    paths = ["/", "/datasets/", f"/datasets/{dataset.id}", "/datasets/new", f"/datasets/{dataset.id}/edit",
             f"/datasets/{dataset.id}/edit/subject", f"/datasets/{dataset.id}/edit/people",
             f"/datasets/{dataset.id}/edit/storage", "/units/", f"/units/{dataset.unit_id}",
             f"/units/{dataset.unit_id}/edit", "/units/new", "/people/", "/projects/", f"/projects/{project.id}",
             f"/projects/{project.id}/edit", "/admin/users/", f"/admin/users/{user.id}", f"/admin/users/{user.id}/edit",
             "/account/", "/login"]
    for lang, marker in (("nb", "Datasettregister"), ("en", "Dataset registry")):
        client.get(f"/language/{lang}")
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (lang, path)
            body = text(response)
            assert f'<html lang="{lang}">' in body and marker in body, (lang, path)


def test_anonymous_sees_only_listed_datasets(client, create_dataset):
    listed = create_dataset(listed=True)
    hidden = create_dataset(listed=False)
    body = text(client.get("/datasets/"))
    assert str(listed.id) in body and str(hidden.id) not in body
    assert client.get(f"/datasets/{hidden.id}").status_code == 404
    assert client.get(f"/datasets/{listed.id}").status_code == 200


def test_edit_page_redirects_anonymous_to_login(client, create_dataset):
    dataset = create_dataset(listed=True)
    response = client.get(f"/datasets/{dataset.id}/edit")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_detail_embeds_schema_org_json_ld(client, create_dataset):
    dataset = create_dataset(listed=True, description={"nb": "Fugler </script><b>"}, doi="10.18710/TEST1")
    body = text(client.get(f"/datasets/{dataset.id}"))
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Dataset" and data["identifier"] == "https://doi.org/10.18710/TEST1"
    assert data["description"] == "Fugler </script><b>" and "</script>" not in raw


def test_wizard_keeps_input_and_shows_errors_next_to_fields(client, login, researcher):
    user, unit = researcher
    login(client, user)
    token = page_csrf(client, "/datasets/new")
    response = client.post("/datasets/new", data={"csrf_token": token, "title.nb": "", "title.en": "Birds",
                                                  "unit_id": str(unit.id), "dataset_type": "", "classification": OPEN})
    body = text(response)
    assert response.status_code == 422
    assert 'value="Birds"' in body  # nothing lost
    assert 'id="f-dataset-type-error"' in body and "Feltet må fylles ut." in body
    assert 'href="#f-dataset-type"' in body  # the error summary links to the field


def test_wizard_creates_a_draft_and_walks_the_steps(client, login, researcher):
    user, unit = researcher
    login(client, user)
    token = page_csrf(client, "/datasets/new")
    response = client.post("/datasets/new", data={"csrf_token": token, "title.nb": "Fugler", "unit_id": str(unit.id),
                                                  "dataset_type": TYPE, "classification": OPEN, "action": "next"})
    assert response.status_code == 303
    step2 = response.headers["Location"]
    dataset_id = re.search(r"/datasets/([0-9a-f-]{36})/edit/subject", step2).group(1)
    body = text(client.get(step2))
    response = client.post(step2, data={"csrf_token": csrf_of(body), "version": "1", "keywords.nb": "fugl, fjell",
                                        "contains_personal_data": "1", "personal_data_legal_basis": "",
                                        "action": "next"})
    assert response.status_code == 422 and "Oppgi behandlingsgrunnlaget" in text(response)
    response = client.post(step2, data={"csrf_token": csrf_of(body), "version": "1", "keywords.nb": "fugl, fjell",
                                        "action": "close"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/datasets/{dataset_id}")
    detail = text(client.get(f"/datasets/{dataset_id}"))
    assert "fugl, fjell" in detail
    assert "Fugler" in text(client.get("/"))  # my records


def _edit(client, path, data, version):
    token = csrf_of(text(client.get(path)))
    return client.post(path, data={"csrf_token": token, "version": str(version), **data})


def test_stale_edit_merges_instead_of_overwriting(app, login, curator, create_dataset):
    dataset = create_dataset(title={"nb": "Original"}, description={"nb": "Gammel"})
    user, _identity, _headers = curator
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    path = f"/datasets/{dataset.id}/edit"
    base = {"title.nb": "Original", "description.nb": "Gammel", "unit_id": str(dataset.unit_id),
            "dataset_type": TYPE, "classification": OPEN, "action": "close"}
    assert _edit(first, path, {**base, "title.nb": "Fra første", "description.nb": "Ny"}, 1).status_code == 303
    response = _edit(second, path, {**base, "title.nb": "Fra andre"}, 1)
    body = text(response)
    assert response.status_code == 409
    assert 'name="resolve.title"' in body  # both changed the title: the user chooses
    assert "resolve.description" not in body and "Ny</textarea>" in body  # only the first changed it: taken
    assert 'name="version" value="2"' in body
    token = csrf_of(body)
    response = second.post(path, data={"csrf_token": token, "version": "2", **base, "title.nb": "Fra andre",
                                       "description.nb": "Ny", "resolve.title": "theirs"})
    assert response.status_code == 303
    detail = text(second.get(f"/datasets/{dataset.id}"))
    assert "Fra første" in detail and "Ny" in detail


def test_distribution_added_without_reload_returns_a_fragment(client, login, curator, create_dataset):
    dataset = create_dataset()
    user, _identity, _headers = curator
    login(client, user)
    token = page_csrf(client, f"/datasets/{dataset.id}")
    path = f"/datasets/{dataset.id}/distributions"
    response = client.post(path, data={"csrf_token": token, "access_url": "not a url"},
                           headers={"X-Requested-With": "fetch"})
    assert response.status_code == 422 and 'aria-invalid="true"' in text(response)
    response = client.post(path, data={"csrf_token": token, "access_url": "https://example.org/f.csv",
                                       "title.nb": "CSV"}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 201 and text(response).lstrip().startswith('<li class="distribution">')
    response = client.post(path, data={"csrf_token": token, "access_url": "https://example.org/g.csv"})
    assert response.status_code == 303


def test_forms_need_the_csrf_token(client, researcher):
    user, _unit = researcher
    response = client.post("/login", data={"username": user.username, "password": "a-long-password"})
    assert response.status_code == 400 and "Skjemaet er utløpt" in text(response)


def test_api_call_with_session_cookie_needs_the_csrf_header(client, login, curator, create_unit):
    unit = create_unit()
    user, _identity, headers = curator
    login(client, user)
    payload = {"title": {"nb": "X"}, "unit_id": str(unit.id), "dataset_type": TYPE, "classification": OPEN}
    assert client.post("/api/v1/datasets/", json=payload).status_code == 400
    token = page_csrf(client, "/")
    assert client.post("/api/v1/datasets/", json=payload, headers={"X-CSRFToken": token}).status_code == 201
    assert client.post("/api/v1/datasets/", json=payload, headers=headers).status_code == 201  # bearer: no CSRF


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_http_only_and_same_site(client, login, researcher):
    user, _unit = researcher
    login(client, user)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_login_is_rate_limited(app, client, researcher):
    user, _unit = researcher
    app.extensions["dmp_login_throttle"].reset(f"user:{user.username}")
    token = page_csrf(client)
    statuses = [client.post("/login", data={"username": user.username, "password": "wrong-password",
                                            "csrf_token": token}, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code
                for i in range(app.config["DMP_LOGIN_MAX_ATTEMPTS"] + 1)]
    assert statuses[:-1] == [401] * app.config["DMP_LOGIN_MAX_ATTEMPTS"] and statuses[-1] == 429
    response = client.post("/login", data={"username": user.username, "password": "a-long-password",
                                           "csrf_token": token}, environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert response.status_code == 429  # even the right password waits
    app.extensions["dmp_login_throttle"].reset(f"user:{user.username}")


def test_logout_ends_the_session(client, login, researcher):
    user, _unit = researcher
    login(client, user)
    token = page_csrf(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/datasets/new").status_code == 302


def test_error_pages_are_html_outside_the_api_and_json_inside(client):
    assert client.get("/no-such-page").mimetype == "text/html"
    assert client.get("/api/v1/no-such-thing").mimetype == "application/json"


def test_list_filters_sort_and_page(client, create_dataset, create_unit):
    unit = create_unit()
    for n in range(12):
        create_dataset(unit=unit, listed=True, title={"nb": f"Sett {n:02d}"})
    create_dataset(listed=True, title={"nb": "Utenforliggende"})
    body = text(client.get(f"/datasets/?unit_id={unit.id}&sort=title&per_page=10&page=2"))
    assert "12 datasett" in body and "Sett 10" in body and "Sett 09" not in body and "Utenforliggende" not in body
    assert 'aria-current="page">2<' in body
    assert client.get("/datasets/?unit_id=not-a-uuid&page=-3&sort=evil").status_code == 200


def test_admin_creates_a_user_and_a_token(client, login, admin):
    user, _identity, _headers = admin
    login(client, user)
    token = page_csrf(client, "/admin/users/new")
    response = client.post("/admin/users/new", data={"csrf_token": token, "username": "ny.bruker",
                                                     "password": "et-langt-passord", "roles": ["curator"],
                                                     "active": "1"})
    assert response.status_code == 303
    new_path = response.headers["Location"]
    body = text(client.get(new_path))
    assert "Kurator" in body
    response = client.post(new_path + "/tokens", data={"csrf_token": csrf_of(body), "name": "import"})
    assert response.status_code == 200 and re.search(r'value="dmp_[0-9a-f]+_', text(response))


def test_dates_and_numbers_follow_the_language(client, create_dataset):
    dataset = create_dataset(listed=True, volume_bytes=1_536_000, temporal_start="2020-03-05")
    path = f"/datasets/{dataset.id}"
    nb = text(client.get(path))
    assert "1,5\u00a0MB" in nb and "5. mars 2020" in nb
    client.get("/language/en")
    en = text(client.get(path))
    assert "1.5\u00a0MB" in en and "Mar 5, 2020" in en


def test_a_huge_page_number_is_clamped_not_a_server_error(client, create_unit):
    create_unit()
    response = client.get("/units/", query_string={"page": "9" * 30})
    assert response.status_code == 200
