"""Pages of data management plans: the list with the "new plan" form, the plan page, the editor
(one page per template section; saves each answer as you go, see static/js/plan-editor.js) and the
plan's datasets. Review and snapshots are in plan_review.py, template admin in plan_admin.py; both
add their views to this blueprint. Views are thin: parse the form, call plans-core's services, render."""
from __future__ import annotations

import json
import re
import uuid

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..auth.current import current_identity
from ..core.db import db
from ..core.errors import AuthenticationRequired, ConflictError, InvalidInput, NotFoundError, PermissionDenied
from ..core.uow import unit_of_work
from ..datasets.service import dataset_service
from ..plans.completeness import answer_values, completeness, visible_keys
from ..plans.facts import plan_dataset_facts
from ..plans.models import PlanTemplate, TemplateVersion
from ..core.schemas import MAX_PAGE
from ..plans.schemas import PlanIn, PlanNewDatasetIn
from ..plans.service import plan_service
from . import plan_questions as pq
from .forms import flatten_errors, load
from .i18n import current_language, message, text

bp = Blueprint("plan_pages", __name__, url_prefix="/plans")

PLAN_STATUSES = ("draft", "submitted", "returned", "approved")
PER_PAGE = 25


def signed_in():
    identity = current_identity()
    if not identity.is_authenticated:
        raise AuthenticationRequired()
    return identity


def load_plan(identity, plan_id):
    return plan_service.read(identity, plan_id)


def can(identity, action: str, plan=None) -> bool:
    return plan_service.policy.can(identity, action, plan)


def plan_rights(identity, plan) -> dict:
    return {action: can(identity, action, plan)
            for action in ("update", "comment", "review", "submit", "manage", "delete", "history")}


# ---- list and "new plan" -----------------------------------------------------------------------
def list_filters() -> dict:
    raw = {k: request.args.get(k, "").strip() for k in ("status", "project_id", "q")}
    return {k: v for k, v in raw.items() if v}


