"""Pages of priorities: overview, worklists (+ export), assessing a dataset, the rescue intake,
custodians leaving, the dashboard, changes since a date and the scoring model. Thin views over the
services in dmp_registry/priorities/."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..auth.current import current_identity
from ..auth.models import User
from ..core import charts
from ..core.db import db
from ..core.errors import AuthenticationRequired, ConflictError, InvalidInput, NotFoundError
from ..core.uow import unit_of_work
from ..datasets.service import dataset_service
from ..priorities import worklists
from ..priorities.api import export_response
from ..priorities.models import KINDS
from ..priorities.schemas import (AssessmentCommentIn, AssessmentIn, AssessmentPatch, PriorityWorklistArgs, RescueIntakeIn,
                                  ScoringModelIn)
from ..priorities.scores import current_model, explain, flatten, model_history, model_policy, scores_of, update_model
from ..priorities.service import TRANSITIONS, assessment_service, rescue_service
from ..vocabularies.service import concept_cache
from . import forms
from .i18n import current_language
from .merge import merge_conflict

bp = Blueprint("priority_pages", __name__, url_prefix="/priorities")

KIND_LABELS = {"securing": _l("Securing"), "publishing": _l("Publishing")}
BAND_LABELS = {"critical": _l("Critical"), "high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}
STATE_LABELS = {"identified": _l("Identified"), "assessed": _l("Assessed"), "in_progress": _l("In progress"),
                "secured": _l("Secured"), "published": _l("Published"), "verified": _l("Verified")}
FACTOR_LABELS = {
    "copies": _l("Number of copies"), "storage": _l("Where it is kept"), "medium": _l("Medium obsolescence"),
    "format": _l("Format obsolescence"), "integrity": _l("Last integrity check"), "custodian": _l("Custodian"),
    "regenerable": _l("Cannot be regenerated"), "scientific": _l("Scientific value"),
    "cultural_heritage": _l("Cultural-heritage value"), "archival": _l("Archival value"), "uniqueness": _l("Uniqueness"),
    "obligation_keep": _l("Obligation to keep"), "demand": _l("External demand"),
    "obligation_publish": _l("Obligation to publish"), "metadata": _l("Metadata completeness (DCAT-AP-NO)"),
    "rights": _l("Licence and rights"), "sensitivity": _l("No personal data or sensitive locations"),
    "documentation": _l("Documentation"), "effort": _l("Little effort to publish"),
}
GROUP_LABELS = {"risk": _l("Risk of loss"), "value": _l("Value"), "benefit": _l("Value and obligation"),
                "readiness": _l("Readiness")}
TERM_GROUPS = {"custodian_status": "custodian-", "format_risk": "format-", "scientific_value": "level-",
               "cultural_value": "level-", "archival_value": "level-", "uniqueness": "level-",
               "external_demand": "level-"}
TRISTATE = ("regenerable", "rights_clear", "needs_withholding")

F = forms.Field
ASSESSMENT_FIELDS = (
    F("custodian_status", _l("Custodian status"), "concept", help=_l("Leave empty to derive it from the retirement date.")),
    F("format_risk", _l("Format obsolescence"), "concept"),
    F("regenerable", _l("Can the data be regenerated?"), "concept"),
    F("scientific_value", _l("Scientific value"), "concept"),
    F("cultural_value", _l("Cultural-heritage value"), "concept"),
    F("archival_value", _l("Archival value (Archives Act)"), "concept"),
    F("uniqueness", _l("Uniqueness"), "concept"),
    F("external_demand", _l("Known external demand"), "concept"),
    F("obligation_keep", _l("Legal or funder obligation to keep"), "bool"),
    F("obligation_publish", _l("Legal or funder obligation to publish"), "bool"),
    F("rights_clear", _l("Are the rights clear?"), "concept"),
    F("needs_withholding", _l("Must personal data or sensitive locations be anonymised or withheld?"), "concept"),
    F("effort_secure_days", _l("Effort to secure (person-days)"), "text"),
    F("effort_publish_days", _l("Effort to publish (person-days)"), "text"),
    F("notes", _l("Notes"), "textarea"),
    F("securing_override", _l("Override securing score (0–100)"), "int"),
    F("securing_override_reason", _l("Reason for the securing override"), "textarea"),
    F("publishing_override", _l("Override publishing score (0–100)"), "int"),
    F("publishing_override_reason", _l("Reason for the publishing override"), "textarea"),
    F("assignee_id", _l("Assigned curator"), "ref"),
    F("due_date", _l("Due date"), "date"),
)


def _options(field) -> list[tuple[str, str]]:
    lang = current_language()
    if field.name in TERM_GROUPS:
        prefix = TERM_GROUPS[field.name]
        items = [c for c in concept_cache.in_scheme("assessment-term")
                 if (c.notation or "").startswith(prefix) and c.notation not in ("custodian-status", "format-risk")]
        return [(c.uri, c.label(lang)) for c in sorted(items, key=lambda c: c.uri)]
    if field.name in TRISTATE:
        return [("True", _("Yes")), ("False", _("No"))]
    if field.name == "assignee_id":
        curators = [u for u in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name))
                    if set(u.roles or ()) & {"curator", "admin"}]
        return [(str(u.id), u.display_name) for u in curators]
    return []


def _require_login(identity):
    if not identity.is_authenticated:
        raise AuthenticationRequired()


# ---- overview and worklists ------------------------------------------------------------------
@bp.get("/")
def index():
    identity = current_identity()
    _require_login(identity)
    with unit_of_work():
        tops = {kind: worklists.worklist(identity, kind, {"page": 1, "per_page": 5}) for kind in KINDS}
    return render_template("priorities/index.html", tops=tops, labels=_labels(),
                           sees_all=assessment_service.policy.sees_all(identity))


def _labels() -> dict:
    return {"kinds": KIND_LABELS, "bands": BAND_LABELS, "states": STATE_LABELS, "factors": FACTOR_LABELS,
            "groups": GROUP_LABELS}


def _worklist_args() -> tuple[dict, dict]:
    raw = {k: v.strip() for k, v in request.args.items() if v.strip() and k in PriorityWorklistArgs().fields}
    while True:
        try:
            return PriorityWorklistArgs().load(raw), raw
        except ValidationError as exc:  # drop what does not validate (a hand-edited URL), keep the rest
            bad = set(exc.messages) & set(raw)
            if not bad:
                raise
            for key in bad:
                raw.pop(key)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        abort(404)
    return kind


@bp.get("/worklists/<kind>", endpoint="worklist")
def worklist_page(kind):
    identity = current_identity()
    _require_login(identity)
    args, raw = _worklist_args()
    with unit_of_work():
        page = worklists.worklist(identity, _kind(kind), args)
    pages = max(1, -(-page.total // page.per_page))
    return render_template("priorities/worklist.html", kind=kind, page=page, pages=pages, raw=raw, labels=_labels(),
                           custodians=_custodian_options())


def _custodian_options():
    from ..organisation.models import Person
    from ..datasets.models import Dataset

    visible = select(Dataset.custodian_id).where(assessment_service.policy.read_filter(current_identity(), Dataset))
    people = db.session.execute(select(Person.id, Person.name).where(Person.id.in_(visible))  # only lists' custodians
                                .order_by(Person.name)).all()
    return [(str(p.id), p.name) for p in people]


@bp.get("/worklists/<kind>/export.<any(csv, xlsx):fmt>", endpoint="export")
def export(kind, fmt):
    identity = current_identity()
    _require_login(identity)
    args, _raw = _worklist_args()
    with unit_of_work():
        rows = worklists.export_rows(identity, _kind(kind), args)
    return export_response(rows, kind, fmt)


# ---- assessing a dataset ------------------------------------------------------------------
def _snapshot_form(assessment) -> MultiDict:
    values = forms.to_form(ASSESSMENT_FIELDS, assessment_service.snapshot(assessment))
    values["version"] = str(assessment.version)
    return values


@bp.route("/datasets/<uuid:dataset_id>", methods=["GET", "POST"], endpoint="assess")
def assess(dataset_id):
    identity = current_identity()
    _require_login(identity)
    dataset = dataset_service.read(identity, dataset_id)
    with unit_of_work():
        assessment = assessment_service.for_dataset(identity, dataset_id)
        if assessment is None:
            if not assessment_service.policy.can_read(identity, SimpleNamespace(dataset=dataset)):
                raise NotFoundError(f"No assessment of dataset {dataset_id}")
            from ..priorities.scores import recompute

            if not scores_of(dataset_id):
                recompute([dataset_id])
    if request.method == "GET":
        values = _snapshot_form(assessment) if assessment else MultiDict()
        return _render_assess(dataset, assessment, values)
    assessment_service.policy.require(identity, "create" if assessment is None else "update", assessment)
    submitted = request.form.copy()
    _apply_resolutions(submitted, assessment)
    data = forms.parse(ASSESSMENT_FIELDS, submitted)
    version = _int(submitted.get("version"))
    try:
        with unit_of_work():
            if assessment is None:
                assessment_service.create(identity, forms.load(AssessmentIn(), {"dataset_id": str(dataset_id), **data}))
            else:
                assessment_service.update(identity, assessment.id, forms.load(AssessmentPatch(), data), version)
    except InvalidInput as exc:
        return _render_assess(dataset, assessment, submitted, exc.errors, status=422)
    except ConflictError as exc:
        if assessment is None:
            flash(exc.message, "error")
            return redirect(url_for(".assess", dataset_id=dataset_id), 303)
        current = assessment_service.read(identity, assessment.id)
        history = assessment_service.history(identity, assessment.id)
        values, conflicts, merged = merge_conflict(ASSESSMENT_FIELDS, submitted, current,
                                                   assessment_service.snapshot(current), history, version)
        return _render_assess(dataset, current, values, status=409, conflicts=conflicts, merged=merged)
    flash(_("The assessment was saved."), "success")
    return redirect(url_for(".assess", dataset_id=dataset_id), 303)


def _apply_resolutions(submitted: MultiDict, assessment) -> None:
    if assessment is None:
        return
    theirs = None
    for field in ASSESSMENT_FIELDS:
        if submitted.get(f"resolve.{field.name}") == "theirs":
            theirs = theirs or forms.to_form(ASSESSMENT_FIELDS, assessment_service.snapshot(assessment))
            forms.copy_field(field, theirs, submitted)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _render_assess(dataset, assessment, values, errors=None, status=200, conflicts=(), merged=()):
    identity = current_identity()
    policy = assessment_service.policy
    form = forms.FormState(ASSESSMENT_FIELDS, values, errors, _options)
    history = assessment_service.history(identity, assessment.id) if assessment else []
    can_edit = policy.can(identity, "update" if assessment else "create", assessment)
    return render_template(
        "priorities/assess.html", dataset=dataset, assessment=assessment, form=form, scores=scores_of(dataset.id),
        explained=explain(dataset.id),
        labels=_labels(), can_edit=can_edit, can_comment=bool(assessment) and policy.can(identity, "comment", assessment),
        can_move=bool(assessment) and policy.can(identity, "transition", assessment),
        next_states=TRANSITIONS.get(assessment.state, ()) if assessment else (), history=history,
        conflicts=conflicts, merged=merged), status


@bp.post("/assessments/<uuid:assessment_id>/transition", endpoint="transition")
def transition(assessment_id):
    identity = current_identity()
    _require_login(identity)
    try:
        with unit_of_work():
            obj = assessment_service.transition(identity, assessment_id, request.form.get("state", ""),
                                                _int(request.form.get("version")))
            dataset_id = obj.dataset_id
    except (InvalidInput, ConflictError) as exc:
        dataset_id = assessment_service.read(identity, assessment_id).dataset_id
        flash(_message(exc), "error")
        return redirect(url_for(".assess", dataset_id=dataset_id), 303)
    flash(_("The workflow state was changed."), "success")
    return redirect(url_for(".assess", dataset_id=dataset_id), 303)


def _message(exc) -> str:
    details = [m for messages in (exc.errors or {}).values() if isinstance(messages, list) for m in messages]
    return " ".join([exc.message, *map(str, details)])


@bp.post("/assessments/<uuid:assessment_id>/comments", endpoint="comment")
def comment(assessment_id):
    identity = current_identity()
    _require_login(identity)
    assessment = assessment_service.read(identity, assessment_id)
    raw = request.form.get("text") or ""
    try:  # the API's rules (no control characters, at most 5000 characters), not a silent cut
        text = forms.load(AssessmentCommentIn(), {"text": raw})["text"] if raw.strip() else None
        errors = None if text else {"comment": [_("Write a comment.")]}
    except InvalidInput as exc:
        errors = {"comment": (exc.errors or {}).get("text", [_("Write a comment.")])}
    if errors:
        values = _snapshot_form(assessment)
        dataset = dataset_service.read(identity, assessment.dataset_id)
        return _render_assess(dataset, assessment, values, errors, status=422)
    with unit_of_work():
        assessment_service.comment(identity, assessment_id, text)
    flash(_("Your comment was added."), "success")
    return redirect(url_for(".assess", dataset_id=assessment.dataset_id, _anchor="comments"), 303)


# ---- rescue intake ----------------------------------------------------------------------------
INTAKE_ROWS = 5
ITEM_KEYS = ("title", "storage_kind", "location", "medium", "volume_gb", "format")


@bp.route("/rescue", methods=["GET", "POST"], endpoint="rescue")
def rescue():
    identity = current_identity()
    _require_login(identity)
    rescue_service.policy.require(identity, "create")
    if request.method == "GET":
        return _render_rescue(MultiDict())
    submitted = request.form.copy()
    data = {"retirement_date": submitted.get("retirement_date", "").strip() or None, "items": _intake_items(submitted)}
    try:
        with unit_of_work():
            intake = rescue_service.submit(identity, forms.load(RescueIntakeIn(), data))
            count = len(intake.dataset_ids)
    except InvalidInput as exc:
        return _render_rescue(submitted, exc.errors, status=422)
    flash(_("Thank you. %(n)s draft datasets were registered; a curator will contact you.", n=count), "success")
    return redirect(url_for("dataset_pages.list", mine="true"), 303)


def _intake_items(form: MultiDict) -> list[dict]:
    items = []
    for i in range(INTAKE_ROWS):
        row = {key: (form.get(f"items.{i}.{key}") or "").strip() for key in ITEM_KEYS}
        if not any(row.values()):
            continue
        items.append({k: (v or None) for k, v in row.items()} | {"title": row["title"]})
    return items


def _render_rescue(values, errors=None, status=200):
    flat = forms.flatten_errors(errors or {})
    return render_template("priorities/rescue.html", values=values, errors=flat, rows=INTAKE_ROWS,
                           kinds=_concepts("storage-kind"), media=_concepts("storage-medium")), status


def _concepts(scheme):
    from .options import concept_options

    return concept_options(scheme)


# ---- custodians leaving, dashboard, changes ---------------------------------------------------
@bp.get("/leaving", endpoint="leaving")
def leaving():
    identity = current_identity()
    _require_login(identity)
    with unit_of_work():
        entries = worklists.custodians_leaving(identity)
    return render_template("priorities/leaving.html", entries=entries, labels=_labels())


@bp.get("/dashboard", endpoint="dashboard")
def dashboard():
    identity = current_identity()
    _require_login(identity)
    data = worklists.dashboard(identity)
    return render_template("priorities/dashboard.html", data=data, charts=_charts(data), labels=_labels())


CHART_COLOURS = {"assessed": "#00467f", "secured": "#2e7d32", "published": "#8a4b00"}


def _charts(data) -> dict:
    """The two SVG charts (core/charts.py); the numbers stay in the tables beside them."""
    states = list(CHART_COLOURS)
    per_unit = charts.grouped_bars(
        [(row["unit"].code if row["unit"] else "–", [row[state] for state in states]) for row in data["per_unit"]],
        states, _("Datasets assessed, secured and published per unit (the numbers are in the table)"),
        "per-unit-svg-title", CHART_COLOURS)
    over_time = charts.lines(
        [m["month"] for m in data["series"]], {state: [m[state] for m in data["series"]] for state in states},
        _("Running totals of datasets assessed, secured and published at the end of each month "
          "(the numbers are in the table)"), "over-time-svg-title", CHART_COLOURS)
    return {"per_unit": Markup(per_unit), "over_time": Markup(over_time)}


@bp.get("/changes", endpoint="changes")
def changes():
    identity = current_identity()
    _require_login(identity)
    raw = request.args.get("since", "").strip()
    try:
        since = dt.date.fromisoformat(raw) if raw else dt.date.today() - dt.timedelta(days=7)
        error = None
    except ValueError:
        since, error = dt.date.today() - dt.timedelta(days=7), _("Give the date as YYYY-MM-DD.")
    with unit_of_work():
        result = worklists.changed_since(identity, since)
    return render_template("priorities/changes.html", result=result, raw=raw or since.isoformat(), error=error,
                           labels=_labels()), 422 if error else 200


# ---- scoring model -------------------------------------------------------------------------------
@bp.route("/model", methods=["GET", "POST"], endpoint="model")
def model():
    identity = current_identity()
    _require_login(identity)
    with unit_of_work():
        current = current_model()
        number, weights = current.number, current.weights
    values, errors, status, note = flatten(weights), {}, 200, ""
    if request.method == "POST":
        model_policy.require(identity, "update")
        values = {key: request.form.get(key, "").strip() for key in flatten(weights)}
        note = request.form.get("note", "")
        try:
            new = _unflatten({k: _number(v) for k, v in values.items()})
            checked = forms.load(ScoringModelIn(), {"weights": new, "note": note.strip() or None})  # the API's text rules
            with unit_of_work():
                update_model(identity, new, checked.get("note"), _int(request.form.get("based_on")))
            flash(_("A new model version was saved and all scores were recomputed."), "success")
            return redirect(url_for(".model"), 303)
        except InvalidInput as exc:
            found = exc.errors or {}
            errors = forms.flatten_errors(found.get("weights", {})) if isinstance(found.get("weights"), dict) else {}
            errors.update({"note": found["note"]} if "note" in found else {})
            status = 422
        except ConflictError as exc:
            errors, status = {"_form": [exc.message]}, 409
    return render_template("priorities/model.html", number=number, values=values, errors=errors, note=note,
                           history=model_history(), can_edit=model_policy.can(identity, "update"),
                           labels=_labels()), status


def _number(text: str):
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text


def _unflatten(flat: dict) -> dict:
    out: dict = {}
    for key, value in flat.items():
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out
