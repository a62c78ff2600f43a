"""Login and logout pages: local accounts, and OpenID Connect when it is configured (auth/oidc.py)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.uow import unit_of_work
from ..web.forms import Field, FormState
from ..web.security import login_throttle, safe_next
from . import oidc
from .service import user_service

bp = Blueprint("auth", __name__)

LOGIN_FIELDS = (Field("username", _l("User name"), required=True, autocomplete="username"),
                Field("password", _l("Password"), "password", required=True, autocomplete="current-password"))


def start_session(user) -> None:
    """A new session for the signed-in user (no fixation: the old one, and its CSRF token, go).
    A language chosen before signing in wins and is kept on the account (so pages and e-mails
    agree); else the one the user chose last time."""
    chosen = session.get("lang")
    session.clear()
    session.permanent = True
    session["user_id"] = str(user.id)
    if chosen and chosen != user.language:
        with unit_of_work():
            user_service.remember_language(user.id, chosen)
    if chosen or user.language:
        session["lang"] = chosen or user.language


@bp.route("/login", methods=["GET", "POST"], endpoint="login")
def login():
    next_url = safe_next(request.values.get("next"))
    form = FormState(LOGIN_FIELDS, request.form.copy() if request.method == "POST" else None)
    if request.method == "GET":
        return _page(form, next_url)
    username = request.form.get("username", "").strip().lower()[:100]
    password = request.form.get("password", "")
    keys = (f"user:{username}", f"addr:{request.remote_addr}")
    throttle = login_throttle()
    wait = throttle.retry_after(*keys)
    if wait:
        form.errors["_form"] = [_("Too many failed attempts. Wait %(minutes)s minutes and try again.",
                                  minutes=max(1, round(wait / 60)))]
        return _page(form, next_url, 429, {"Retry-After": str(wait)})
    user = user_service.authenticate(username, password) if username and password else None
    if user is None:
        throttle.fail(*keys)
        form.errors["_form"] = [_("The user name or password is wrong.")]
        form.values.poplist("password")
        return _page(form, next_url, 401)
    throttle.reset(keys[0])
    start_session(user)
    flash(_("You are logged in as %(name)s.", name=user.display_name or user.username), "success")
    return redirect(next_url, 303)


def _page(form, next_url, status=200, headers=None):
    return render_template("auth/login.html", form=form, next_url=next_url, oidc_enabled=oidc.enabled(),
                           oidc_name=current_app.config["DMP_OIDC_NAME"]), status, headers or {}


@bp.post("/logout", endpoint="logout")
def logout():
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."), "success")
    return redirect(url_for("site.home"), 303)


@bp.get("/login/oidc", endpoint="oidc_login")
def oidc_login():
    if not oidc.enabled():
        return redirect(url_for(".login"))
    session["oidc_next"] = safe_next(request.args.get("next"))
    return oidc.client().authorize_redirect(url_for(".oidc_callback", _external=True))


@bp.get("/login/oidc/callback", endpoint="oidc_callback")
def oidc_callback():
    if not oidc.enabled():
        return redirect(url_for(".login"))
    next_url = safe_next(session.pop("oidc_next", None))
    try:
        claims = oidc.fetch_claims()
        with unit_of_work():
            user = oidc.user_for_claims(claims)
    except oidc.LoginFailed as exc:
        current_app.logger.warning("OIDC login failed: %s", exc)
        form = FormState(LOGIN_FIELDS)
        form.errors["_form"] = [_("Login with %(name)s failed. Try again, or contact the registry's administrator.",
                                  name=current_app.config["DMP_OIDC_NAME"])]
        return _page(form, next_url, 401)
    start_session(user)
    flash(_("You are logged in as %(name)s.", name=user.display_name or user.username), "success")
    return redirect(next_url, 303)
