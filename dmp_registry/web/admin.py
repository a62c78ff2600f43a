"""User accounts (admins) and API tokens (admins for anyone, every user for their own)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.current import current_identity
from ..auth.schemas import TokenIn, UserIn, UserPatch
from ..auth.service import user_service
from ..core.errors import AuthenticationRequired, InvalidInput
from ..core.uow import unit_of_work
from . import forms
from .forms import Field
from .options import ROLE_LABELS
from .records import RecordPages

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")
account_bp = Blueprint("account", __name__, url_prefix="/account")

TOKEN_FIELDS = (Field("name", _l("Name of the token"), required=True,
                      help=_l("What the token is for, e.g. “nightly import”.")),)


def _tokens(identity, record):
    return {"tokens": user_service.list_tokens(identity, record.id), "token_form": forms.FormState(TOKEN_FIELDS)}


users = RecordPages(
    "users", user_service, UserIn, UserPatch,
    fields=(Field("username", _l("User name"), required=True, autocomplete="off",
                  help=_l("Lower-case letters, digits, '.', '_', '@' or '-'.")),
            Field("display_name", _l("Display name"), autocomplete="off"),
            Field("email", _l("E-mail"), "email", autocomplete="off"),
            Field("password", _l("New password"), "password", autocomplete="new-password",
                  help=_l("At least 10 characters. Leave empty to keep the current password.")),
            Field("roles", _l("Roles"), "roles"),
            Field("person_id", _l("Person"), "ref", ref="person",
                  help=_l("Links the account to a person; the person's unit decides which datasets are theirs.")),
            Field("active", _l("Active"), "bool", help=_l("Inactive accounts cannot log in."))),
    title_one=_l("User"), title_many=_l("Users"), title=lambda r: r.display_name or r.username,
    columns=((_l("User name"), lambda r: r.username), (_l("Display name"), lambda r: r.display_name or ""),
             (_l("Roles"), lambda r: ", ".join(str(ROLE_LABELS.get(x, x)) for x in r.roles or ())),
             (_l("Active"), lambda r: _("Yes") if r.active else _("No"))),
    login_required=True, extra=_tokens, detail_template="admin/user.html")
users.register(bp)


def _token_action(user_id, back):
    identity = current_identity()
    if not identity.is_authenticated:
        raise AuthenticationRequired()
    if request.form.get("revoke"):
        from .datasets import parse_uuid

        with unit_of_work():
            user_service.revoke_token(identity, user_id, parse_uuid(request.form["revoke"]))
        flash(_("The token was revoked."), "success")
        return redirect(back, 303)
    try:
        with unit_of_work():
            data = forms.load(TokenIn(), forms.parse(TOKEN_FIELDS, request.form))
            token, plain = user_service.create_token(identity, user_id, data["name"])
    except InvalidInput:
        flash(_("Give the token a name."), "error")
        return redirect(back, 303)
    return render_template("admin/token_created.html", token=token, plain=plain, back=back)


@bp.post("/users/<uuid:user_id>/tokens", endpoint="user_tokens")
def user_tokens(user_id):
    return _token_action(user_id, url_for("admin_pages.users_detail", record_id=user_id))


@account_bp.get("/", endpoint="home")
def account():
    identity = current_identity()
    if not identity.user_id:
        raise AuthenticationRequired()
    user = user_service.read(identity, identity.user_id)
    return render_template("account.html", user=user, tokens=user_service.list_tokens(identity, user.id),
                           token_form=forms.FormState(TOKEN_FIELDS))


@account_bp.post("/tokens", endpoint="tokens")
def account_tokens():
    identity = current_identity()
    if not identity.user_id:
        raise AuthenticationRequired()
    return _token_action(identity.user_id, url_for("account.home"))
