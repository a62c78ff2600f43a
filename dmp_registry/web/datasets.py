"""Dataset pages: list with filters, detail, the registration wizard (also used to edit) and
adding distributions. Views are thin: they parse the form, call the service, render."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from ..auth.current import current_identity
from ..core.errors import ConflictError, InvalidInput, NotFoundError
from ..core.uow import unit_of_work
from ..datasets.schemas import DatasetArgs, DatasetIn, DatasetPatch, DistributionIn
from ..datasets.service import dataset_service, distribution_service
from ..vocabularies.terms import CLASSIFICATION_INTERNAL
from . import forms
from .dataset_fields import DISTRIBUTION_FIELDS, FIELD_LABELS, STEP_KEYS, STEPS, step_by_key
from .jsonld import dataset_jsonld
from .merge import merge_conflict
from .options import options_for, unit_names

bp = Blueprint("dataset_pages", __name__, url_prefix="/datasets")

LIST_FILTERS = ("q", "unit_id", "dataset_type", "theme", "access_rights", "publication_status", "mine")
SORTS = ("-updated", "title", "-title", "-created", "created", "-volume")
PAGE_SIZES = (10, 25, 50, 100)


def _options(values):
    return lambda field: options_for(field, values)


# ---- list -----------------------------------------------------------------------------------
def list_args() -> tuple[dict, dict]:
    """Validated search arguments and the raw values to show in the filter form."""
    raw = {k: request.args.get(k, "").strip() for k in (*LIST_FILTERS, "sort", "page", "per_page")}
    raw = {k: v for k, v in raw.items() if v}
    if raw.get("per_page") not in {str(n) for n in PAGE_SIZES}:
        raw["per_page"] = str(current_app.config["DMP_PAGE_SIZE"])
    if raw.get("sort") not in SORTS:
        raw.pop("sort", None)
    if "mine" in raw:
        raw["mine"] = "true"
    while True:
        try:
            return DatasetArgs().load(raw), raw
        except ValidationError as exc:  # drop what does not validate (a hand-edited URL), keep the rest
            bad = set(exc.messages) & set(raw)
            if not bad:
                raise
            for key in bad:
                raw.pop(key)


@bp.get("/", endpoint="list")
def dataset_list():
    identity = current_identity()
    args, raw = list_args()
    if args.get("mine") and not identity.is_authenticated:
        args.pop("mine")
    page = dataset_service.search(identity, args)
    pages = max(1, -(-page.total // page.per_page))
    return render_template("datasets/list.html", page=page, pages=pages, raw=raw, units=unit_names(),
                           sorts=SORTS, page_sizes=PAGE_SIZES)


# ---- detail ---------------------------------------------------------------------------------
@bp.get("/<uuid:dataset_id>", endpoint="detail")
def dataset_detail(dataset_id, dist_form=None, status=200):
    identity = current_identity()
    dataset = dataset_service.read(identity, dataset_id)
    policy = dataset_service.policy
    history = dataset_service.history(identity, dataset_id) if policy.can(identity, "history", dataset) else []
    can_edit = policy.can(identity, "update", dataset)
    if dist_form is None and can_edit:
        dist_form = forms.FormState(DISTRIBUTION_FIELDS, options=_options(None))
    return render_template("datasets/detail.html", dataset=dataset, history=history, can_edit=can_edit,
                           dist_form=dist_form, field_labels=FIELD_LABELS, units=unit_names(),
                           jsonld=dataset_jsonld(dataset), rdf_links=rdf_links(dataset)), status


def rdf_links(dataset) -> list[tuple[str, str]]:
    """Links to the dataset's RDF representations, for the formats some blueprint serves."""
    adapter = current_app.url_map.bind("localhost")
    links = []
    for ext, label in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML")):
        path = f"/datasets/{dataset.id}.{ext}"
        try:
            adapter.match(path, method="GET")
        except Exception:  # noqa: BLE001 - NotFound / MethodNotAllowed: that format is not served (yet)
            continue
        links.append((path, label))
    return links


# ---- distributions --------------------------------------------------------------------------
def _wants_fragment() -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@bp.post("/<uuid:dataset_id>/distributions", endpoint="add_distribution")
def add_distribution(dataset_id):
    identity = current_identity()
    data = forms.parse(DISTRIBUTION_FIELDS, request.form)
    data["dataset_id"] = str(dataset_id)
    try:
        with unit_of_work():
            dist = distribution_service.create(identity, forms.load(DistributionIn(), data))
    except InvalidInput as exc:
        state = forms.FormState(DISTRIBUTION_FIELDS, request.form.copy(), exc.errors, _options(request.form))
        if _wants_fragment():
            dataset = dataset_service.read(identity, dataset_id)
            return render_template("datasets/_distribution_form.html", dataset=dataset, dist_form=state), 422
        return dataset_detail(dataset_id, dist_form=state, status=422)
    if _wants_fragment():
        return render_template("datasets/_distribution.html", dist=distribution_service.read(identity, dist.id)), 201
    flash(_("The distribution was added."), "success")
    return redirect(url_for(".detail", dataset_id=dataset_id, _anchor="distributions"), 303)


