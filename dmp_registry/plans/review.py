"""Review workflow: draft/returned → submitted → approved, or → returned with comments per question.

Each submission freezes the plan in an immutable PlanSnapshot (numbered 1, 2, …); the snapshot's
status records the review's outcome. Every step notifies the people involved by e-mail (mail.py).
"""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from ..core.db import db, utcnow
from ..core.errors import ConflictError, InvalidInput, NotFoundError
from ..core.history import record_change
from ..core.identity import Identity
from ..core.service import check_version
from . import mail
from .completeness import completeness, questions_by_key
from .models import PlanSnapshot, ReviewComment
from .service import plan_service
from .snapshots import content_for_reader, diff_contents, render_content

MAX_SNAPSHOT_NUMBER = 2**31 - 1


def _load(identity, plan_id, action: str, expected_version: int | None):
    plan = plan_service.read(identity, plan_id)
    plan_service.policy.require(identity, action, plan)
    if expected_version is not None:
        check_version(plan, expected_version)
    return plan


def _set_status(identity, plan, status: str, **stamps) -> None:
    before = plan_service.snapshot(plan)
    plan.status = status
    for name, value in stamps.items():
        setattr(plan, name, value)
    plan.updated_at = utcnow()
    db.session.flush()
    record_change(identity, "plan", plan.id, "update", before, plan_service.snapshot(plan), plan.version)


def submit(identity: Identity, plan_id, expected_version: int | None = None, message: str | None = None) -> PlanSnapshot:
    """Send the plan to review. Every required question must be answered (422 lists the missing ones)."""
    plan = _load(identity, plan_id, "submit", expected_version)
    if plan.status not in ("draft", "returned"):
        raise ConflictError(f"Only a draft or returned plan can be submitted; this one is {plan.status}.")
    state = completeness(plan)
    if not state["complete"]:
        raise InvalidInput("Answer every required question before submitting.",
                           errors={"answers": {key: ["This question is required."] for key in state["missing"]}})
    number = max((s.number for s in plan.snapshots), default=0) + 1
    _set_status(identity, plan, "submitted", submitted_at=utcnow())
    snapshot = PlanSnapshot(plan=plan, number=number, status="submitted", created_by_id=identity.user_id,
                            content=render_content(plan, None))  # everything; readers get content_for_reader
    db.session.add(snapshot)
    db.session.flush()
    record_change(identity, "plan_snapshot", snapshot.id, "create", None,
                  {"plan_id": str(plan.id), "number": number}, snapshot.version)
    mail.notify("submitted", plan, identity, message=message)
    return snapshot


def approve(identity: Identity, plan_id, expected_version: int | None = None, message: str | None = None):
    plan = _decide(identity, plan_id, expected_version)
    _set_status(identity, plan, "approved", approved_at=utcnow())
    _close_snapshot(plan, "approved")
    mail.notify("approved", plan, identity, message=message)
    return plan


def return_plan(identity: Identity, plan_id, comments: list[dict] | None = None, expected_version: int | None = None,
                message: str | None = None):
    """Return the plan to its authors with comments (each {"question_key": key | None, "text": ...})."""
    plan = _decide(identity, plan_id, expected_version)
    comments = comments or []
    if not comments and not message:
        raise InvalidInput(errors={"comments": ["Say what must change: a comment or a message."]})
    created = [_add_comment(identity, plan, c.get("question_key"), c["text"]) for c in comments]
    _set_status(identity, plan, "returned", returned_at=utcnow())
    _close_snapshot(plan, "returned")
    mail.notify("returned", plan, identity, comments=[{"question_key": c.question_key, "text": c.text} for c in created],
                message=message)
    return plan


def comment(identity: Identity, plan_id, question_key: str | None, text: str) -> ReviewComment:
    plan = plan_service.read(identity, plan_id)
    plan_service.policy.require(identity, "comment", plan)
    created = _add_comment(identity, plan, question_key, text)
    mail.notify("commented", plan, identity, comments=[{"question_key": question_key, "text": created.text}])
    return created


