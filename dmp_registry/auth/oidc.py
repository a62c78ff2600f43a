"""OpenID Connect login (authorization code flow with a client secret, state and nonce),
e.g. for Feide or NTNU's identity provider. Configured by DMP_OIDC_ISSUER / _CLIENT_ID /
_CLIENT_SECRET; Authlib does discovery, the token exchange and the ID-token checks (signature
from the provider's JWKS, iss, aud, exp, nonce).

A user is created on first login and found again by the `sub` claim; roles come from the claim
DMP_OIDC_ROLES_CLAIM through DMP_OIDC_ROLE_MAP (or DMP_OIDC_DEFAULT_ROLES when nothing maps)."""
from __future__ import annotations

import re
import unicodedata

from flask import current_app
from sqlalchemy import select

from ..core.db import db
from ..core.identity import ROLES, system_identity
from ..organisation.models import Person
from .models import User
from .schemas import UserIn
from .service import user_service

CLIENT = "dmp_oidc"


_NORDIC = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


class LoginFailed(Exception):
    pass


def init_app(app) -> None:
    """One Authlib client per app (tests run several apps); call again after changing DMP_OIDC_*.
    Authlib is imported only when a provider is configured (~11 MiB per process otherwise)."""
    app.extensions.pop("dmp_oauth", None)
    issuer = (app.config.get("DMP_OIDC_ISSUER") or "").rstrip("/")
    if issuer:
        from authlib.integrations.flask_client import OAuth

        oauth = OAuth()
        oauth.init_app(app)
        app.extensions["dmp_oauth"] = oauth
        oauth.register(CLIENT, client_id=app.config["DMP_OIDC_CLIENT_ID"],
                       client_secret=app.config["DMP_OIDC_CLIENT_SECRET"],
                       server_metadata_url=f"{issuer}/.well-known/openid-configuration",
                       client_kwargs={"scope": app.config["DMP_OIDC_SCOPE"]})


def enabled() -> bool:
    return bool(current_app.config.get("DMP_OIDC_ISSUER") and current_app.config.get("DMP_OIDC_CLIENT_ID"))


def client():
    return current_app.extensions["dmp_oauth"].create_client(CLIENT)


def fetch_claims() -> dict:
    """Exchange the code of the callback request for tokens and return the verified ID-token claims."""
    try:
        token = client().authorize_access_token()
    except Exception as exc:  # noqa: BLE001 - state mismatch, provider error, bad token: all one answer
        raise LoginFailed(f"{type(exc).__name__}: {exc}") from exc
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise LoginFailed("the ID token has no sub claim")
    return claims


def mapped_roles(claims: dict) -> list[str]:
    config = current_app.config
    values = claims.get(config["DMP_OIDC_ROLES_CLAIM"]) or []
    values = [values] if isinstance(values, str) else list(values)
    roles: list[str] = []
    for value in values:
        mapped = config["DMP_OIDC_ROLE_MAP"].get(str(value)) or []
        for role in [mapped] if isinstance(mapped, str) else mapped:
            if role in ROLES and role not in roles:
                roles.append(role)
    return roles


def user_for_claims(claims: dict) -> User:
    """The local user for these verified claims: found by `sub`, or created on first login."""
    config = current_app.config
    subject = str(claims["sub"])[:300]
    roles = mapped_roles(claims)
    user = db.session.scalar(select(User).where(User.oidc_subject == subject))
    if user is None:
        return _create_user(claims, subject, roles or list(config["DMP_OIDC_DEFAULT_ROLES"]))
    if not user.active:
        raise LoginFailed(f"user {user.username} is deactivated")
    if roles and config["DMP_OIDC_SYNC_ROLES"] and sorted(roles) != sorted(user.roles or []):
        user = user_service.update(system_identity, user.id, {"roles": roles}, user.version)
    return user


def _create_user(claims: dict, subject: str, roles: list[str]) -> User:
    email = (claims.get("email") or "").strip().lower() or None
    if email and db.session.scalar(select(User.id).where(User.email == email)):
        email = None  # an existing account has it; never link accounts by an e-mail claim
    person = db.session.scalar(select(Person).where(Person.email == email)) if email else None
    data = UserIn().load({"username": _free_username(claims), "roles": roles,
                          "display_name": (claims.get("name") or "")[:200] or None,
                          **({"email": email} if email else {}),
                          **({"person_id": str(person.id)} if person else {})})
    data["oidc_subject"] = subject
    return user_service.create(system_identity, data)


def _free_username(claims: dict) -> str:
    claim = current_app.config["DMP_OIDC_USERNAME_CLAIM"]
    raw = str(claims.get(claim) or claims.get("email") or claims["sub"]).lower()
    raw = unicodedata.normalize("NFKD", raw.translate(_NORDIC)).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9_.@-]+", "-", raw).strip("-._@")[:90] or "user"
    if not base[0].isalnum():
        base = "u" + base
    if len(base) < 2:
        base += "-user"
    name, n = base, 1
    while db.session.scalar(select(User.id).where(User.username == name)):
        n += 1
        name = f"{base}-{n}"
    return name