@bp.get("/")
def index():
    identity = signed_in()
    raw = list_filters()
    page_number = request.args.get("page", 1, type=int) or 1
    args = {"page": min(max(1, page_number), MAX_PAGE), "per_page": PER_PAGE}  # a huge offset overflows the database
    if raw.get("status") in PLAN_STATUSES:
        args["status"] = raw["status"]
    if raw.get("project_id"):
        args["project_id"] = _uuid_or_none(raw["project_id"])
    page = plan_service.search(identity, {k: v for k, v in args.items() if v is not None})
    pages = max(1, -(-page.total // page.per_page))
    return render_template("plans/list.html", page=page, pages=pages, raw=raw, statuses=PLAN_STATUSES,
                           new_form=new_plan_state(identity), can_create=can(identity, "create"))


def _uuid_or_none(value):
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def template_choices() -> list[tuple[str, str]]:
    """Published template versions: (version id, "Title (version n)"), the newest of each first."""
    rows = db.session.execute(select(TemplateVersion, PlanTemplate).join(PlanTemplate)
                              .where(TemplateVersion.status == "published")
                              .order_by(PlanTemplate.title_sort, TemplateVersion.number.desc())).all()
    return [(str(v.id), _("%(title)s (version %(n)s)", title=text(t.title), n=v.number)) for v, t in rows]


def new_plan_state(identity, values=None, errors=None, status=None):
    values = values if values is not None else MultiDict({"language": "nb"})
    if request.args.get("project_id") and "project_id" not in values:
        values["project_id"] = request.args["project_id"]
    return {"values": values, "errors": flatten_errors(errors or {}), "templates": template_choices(), "status": status}


@bp.post("/new", endpoint="create")
def create_plan():
    identity = signed_in()
    form = request.form
    data = {"title": form.get("title", "").strip(), "language": form.get("language", "nb"),
            "project_id": form.get("project_id") or None, "template_version_id": form.get("template_version_id") or None}
    try:
        with unit_of_work():
            plan = plan_service.create(identity, load_plan_input(data))
    except InvalidInput as exc:
        page = plan_service.search(identity, {"page": 1, "per_page": PER_PAGE})
        return render_template("plans/list.html", page=page, pages=1, raw={}, statuses=PLAN_STATUSES,
                               new_form=new_plan_state(identity, form.copy(), exc.errors), can_create=True,
                               new_open=True), 422
    flash(_("The plan was created. Answer the questions section by section; every answer is saved."), "success")
    return redirect(url_for(".edit", plan_id=plan.id), 303)


def load_plan_input(data: dict) -> dict:
    """The plan input through plans-core's PlanIn schema (422 per field, like the API)."""
    return load(PlanIn(), {k: v for k, v in data.items() if v not in (None, "")})


# ---- the plan page ---------------------------------------------------------------------------
@bp.get("/<uuid:plan_id>", endpoint="view")
def view_plan(plan_id):
    identity = signed_in()
    plan = load_plan(identity, plan_id)
    return render_template("plans/view.html", plan=plan, rights=plan_rights(identity, plan), **plan_context(plan))


def plan_context(plan) -> dict:
    """What the plan page, the editor and the review page share."""
    version = plan.template_version
    values = answer_values(plan)
    return {"sections": pq.sections_of(version), "values": values, "progress": progress_of(plan),
            "shown": visible_keys(version.content, values),
            "index": pq.question_index(version), "datasets": dataset_rows(plan), "pq": pq,
            "newer_version": newer_version(plan), "export_links": export_links(plan),
            "comments": comments_by_question(plan), "general": GENERAL}


GENERAL = "_general"  # the review form's name for a comment on the whole plan


def comments_by_question(plan) -> dict:
    """Reviewer comments by question key (GENERAL for the whole plan), oldest first."""
    out: dict = {}
    for comment in plan.comments:
        out.setdefault(comment.question_key or GENERAL, []).append(comment)
    return out


def progress_of(plan) -> dict:
    """plans-core's completeness: {"required", "answered", "sections": [{"key", "required", "answered"}]}."""
    result = completeness(plan)
    sections = {s.get("key"): {"total": s.get("questions", 0), "answered": s.get("answered", 0),
                               "required": s.get("required", 0), "required_answered": s.get("required_answered", 0)}
                for s in result.get("sections") or []}
    return {"required": result.get("required", 0), "answered": result.get("answered", 0), "sections": sections}


def progress_text(required: int, answered: int) -> str:
    return _("%(answered)s of %(required)s required questions answered", answered=answered, required=required)


def dataset_rows(plan) -> list[dict]:
    """The registry's facts of the plan's datasets (plans-core's facts.py: a dataset the reader may not
    see is only a row saying so), in the page language."""
    return plan_dataset_facts(current_identity(), plan, current_language())


def newer_version(plan):
    current = plan.template_version
    newer = [v for v in current.template.versions if v.status == "published" and v.number > current.number]
    return max(newer, key=lambda v: v.number) if newer else None


def export_links(plan) -> list[tuple[str, str]]:
    """(label, URL) of the plan's documents (plans-core's and madmp's API), for the formats served."""
    adapter = current_app.url_map.bind("localhost")
    candidates = ((_("PDF for the funder"), f"/api/v1/plans/{plan.id}.pdf"),
                  (_("Printable web page"), f"/api/v1/plans/{plan.id}.html"),
                  (_("maDMP JSON (RDA DMP Common Standard 1.2)"), f"/api/v1/plans/{plan.id}/madmp"))
    links = []
    for label, path in candidates:
        try:
            adapter.match(path, method="GET")
        except Exception:  # noqa: BLE001 - NotFound / MethodNotAllowed: not served (yet)
            continue
        links.append((label, path))
    return links


# ---- the editor ------------------------------------------------------------------------------
@bp.get("/<uuid:plan_id>/edit", endpoint="edit")
def edit_first(plan_id):
    identity = signed_in()
    plan = load_plan(identity, plan_id)
    sections = pq.sections_of(plan.template_version)
    if not sections:
        abort(404)
    return redirect(url_for(".edit_section", plan_id=plan_id, section_key=sections[0]["key"]))


def find_section(plan, section_key: str):
    sections = pq.sections_of(plan.template_version)
    for number, section in enumerate(sections):
        if section.get("key") == section_key:
            return section, number, sections
    raise NotFoundError()


def require_edit(identity, plan):
    plan_service.policy.require(identity, "update", plan)


@bp.route("/<uuid:plan_id>/edit/<section_key>", methods=["GET", "POST"], endpoint="edit_section")
def edit_section(plan_id, section_key):
    identity = signed_in()
    plan = load_plan(identity, plan_id)
    require_edit(identity, plan)
    section, number, sections = find_section(plan, section_key)
    if plan.status == "submitted":
        flash(_("The plan is submitted for review; it can be edited again after the reviewer's decision."), "error")
        return redirect(url_for(".view", plan_id=plan_id), 303)
    if request.method == "GET":
        return render_editor(identity, plan, section, number, sections, initial_states(plan, section))
    states, saved = save_section(identity, plan_id, section, request.form)
    if any(s.errors or s.theirs is not None for s in states):
        plan = load_plan(identity, plan_id)
        status = 422 if any(s.errors for s in states) else 409
        return render_editor(identity, plan, section, number, sections, states, status=status, saved=saved)
    flash(_("Your answers were saved.") if saved else _("Nothing was changed."), "success")
    return redirect(next_place(plan_id, number, sections), 303)


def next_place(plan_id, number: int, sections) -> str:
    action = request.form.get("action", "next")
    if action == "next" and number + 1 < len(sections):
        return url_for(".edit_section", plan_id=plan_id, section_key=sections[number + 1]["key"])
    if action == "back" and number > 0:
        return url_for(".edit_section", plan_id=plan_id, section_key=sections[number - 1]["key"])
    if action == "stay":
        return url_for(".edit_section", plan_id=plan_id, section_key=sections[number]["key"])
    return url_for(".view", plan_id=plan_id)


def initial_states(plan, section) -> list[pq.QuestionState]:
    answers = {a.question_key: a for a in plan.answers}
    return [pq.state_for(q, answers.get(q["key"])) for q in section.get("questions") or []]


def render_editor(identity, plan, section, number, sections, states, status=200, saved=0, dataset_errors=None):
    return render_template("plans/edit.html", plan=plan, section=section, number=number, all_sections=sections,
                           states=states, rights=plan_rights(identity, plan), saved_count=saved,
                           project_datasets=project_datasets(identity, plan),
                           dataset_form=request.form if request.form.get("form") == "dataset" else MultiDict(),
                           dataset_errors=dataset_errors or {}, **plan_context(plan)), status


def save_section(identity, plan_id, section, form: MultiDict):
    """The no-JS path: save each changed answer of the section on its own, like the editor's autosave.
    A failed answer keeps the user's input with its message (422) or the other person's value (409)."""
    states, saved = [], 0
    for question in section.get("questions") or []:
        if question.get("type") == "datasets":
            plan = load_plan(identity, plan_id)
            states.append(pq.state_for(question, next((a for a in plan.answers if a.question_key == question["key"]),
                                                      None)))
            continue
        state = submitted_state(question, form)
        choice = form.get(f"resolve.{question['key']}")
        if choice == "theirs":
            state = current_state(identity, plan_id, question)
        elif state.values != json.loads(state.base or "[]") or choice == "mine":
            saved += save_one(identity, plan_id, state)
        states.append(state)
    return states, saved


def submitted_state(question, form: MultiDict) -> pq.QuestionState:
    name = pq.form_name(question["key"])
    values = [v for v in form.getlist(name) if v.strip()]  # "" = not answered, as on the rendered page
    return pq.QuestionState(question, values, form.get(f"version.{question['key']}", ""),
                            form.get(f"base.{question['key']}", "[]"))


def current_state(identity, plan_id, question) -> pq.QuestionState:
    plan = load_plan(identity, plan_id)
    answer = next((a for a in plan.answers if a.question_key == question["key"]), None)
    return pq.state_for(question, answer)


def save_one(identity, plan_id, state: pq.QuestionState) -> int:
    """Save one answer; on a problem fill the state's errors / theirs and return 0."""
    value = pq.parse_answer(state.question, state.values)
    version = int(state.version) if re.fullmatch(r"[0-9]{1,10}", state.version) else None  # not str.isdigit: "²"
    try:
        with unit_of_work():
            answer = plan_service.save_answer(identity, plan_id, state.key, value, version)
    except InvalidInput as exc:
        state.errors = pq.error_messages(exc.errors) or [exc.message]
        return 0
    except ConflictError:
        return conflict(identity, plan_id, state)
    state.version = str(answer.version) if getattr(answer, "version", None) is not None else ""
    state.base = json.dumps(state.values)
    return 1


def conflict(identity, plan_id, state: pq.QuestionState) -> int:
    """Keep the user's values and put the saved answer beside them, with its version to save over."""
    theirs = current_state(identity, plan_id, state.question)
    if theirs.values == state.values:  # both wrote the same: nothing to choose
        state.version, state.base = theirs.version, json.dumps(theirs.values)
        return 1
    state.theirs, state.version = theirs.values, theirs.version
    state.theirs_text = pq.answer_text(state.question, pq.parse_answer(state.question, theirs.values))
    state.base = json.dumps(theirs.values)
    return 0


@bp.post("/<uuid:plan_id>/answers/<question_key>", endpoint="save_answer")
def save_answer(plan_id, question_key):
    """The editor's autosave: one answer, JSON back (200 saved, 422 message, 409 the other version)."""
    identity = current_identity()
    if not identity.is_authenticated:
        return jsonify(status_text=_("Not saved: you are signed out. Sign in again in another tab.")), 401
    try:
        plan = load_plan(identity, plan_id)
        require_edit(identity, plan)
    except NotFoundError:
        return jsonify(status_text=_("Not saved: the plan was not found.")), 404
    except PermissionDenied:
        return jsonify(status_text=_("Not saved: you may not edit this plan.")), 403
    if plan.status == "submitted":
        return jsonify(status_text=_("Not saved: the plan is submitted for review. Copy your text and wait for the "
                                     "reviewer's decision.")), 423
    question = pq.question_index(plan.template_version).get(question_key)
    if question is None:
        return jsonify(status_text=_("Not saved: the question was not found.")), 404
    state = pq.QuestionState(question, request.form.getlist("value"), request.form.get("version", ""))
    saved = save_one(identity, plan_id, state)
    if state.errors:
        problem = " ".join(message(m) for m in state.errors)
        return jsonify(message=problem, status_text=_("Not saved: %(problem)s", problem=problem)), 422
    if state.theirs is not None:
        return jsonify(version=int(state.version) if state.version else None, theirs_form=state.theirs,
                       theirs_text=state.theirs_text or _("(empty)"),
                       status_text=_("Not saved: someone else changed this answer. Choose which text to keep.")), 409
    progress = progress_of(load_plan(identity, plan_id))
    sections = {key: _("%(answered)s of %(total)s answered", answered=p["answered"], total=p["total"])
                for key, p in progress["sections"].items()}
    return jsonify(version=int(state.version) if state.version else None, saved=bool(saved),
                   message=_("Saved"), progress={"required": progress["required"], "answered": progress["answered"],
                                                 "text": progress_text(progress["required"], progress["answered"]),
                                                 "sections": sections})


# ---- the plan's datasets ---------------------------------------------------------------------
def project_datasets(identity, plan) -> list:
    """The project's registry datasets the user may read and the plan does not link yet."""
    linked = {link.dataset_id for link in plan.dataset_links}
    page = dataset_service.search(identity, {"project_id": plan.project_id, "per_page": 100, "page": 1})
    return [d for d in page.items if d.id not in linked]


def back_to_datasets(plan_id):
    section = request.form.get("section") or ""
    if section:
        return redirect(url_for(".edit_section", plan_id=plan_id, section_key=section, _anchor="plan-datasets"), 303)
    return redirect(url_for(".view", plan_id=plan_id, _anchor="plan-datasets"), 303)


@bp.post("/<uuid:plan_id>/datasets/link", endpoint="link_dataset")
def link_dataset(plan_id):
    identity = signed_in()
    dataset_id = _uuid_or_none(request.form.get("dataset_id"))
    if dataset_id is None:
        flash(_("Choose a dataset to link."), "error")
        return back_to_datasets(plan_id)
    try:
        with unit_of_work():
            plan_service.add_dataset(identity, plan_id, dataset_id)
    except (InvalidInput, ConflictError) as exc:  # unknown or already linked: say so on the page the user was on
        flash(_("Not added: %(problem)s", problem=" ".join(pq.error_messages(exc.errors)) or exc.message), "error")
        return back_to_datasets(plan_id)
    flash(_("The dataset was linked to the plan."), "success")
    return back_to_datasets(plan_id)


DATASET_FORM_KEYS = ("title.nb", "title.en", "dataset_type", "classification", "contains_personal_data")


@bp.post("/<uuid:plan_id>/datasets/new", endpoint="register_dataset")
def register_dataset(plan_id):
    """The short form: a new registry dataset (through the dataset service, via plans-core) linked here."""
    identity = signed_in()
    form = request.form
    payload = {"title": {lang: form.get(f"title.{lang}", "").strip() for lang in ("nb", "en")
                         if form.get(f"title.{lang}", "").strip()},
               "dataset_type": form.get("dataset_type") or None, "classification": form.get("classification") or None,
               "contains_personal_data": form.get("contains_personal_data") == "1"}
    payload = {k: v for k, v in payload.items() if v is not None}
    try:
        with unit_of_work():
            plan_service.create_dataset(identity, plan_id, load(PlanNewDatasetIn(), payload))
    except PermissionDenied:
        load_plan(identity, plan_id)  # 404 first for a plan the user may not see
        flash(_("You may not register datasets for the unit of this plan's project. Ask a curator."), "error")
        return back_to_datasets(plan_id)
    except InvalidInput as exc:
        plan = load_plan(identity, plan_id)
        section_key = form.get("section") or ""
        errors = flatten_errors(exc.errors or {})
        if section_key:
            section, number, sections = find_section(plan, section_key)
            return render_editor(identity, plan, section, number, sections, initial_states(plan, section), status=422,
                                 dataset_errors=errors)
        return render_template("plans/view.html", plan=plan, rights=plan_rights(identity, plan), dataset_form=form,
                               dataset_errors=errors, project_datasets=project_datasets(identity, plan),
                               **plan_context(plan)), 422
    flash(_("The dataset was registered in the registry and linked to the plan."), "success")
    return back_to_datasets(plan_id)


# ---- contributors ----------------------------------------------------------------------------
CONTRIBUTOR_ROLES = ("owner", "co_author", "reviewer")


@bp.post("/<uuid:plan_id>/contributors", endpoint="add_contributor")
def add_contributor(plan_id):
    identity = signed_in()
    person_id, role = _uuid_or_none(request.form.get("person_id")), request.form.get("role")
    if person_id is None or role not in CONTRIBUTOR_ROLES:
        flash(_("Choose a person and a role."), "error")
        return redirect(url_for(".view", plan_id=plan_id, _anchor="contributors"), 303)
    try:
        with unit_of_work():
            plan_service.add_contributor(identity, plan_id, person_id, role)
    except (InvalidInput, ConflictError) as exc:
        flash(_("Not added: %(problem)s", problem=" ".join(pq.error_messages(exc.errors)) or exc.message), "error")
        return redirect(url_for(".view", plan_id=plan_id, _anchor="contributors"), 303)
    flash(_("The person was added to the plan."), "success")
    return redirect(url_for(".view", plan_id=plan_id, _anchor="contributors"), 303)


@bp.post("/<uuid:plan_id>/contributors/<uuid:contributor_id>/remove", endpoint="remove_contributor")
def remove_contributor(plan_id, contributor_id):
    identity = signed_in()
    try:
        with unit_of_work():
            plan_service.remove_contributor(identity, plan_id, contributor_id)
    except ConflictError as exc:
        flash(_("Not removed: %(problem)s", problem=exc.message), "error")
        return redirect(url_for(".view", plan_id=plan_id, _anchor="contributors"), 303)
    flash(_("The person was removed from the plan."), "success")
    return redirect(url_for(".view", plan_id=plan_id, _anchor="contributors"), 303)


from . import plan_admin, plan_madmp, plan_review  # noqa: E402,F401 - their views join this blueprint