def set_resolved(identity: Identity, plan_id, comment_id, resolved: bool, expected_version: int | None) -> ReviewComment:
    """Authors mark a comment as dealt with (reviewers may too)."""
    plan = plan_service.read(identity, plan_id)
    if not (plan_service.policy.can(identity, "update", plan) or plan_service.policy.can(identity, "comment", plan)):
        plan_service.policy.require(identity, "update", plan)
    found = next((c for c in plan.comments if c.id == comment_id), None)
    if found is None:
        raise NotFoundError(f"No comment {comment_id} on this plan")
    check_version(found, expected_version)
    if found.resolved != resolved:
        found.resolved = resolved
        db.session.flush()
        record_change(identity, "plan_review_comment", found.id, "update", {"resolved": not resolved},
                      {"resolved": resolved}, found.version)
    return found


def comments(identity: Identity, plan_id) -> list[ReviewComment]:
    return list(plan_service.read(identity, plan_id).comments)


def snapshots(identity: Identity, plan_id) -> list[PlanSnapshot]:
    return list(plan_service.read(identity, plan_id).snapshots)


def snapshot(identity: Identity, plan_id, number: int) -> SimpleNamespace:
    """A read-only view of the snapshot with the content as `identity` may see it (content_for_reader)."""
    found = _stored_snapshot(identity, plan_id, number)
    view = SimpleNamespace(**{name: getattr(found, name) for name in (
        "id", "plan_id", "number", "status", "created_by_id", "created_at", "updated_at", "version")})
    view.content = content_for_reader(identity, found.content)
    return view


def _stored_snapshot(identity: Identity, plan_id, number: int) -> PlanSnapshot:
    plan = plan_service.read(identity, plan_id)
    found = None
    if isinstance(number, int) and 1 <= number <= MAX_SNAPSHOT_NUMBER:  # a huge number from a URL overflows the column
        found = db.session.scalar(select(PlanSnapshot).where(PlanSnapshot.plan_id == plan.id, PlanSnapshot.number == number))
    if found is None:
        raise NotFoundError(f"The plan has no snapshot {number}")
    return found


def diff(identity: Identity, plan_id, old: int, new: int) -> dict:
    """What changed between two submissions, question by question."""
    first, second = snapshot(identity, plan_id, old), snapshot(identity, plan_id, new)
    return {"from": old, "to": new, **diff_contents(first.content, second.content)}


# ---- helpers ---------------------------------------------------------------------------------
def _decide(identity, plan_id, expected_version):
    plan = _load(identity, plan_id, "review", expected_version)
    if plan.status != "submitted":
        raise ConflictError(f"Only a submitted plan can be reviewed; this one is {plan.status}.")
    return plan


def _close_snapshot(plan, outcome: str) -> None:
    """The newest snapshot records the review's outcome; its content stays as submitted."""
    if plan.snapshots:
        plan.snapshots[-1].status = outcome
        db.session.flush()


def _comment_text(text) -> str:
    """The service checks what the API's schema checks: the pages call it with raw form text."""
    from marshmallow import ValidationError

    from .schemas import QuestionComment

    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(errors={"text": ["Write the comment."]})
    try:
        return QuestionComment().fields["text"].deserialize(text)
    except ValidationError as exc:
        raise InvalidInput(errors={"text": exc.messages}) from exc


def _add_comment(identity, plan, question_key, text) -> ReviewComment:
    if question_key is not None and question_key not in questions_by_key(plan.template_version.content):
        raise InvalidInput(errors={"question_key": [f"The plan's template has no question {question_key!r}."]})
    text = _comment_text(text)
    created = ReviewComment(plan=plan, question_key=question_key, text=text.strip(), author_id=identity.user_id,
                            author_name=identity.name, resolved=False,
                            snapshot_number=plan.snapshots[-1].number if plan.snapshots else None)
    db.session.add(created)
    db.session.flush()
    record_change(identity, "plan_review_comment", created.id, "create", None,
                  {"plan_id": str(plan.id), "question_key": question_key, "text": created.text}, created.version)
    return created
