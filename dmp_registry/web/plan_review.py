"""Review pages of a plan: submit (owner, co-authors), the reviewer's page with comments per question
and approve / return, the list of submitted snapshots with a diff between two, and the guided
migration to a newer template version. Views join the `plan_pages` blueprint."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..core.errors import ConflictError, InvalidInput, NotFoundError
from ..core.uow import unit_of_work
from ..plans import review as review_api
from ..plans.service import plan_service
from . import plan_questions as pq
from .forms import flatten_errors
from .i18n import text
from .plans import GENERAL, bp, load_plan, plan_context, plan_rights, signed_in


def form_version():
    return request.form.get("version", type=int)


# ---- submit ---------------------------------------------------------------------------------
@bp.post("/<uuid:plan_id>/submit", endpoint="submit")
def submit(plan_id):
    identity = signed_in()
    try:
        with unit_of_work():
            review_api.submit(identity, plan_id, form_version())
    except InvalidInput as exc:
        missing = list(((exc.errors or {}).get("answers") or {}).keys())
        if missing:
            index = pq.question_index(load_plan(identity, plan_id).template_version)
            names = ", ".join(f"“{text(index[k].get('text'))}”" for k in missing if k in index)
            flash(_("The plan was not submitted: answer every required question first (%(questions)s).",
                    questions=names), "error")
        else:
            for message in pq.error_messages(exc.errors) or [exc.message]:
                flash(_("The plan was not submitted: %(problem)s", problem=message), "error")
        return redirect(url_for(".view", plan_id=plan_id), 303)
    except ConflictError as exc:
        flash(_("The plan was not submitted: %(problem)s", problem=exc.message), "error")
        return redirect(url_for(".view", plan_id=plan_id), 303)
    flash(_("The plan was submitted for review. The reviewers have been told."), "success")
    return redirect(url_for(".view", plan_id=plan_id), 303)


# ---- the reviewer's page ---------------------------------------------------------------------
@bp.route("/<uuid:plan_id>/review", methods=["GET", "POST"], endpoint="review")
def review(plan_id):
    identity = signed_in()
    plan = load_plan(identity, plan_id)
    rights = plan_rights(identity, plan)
    if not (rights["comment"] or rights["update"]):
        plan_service.policy.require(identity, "comment", plan)
    if request.method == "GET":
        return render_review(plan, rights)
    plan_service.policy.require(identity, "comment", plan)
    comments = submitted_comments(plan)
    action = request.form.get("action", "comment")
    try:
        with unit_of_work():
            run_review_action(identity, plan, action, comments)
    except (InvalidInput, ConflictError) as exc:
        errors = flatten_errors(exc.errors or {}) if isinstance(exc, InvalidInput) else {}
        problem = [m for ms in errors.values() for m in ms] or [exc.message]
        plan = load_plan(identity, plan_id)
        return render_review(plan, plan_rights(identity, plan), problems=problem,
                             status=409 if isinstance(exc, ConflictError) else 422)
    flash({"approve": _("The plan was approved."), "return": _("The plan was returned with your comments."),
           }.get(action, _("Your comments were saved.")), "success")
    return redirect(url_for(".review", plan_id=plan_id) if action == "comment" else url_for(".view", plan_id=plan_id), 303)


def submitted_comments(plan) -> list[dict]:
    """[{question_key, text}] for every comment box the reviewer filled in (None key = general)."""
    keys = [GENERAL, *(q["key"] for q in pq.questions_of(plan.template_version))]
    out = []
    for key in keys:
        body = request.form.get(f"comment.{key}", "").strip()
        if body:
            out.append({"question_key": None if key == GENERAL else key, "text": body})
    return out


def run_review_action(identity, plan, action: str, comments: list[dict]) -> None:
    api, version = review_api, form_version()
    if action == "return":
        api.return_plan(identity, plan.id, comments, version)
        return
    for comment in comments:
        api.comment(identity, plan.id, comment["question_key"], comment["text"])
    if action == "approve":
        api.approve(identity, plan.id, version)


def render_review(plan, rights, problems=(), status=200):
    return render_template("plans/review.html", plan=plan, rights=rights, problems=problems, form=request.form,
                           **plan_context(plan)), status


@bp.post("/<uuid:plan_id>/comments/<uuid:comment_id>/resolve", endpoint="resolve_comment")
def resolve_comment(plan_id, comment_id):
    """Authors mark a reviewer's comment as dealt with (or open it again)."""
    identity = signed_in()
    resolved = request.form.get("resolved") == "1"
    try:
        with unit_of_work():
            review_api.set_resolved(identity, plan_id, comment_id, resolved, form_version())
    except (InvalidInput, ConflictError):
        flash(_("The comment was changed meanwhile; look at it again."), "error")
    return redirect(url_for(".view", plan_id=plan_id, _anchor=f"comment-{comment_id}"), 303)


# ---- snapshots and diff ----------------------------------------------------------------------
@bp.get("/<uuid:plan_id>/snapshots", endpoint="snapshots")
def snapshots(plan_id):
    identity = signed_in()
    plan = load_plan(identity, plan_id)
    numbers = [s.number for s in plan.snapshots]
    diff, picked = None, {}
    old, new = request.args.get("from", type=int), request.args.get("to", type=int)
    if old and new:
        if old not in numbers or new not in numbers:
            raise NotFoundError()
        diff, picked = snapshot_diff(identity, plan, old, new), {"from": old, "to": new}
    elif len(numbers) >= 2:
        picked = {"from": numbers[-2], "to": numbers[-1]}
    return render_template("plans/snapshots.html", plan=plan, diff=diff, picked=picked, index=pq.question_index(
        plan.template_version))


def snapshot_diff(identity, plan, old: int, new: int) -> dict:
    """plans-core's diff: {"questions": [{key, section, text, change, old, new}], "datasets": {added, removed},
    "fields": {name: [old, new]}}."""
    return review_api.diff(identity, plan.id, old, new)


# ---- guided migration to a newer template version ---------------------------------------------
@bp.route("/<uuid:plan_id>/migrate", methods=["GET", "POST"], endpoint="migrate")
def migrate(plan_id):
    identity = signed_in()
    plan = load_plan(identity, plan_id)
    plan_service.policy.require(identity, "update", plan)
    target = plan_context(plan)["newer_version"]
    if target is None:
        flash(_("The plan already follows the newest published version of its template."), "success")
        return redirect(url_for(".view", plan_id=plan_id), 303)
    if request.method == "GET":
        preview = plan_service.preview_migration(identity, plan_id, target.id)
        return render_template("plans/migrate.html", plan=plan, target=target, preview=preview)
    try:
        with unit_of_work():
            plan_service.migrate(identity, plan_id, target.id, form_version())
    except ConflictError:
        flash(_("The plan was changed while you were looking at the changes. Check them again."), "error")
        return redirect(url_for(".migrate", plan_id=plan_id), 303)
    flash(_("The plan now follows version %(n)s of its template. Check the new questions.", n=target.number), "success")
    return redirect(url_for(".edit", plan_id=plan_id), 303)
