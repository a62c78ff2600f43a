"""E-mail notifications about plans (submitted, approved, returned, commented).

Messages are built inside the transaction (in each recipient's language, with flask_babel's
force_locale) but sent only after it commits, so a rolled-back review sends nothing. The SMTP server
comes from DMP_SMTP_HOST/PORT/STARTTLS/USER/PASSWORD and the sender from DMP_MAIL_FROM; without a host
the messages are only logged. A failing server is logged and never fails the request.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import event

from ..core.db import AppSession, db

log = logging.getLogger(__name__)
PENDING = "dmp_plans_mail"


def recipient_language(person, plan) -> str:
    """nb or en: the recipient's own choice when the registry knows it, else the plan's language."""
    for user in _users_of(person) if person.id is not None else ():
        language = getattr(user, "language", None)
        if language in ("nb", "nn", "en"):
            return "en" if language == "en" else "nb"
    return "en" if plan.language == "en" else "nb"


def _users_of(person):
    from sqlalchemy import select

    from ..auth.models import User

    return db.session.scalars(select(User).where(User.person_id == person.id)).all()


def curators() -> list:
    """People of the active curator accounts: they review plans that name no reviewer."""
    from types import SimpleNamespace

    from sqlalchemy import select

    from ..auth.models import User

    people = []
    for user in db.session.scalars(select(User).where(User.active.is_(True))):
        if "curator" not in (user.roles or []):
            continue
        if user.person is not None:
            people.append(user.person)
        elif user.email:
            people.append(SimpleNamespace(id=None, name=user.display_name, email=user.email))
    return people


def recipients(plan, actor_person_id=None, extra=()) -> list:
    """Everyone involved in the plan (owner, co-authors, reviewers, `extra`) except the person acting, with an e-mail."""
    people, seen = [], set()
    for person in [c.person for c in plan.contributors] + list(extra):
        if (person.id is not None and person.id == actor_person_id) or not person.email or person.email in seen:
            continue
        seen.add(person.email)
        people.append(person)
    return people


def one_line(value: str) -> str:
    """A header value: titles and names may hold line breaks, which e-mail headers refuse (and must never split)."""
    return " ".join(value.split())


def notify(event_name: str, plan, identity, comments: list | None = None, message: str | None = None) -> int:
    """Queue one message per recipient; returns how many. A plan submitted without a reviewer goes to the curators."""
    from .service import plan_uri

    config = {key: current_app.config.get(key) for key in (
        "DMP_SMTP_HOST", "DMP_SMTP_PORT", "DMP_SMTP_STARTTLS", "DMP_SMTP_USER", "DMP_SMTP_PASSWORD", "DMP_MAIL_FROM")}
    url = plan_uri(plan.id)
    queued = []
    no_reviewer = not any(c.role == "reviewer" for c in plan.contributors)
    extra = curators() if event_name == "submitted" and no_reviewer else ()
    for person in recipients(plan, identity.person_id, extra):
        language = recipient_language(person, plan)
        with force_locale(language):
            subject, body = compose(event_name, plan, identity.name, url, comments or [], message, language)
        mail = EmailMessage()
        mail["From"] = config["DMP_MAIL_FROM"]
        mail["To"] = one_line(f"{person.name} <{person.email}>")
        mail["Subject"] = one_line(subject)
        mail.set_content(body)
        mail["Content-Language"] = language  # after set_content, which replaces the Content-* headers
        queued.append(mail)
    db.session.info.setdefault(PENDING, []).extend((config, mail) for mail in queued)
    return len(queued)


def compose(event_name: str, plan, actor: str, url: str, comments: list, message: str | None, language: str):
    """Subject and plain-text body in the current (forced) locale."""
    from .completeness import questions_by_key
    from ..vocabularies.models import pick_label

    subjects = {
        "submitted": _("Data management plan submitted for review: %(title)s", title=plan.title),
        "approved": _("Data management plan approved: %(title)s", title=plan.title),
        "returned": _("Data management plan returned with comments: %(title)s", title=plan.title),
        "commented": _("New comment on the data management plan: %(title)s", title=plan.title),
    }
    intros = {
        "submitted": _("%(name)s submitted the plan for review.", name=actor),
        "approved": _("%(name)s approved the plan.", name=actor),
        "returned": _("%(name)s returned the plan with comments. Please revise it and submit it again.", name=actor),
        "commented": _("%(name)s commented on the plan.", name=actor),
    }
    questions = questions_by_key(plan.template_version.content)
    lines = [_("Plan: %(title)s", title=plan.title), "", intros[event_name], ""]
    if message:
        lines += [message, ""]
    for comment in comments:
        key = comment.get("question_key")
        label = pick_label((questions.get(key) or {}).get("text") or {}, language) if key else None
        lines.append(f"- {label or _('General comment')}: {comment['text']}")
    if comments:
        lines.append("")
    lines += [_("Open the plan: %(url)s", url=url), "", _("This message was sent by the data management plan registry.")]
    return subjects[event_name], "\n".join(lines)


def deliver(config: dict, messages: list[EmailMessage]) -> None:
    if not messages:
        return
    if not config.get("DMP_SMTP_HOST"):
        for mail in messages:
            log.info("e-mail (no SMTP host configured) to %s: %s", mail["To"], mail["Subject"])
        return
    try:
        with smtplib.SMTP(config["DMP_SMTP_HOST"], int(config.get("DMP_SMTP_PORT") or 25), timeout=30) as smtp:
            if config.get("DMP_SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("DMP_SMTP_USER"):
                smtp.login(config["DMP_SMTP_USER"], config.get("DMP_SMTP_PASSWORD") or "")
            for mail in messages:
                smtp.send_message(mail)
    except (OSError, smtplib.SMTPException):
        log.exception("sending %d plan notification(s) failed", len(messages))


@event.listens_for(AppSession, "after_commit")
def _send_after_commit(session):
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    by_server: dict = {}
    for config, mail in pending:
        by_server.setdefault(tuple(sorted(config.items())), (config, []))[1].append(mail)
    for config, messages in by_server.values():
        deliver(config, messages)


@event.listens_for(AppSession, "after_rollback")
def _drop_after_rollback(session):
    session.info.pop(PENDING, None)
