"""OpenID Connect login end to end against a real provider: NAV's mock-oauth2-server, started by
`make test` (scripts/oidc/start.sh) and found through DMP_TEST_OIDC_URL. The browser goes through
the provider's interactive login form; the app exchanges the code and verifies the ID token."""
from __future__ import annotations

import os
import re
import urllib.request

import pytest
from sqlalchemy import select

from dmp_registry.auth import oidc
from dmp_registry.auth.models import User
from dmp_registry.core.db import db

from .conftest import axe_check, screenshot


@pytest.fixture
def oidc_provider(app):
    base = os.environ.get("DMP_TEST_OIDC_URL")
    if not base:
        pytest.fail("DMP_TEST_OIDC_URL is not set: start the provider with `scripts/oidc/start.sh DIR` and export "
                    "DMP_TEST_OIDC_URL=<the URL it prints> (make test does both).")
    try:
        urllib.request.urlopen(f"{base}/default/.well-known/openid-configuration", timeout=5).close()
    except OSError as exc:
        pytest.fail(f"the OIDC provider at {base} does not answer: {exc}")
    saved = {k: app.config[k] for k in app.config if k.startswith("DMP_OIDC_")}
    app.config.update(DMP_OIDC_ISSUER=f"{base}/default", DMP_OIDC_CLIENT_ID="dmp-registry",
                      DMP_OIDC_CLIENT_SECRET="test-secret", DMP_OIDC_NAME="Feide",
                      DMP_OIDC_ROLES_CLAIM="groups", DMP_OIDC_ROLE_MAP={"fc:org:ntnu.no:dmp-kurator": "curator"})
    oidc.init_app(app)
    yield base
    app.config.update(saved)
    oidc.init_app(app)


def _provider_login(page, subject: str, claims: str) -> None:
    page.goto("/login")
    page.click("text=Logg inn med Feide")
    page.wait_for_selector("input[name=username]")
    page.fill("input[name=username]", subject)
    page.fill("textarea[name=claims]", claims)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/$"))


@pytest.mark.browser
def test_oidc_login_creates_the_user_with_mapped_roles(oidc_provider, new_page):
    page = new_page()
    page.goto("/login")
    axe_check(page, "login with OIDC")
    _provider_login(page, "kari-oidc", '{"name": "Kari Feide", "email": "kari.feide@example.org", '
                                       '"groups": ["fc:org:ntnu.no:dmp-kurator"]}')
    assert "Du er logget inn som Kari Feide." in page.inner_text("main")
    screenshot(page, "oidc-logged-in")
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.oidc_subject == "kari-oidc"))
    assert user.username == "kari.feide@example.org" and user.email == "kari.feide@example.org" and user.roles == ["curator"]
    assert page.locator("nav.main-nav >> text=Registrer et datasett").count() == 1  # the curator's menu

    page.click("text=Logg ut")
    _provider_login(page, "kari-oidc", '{"name": "Kari Feide"}')  # the same person again: no new account
    db.session.rollback()
    assert db.session.scalar(select(db_count()).where(User.oidc_subject == "kari-oidc")) == 1


@pytest.mark.browser
def test_oidc_login_with_a_wrong_state_is_refused(oidc_provider, new_page, live_server):
    page = new_page()
    page.goto(f"{live_server}/login/oidc/callback?code=forged&state=forged")
    assert "Innlogging med Feide mislyktes" in page.inner_text("main")


def db_count():
    from sqlalchemy import func

    return func.count(User.id)


def test_claims_map_to_roles_and_usernames(app):
    app.config["DMP_OIDC_ROLE_MAP"] = {"a": "curator", "b": ["admin", "curator"], "c": "no-such-role"}
    try:
        assert oidc.mapped_roles({"groups": ["a", "b", "c", "d"]}) == ["curator", "admin"]
        assert oidc.mapped_roles({"groups": "a"}) == ["curator"]
        assert oidc.mapped_roles({}) == []
        assert oidc._free_username({"preferred_username": "kari", "sub": "x"}) == "kari"
        assert oidc._free_username({"sub": "Åse Ø. Ås"}) == "ase-o.-as"
        assert re.fullmatch(r"[a-z0-9][a-z0-9_.@-]{1,99}", oidc._free_username({"sub": "__"}))
    finally:
        app.config["DMP_OIDC_ROLE_MAP"] = {}
