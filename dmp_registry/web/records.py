"""List, detail, create, edit and delete pages for a record service (units, people, projects,
users): one small class instead of five near-identical views per area."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema

from ..auth.current import current_identity
from ..core.errors import AuthenticationRequired, ConflictError, InvalidInput
from ..core.schemas import MAX_PAGE
from ..core.uow import unit_of_work
from . import forms
from .i18n import concept_label, show_date, text
from .merge import merge_conflict
from .options import ROLE_LABELS, options_for

PER_PAGE = 25


@dataclass
class RecordPages:
    name: str  # endpoint prefix and URL segment: "units"
    service: object
    in_schema: type[Schema]
    patch_schema: type[Schema]
    fields: tuple
    title_one: str
    title_many: str
    title: Callable  # record → heading
    columns: tuple  # (label, record → text); the first links to the record
    searchable: bool = False
    login_required: bool = False
    intro: str | None = None
    extra: Callable | None = None  # record → dict for the detail template (related lists)
    sort: str | None = None
    detail_template: str = "records/detail.html"
    hidden_on_detail: tuple = dc_field(default=("password",))

    def register(self, bp: Blueprint) -> None:
        n = self.name
        bp.add_url_rule(f"/{n}/", f"{n}_list", self.list_view)
        bp.add_url_rule(f"/{n}/new", f"{n}_new", self.new_view, methods=["GET", "POST"])
        bp.add_url_rule(f"/{n}/<uuid:record_id>", f"{n}_detail", self.detail_view)
        bp.add_url_rule(f"/{n}/<uuid:record_id>/edit", f"{n}_edit", self.edit_view, methods=["GET", "POST"])
        bp.add_url_rule(f"/{n}/<uuid:record_id>/delete", f"{n}_delete", self.delete_view, methods=["POST"])
        self.endpoint = f"{bp.name}.{n}"

    # ---- reading ----------------------------------------------------------------------------
    def _identity(self):
        identity = current_identity()
        if self.login_required and not identity.is_authenticated:
            raise AuthenticationRequired()
        return identity

    def list_view(self):
        identity = self._identity()
        page_number = min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)
        args = {"page": page_number, "per_page": PER_PAGE}
        q = request.args.get("q", "").strip()[:200]
        if self.searchable and q:
            args["q"] = q
        if self.sort:
            args["sort"] = self.sort
        page = self.service.search(identity, args)
        pages = max(1, -(-page.total // page.per_page))
        return render_template("records/list.html", pages_spec=self, page=page, pages=pages, q=q,
                               can_create=self.service.policy.can(identity, "create"))

    def detail_view(self, record_id):
        identity = self._identity()
        record = self.service.read(identity, record_id)
        policy = self.service.policy
        snapshot = self.service.snapshot(record)
        rows = [(f.label, self.display(f, snapshot)) for f in self.fields if f.name not in self.hidden_on_detail]
        history = self.service.history(identity, record_id) if policy.can(identity, "history", record) else []
        extra = self.extra(identity, record) if self.extra else {}
        return render_template(self.detail_template, pages_spec=self, record=record, rows=rows, history=history,
                               can_edit=policy.can(identity, "update", record),
                               can_delete=policy.can(identity, "delete", record),
                               field_labels={f.name: f.label for f in self.fields}, **extra)

    def display(self, field, snapshot: dict) -> str:
        value = snapshot.get(field.name)
        if value in (None, "", [], {}):
            return ""
        kind = field.kind
        if kind in ("lang", "langlong"):
            return text(value)
        if kind == "concept":
            return concept_label(value)
        if kind == "bool":
            return _("Yes") if value else _("No")
        if kind == "date":
            import datetime as dt

            return show_date(dt.date.fromisoformat(value))
        if kind in ("ref", "refs"):
            names = dict(options_for(field))
            values = value if isinstance(value, list) else [value]
            return ", ".join(names.get(str(v), str(v)) for v in values)
        if kind == "roles":
            return ", ".join(str(ROLE_LABELS.get(r, r)) for r in value)
        return str(value)

    # ---- writing ----------------------------------------------------------------------------
    def _render_form(self, record, values, errors=None, status=200, conflicts=(), merged=()):
        state = forms.FormState(self.fields, values, errors, lambda f: options_for(f, values))
        return render_template("records/form.html", pages_spec=self, record=record, form=state,
                               conflicts=conflicts, merged=merged), status

    def new_view(self):
        identity = self._identity()
        self.service.policy.require(identity, "create")
        if request.method == "GET":
            return self._render_form(None, forms.to_form(self.fields, self.defaults(identity)))
        try:
            with unit_of_work():
                record = self.service.create(identity, forms.load(self.in_schema(), forms.parse(self.fields, request.form)))
        except InvalidInput as exc:
            return self._render_form(None, request.form.copy(), exc.errors, 422)
        flash(_("Saved."), "success")
        return redirect(url_for(f"{self.endpoint}_detail", record_id=record.id), 303)

    def defaults(self, identity) -> dict:
        return {"active": True} if any(f.name == "active" for f in self.fields) else {}

    def edit_view(self, record_id):
        identity = self._identity()
        record = self.service.read(identity, record_id)
        self.service.policy.require(identity, "update", record)
        if request.method == "GET":
            values = forms.to_form(self.fields, self.service.snapshot(record))
            values["version"] = str(record.version)
            return self._render_form(record, values)
        submitted = request.form.copy()
        for f in self.fields:
            if submitted.get(f"resolve.{f.name}") == "theirs":
                forms.copy_field(f, forms.to_form(self.fields, self.service.snapshot(record)), submitted)
        version = submitted.get("version", type=int)
        try:
            with unit_of_work():
                data = forms.load(self.patch_schema(partial=True), forms.parse(self.fields, submitted))
                self.service.update(identity, record_id, data, version)
        except InvalidInput as exc:
            return self._render_form(record, submitted, exc.errors, 422)
        except ConflictError:
            current = self.service.read(identity, record_id)
            values, conflicts, merged = merge_conflict(self.fields, submitted, current, self.service.snapshot(current),
                                                       self.service.history(identity, record_id), version)
            return self._render_form(current, values, status=409, conflicts=conflicts, merged=merged)
        flash(_("Your changes were saved."), "success")
        return redirect(url_for(f"{self.endpoint}_detail", record_id=record_id), 303)

    def delete_view(self, record_id):
        identity = self._identity()
        try:
            with unit_of_work():
                self.service.delete(identity, record_id)
        except ConflictError:
            flash(_("This record is still in use by other records and cannot be deleted."), "error")
            return redirect(url_for(f"{self.endpoint}_detail", record_id=record_id), 303)
        flash(_("Deleted."), "success")
        return redirect(url_for(f"{self.endpoint}_list"), 303)
