"""Accounts and tokens: admin-only user management, hashed secrets, revocation."""
from __future__ import annotations

from sqlalchemy import select

from dmp_registry.auth.models import ApiToken, User
from dmp_registry.core.db import db


def test_only_admin_lists_and_creates_users(client, admin, curator):
    assert client.get("/api/v1/users/", headers=curator[2]).status_code == 403
    assert client.get("/api/v1/users/", headers=admin[2]).json["total"] == 2
    created = client.post("/api/v1/users/", json={"username": "ny.bruker", "password": "long enough pw",
                                                  "roles": ["researcher"]}, headers=admin[2])
    assert created.status_code == 201 and "password" not in created.json
    stored = db.session.scalar(select(User).where(User.username == "ny.bruker"))
    assert stored.password_hash and "long enough pw" not in stored.password_hash


def test_bad_user_fields(client, admin):
    response = client.post("/api/v1/users/", json={"username": "A B", "password": "short", "roles": ["king"]},
                           headers=admin[2])
    assert response.status_code == 422
    assert {"username", "password", "roles"} <= set(response.json["errors"]["json"])


def test_token_is_shown_once_and_stored_hashed(client, curator):
    user, _identity, headers = curator
    created = client.post(f"/api/v1/users/{user.id}/tokens", json={"name": "script"}, headers=headers)
    assert created.status_code == 201
    plain = created.json["token"]
    assert plain.startswith("dmp_")
    row = db.session.get(ApiToken, __import__("uuid").UUID(created.json["id"]))
    assert plain.split("_", 2)[2] not in row.secret_hash
    listed = client.get(f"/api/v1/users/{user.id}/tokens", headers=headers).json
    assert all("token" not in t for t in listed)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).json["username"] == user.username


def test_users_cannot_touch_others_tokens(client, curator, create_user):
    other, _identity, _headers = create_user("researcher")
    assert client.get(f"/api/v1/users/{other.id}/tokens", headers=curator[2]).status_code == 403
    assert client.post(f"/api/v1/users/{other.id}/tokens", json={"name": "x"}, headers=curator[2]).status_code == 403


def test_deactivated_user_token_stops_working(client, admin, create_user):
    user, _identity, headers = create_user("researcher")
    assert client.patch(f"/api/v1/users/{user.id}", json={"version": 1, "active": False}, headers=admin[2]).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_me_requires_login(client):
    assert client.get("/api/v1/me").status_code == 401


def test_authenticate_checks_password(app, create_user):
    from dmp_registry.auth.service import user_service

    user, _identity, _headers = create_user("researcher")
    assert user_service.authenticate(user.username, "a-long-password").id == user.id
    assert user_service.authenticate(user.username, "wrong") is None
    assert user_service.authenticate("nobody", "a-long-password") is None
