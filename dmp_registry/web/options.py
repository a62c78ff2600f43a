"""Choices for select lists and checkbox groups, labelled in the page language."""
from __future__ import annotations

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.db import db
from ..core.identity import ROLES
from ..organisation.models import Person, Project, Unit
from ..vocabularies.service import concept_cache
from .i18n import current_language, text

ROLE_LABELS = {"researcher": _l("Researcher"), "curator": _l("Curator"),
               "programme_lead": _l("Programme lead"), "admin": _l("Administrator")}


def concept_options(scheme: str, keep: list[str] | tuple = ()) -> list[tuple[str, str]]:
    """Concepts of `scheme` sorted by label; deprecated ones only when already chosen (`keep`)."""
    lang = current_language()
    items = [(c.uri, c.label(lang)) for c in concept_cache.in_scheme(scheme) if not c.deprecated or c.uri in keep]
    return sorted(items, key=lambda item: item[1].casefold())


def _cached(key: str, load):
    cache = g.setdefault("_dmp_options", {})
    if key not in cache:
        cache[key] = load()
    return cache[key]


def units() -> list[Unit]:
    return _cached("units", lambda: list(db.session.scalars(select(Unit).order_by(Unit.code))))


def unit_names() -> dict:
    return {u.id: text(u.name) for u in units()}


def reference_options(kind: str) -> list[tuple[str, str]]:
    if kind == "unit":
        return [(str(u.id), f"{text(u.name)} ({u.code})") for u in units()]
    if kind == "person":
        people = _cached("people", lambda: list(db.session.scalars(select(Person).order_by(Person.name))))
        return [(str(p.id), p.name) for p in people]
    if kind == "project":
        projects = _cached("projects", lambda: list(db.session.scalars(select(Project).order_by(Project.title_sort))))
        return [(str(p.id), text(p.title)) for p in projects]
    raise ValueError(kind)


def options_for(field, values=None) -> list[tuple[str, str]]:
    if field.kind in ("concept", "concepts"):
        keep = values.getlist(field.name) if values is not None else ()
        return concept_options(field.scheme, keep)
    if field.kind in ("ref", "refs"):
        return reference_options(field.ref)
    if field.kind == "roles":
        return [(role, str(ROLE_LABELS[role])) for role in ROLES]
    return []