# ---- registration wizard ----------------------------------------------------------------------
@bp.route("/new", methods=["GET", "POST"], endpoint="new")
def dataset_new():
    identity = current_identity()
    dataset_service.policy.require(identity, "create")
    step = STEPS[0]
    if request.method == "GET":
        values = MultiDict({"classification": CLASSIFICATION_INTERNAL})
        if identity.unit_id:
            values["unit_id"] = str(identity.unit_id)
        return _render_step(None, step, values)
    try:
        with unit_of_work():
            dataset = dataset_service.create(identity, forms.load(DatasetIn(), forms.parse(step.fields, request.form)))
    except InvalidInput as exc:
        return _render_step(None, step, request.form.copy(), exc.errors, status=422)
    flash(_("The draft was saved. You can come back and finish it later."), "success")
    return _after_save(dataset.id, step)


@bp.route("/<uuid:dataset_id>/edit", methods=["GET", "POST"], endpoint="edit", defaults={"step_key": STEPS[0].key})
@bp.route("/<uuid:dataset_id>/edit/<step_key>", methods=["GET", "POST"], endpoint="edit")
def dataset_edit(dataset_id, step_key):
    identity = current_identity()
    step = step_by_key(step_key)
    if step is None:
        abort(404)
    dataset = dataset_service.read(identity, dataset_id)
    dataset_service.policy.require(identity, "update", dataset)
    if request.method == "GET":
        values = forms.to_form(step.fields, dataset_service.snapshot(dataset))
        values["version"] = str(dataset.version)
        return _render_step(dataset, step, values)
    submitted = request.form.copy()
    _apply_resolutions(step, submitted, dataset)
    try:
        version = int(submitted.get("version", ""))
    except ValueError:
        version = None
    try:
        with unit_of_work():
            data = forms.load(DatasetPatch(partial=True), forms.parse(step.fields, submitted))
            dataset_service.update(identity, dataset_id, data, version)
    except InvalidInput as exc:
        return _render_step(dataset, step, submitted, exc.errors, status=422)
    except ConflictError:
        return _render_conflict(identity, dataset_id, step, submitted, version)
    flash(_("Your changes were saved."), "success")
    return _after_save(dataset_id, step)


def _after_save(dataset_id, step):
    action = request.form.get("action", "next")
    index = STEP_KEYS.index(step.key)
    if action == "next" and index + 1 < len(STEPS):
        return redirect(url_for(".edit", dataset_id=dataset_id, step_key=STEP_KEYS[index + 1]), 303)
    if action == "back" and index > 0:
        return redirect(url_for(".edit", dataset_id=dataset_id, step_key=STEP_KEYS[index - 1]), 303)
    return redirect(url_for(".detail", dataset_id=dataset_id), 303)


def _render_step(dataset, step, values, errors=None, status=200, conflicts=(), merged=()):
    state = forms.FormState(step.fields, values, errors, _options(values))
    return render_template("datasets/form.html", dataset=dataset, step=step, steps=STEPS, form=state,
                           step_index=STEP_KEYS.index(step.key), conflicts=conflicts, merged=merged), status


def _render_conflict(identity, dataset_id, step, submitted, version):
    current = dataset_service.read(identity, dataset_id)
    history = dataset_service.history(identity, dataset_id)
    merged_values, conflicts, merged = merge_conflict(step.fields, submitted, current,
                                                      dataset_service.snapshot(current), history, version)
    return _render_step(current, step, merged_values, status=409, conflicts=conflicts, merged=merged)


def _apply_resolutions(step, submitted: MultiDict, dataset) -> None:
    """After a conflict the user chose per field: keep mine (as submitted) or take the saved value."""
    theirs = None
    for field in step.fields:
        if submitted.get(f"resolve.{field.name}") == "theirs":
            theirs = theirs or forms.to_form(step.fields, dataset_service.snapshot(dataset))
            forms.copy_field(field, theirs, submitted)


def parse_uuid(value: str | None):
    try:
        return uuid.UUID(value) if value else None
    except ValueError as exc:
        raise NotFoundError() from exc
