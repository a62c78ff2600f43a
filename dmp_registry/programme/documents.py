"""Search types of programme (see search/registry.py): activities, findable by code, title, description,
measure, responsible person, units, results and risks; and saved status report versions, by the text of
their sections. The programme is internal: every signed-in user
reads it (ProgrammePolicy), so documents carry the `signedin` and `staff` reader tokens, never `public`."""
from __future__ import annotations

import uuid

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.db import db
from ..datasets.documents import _common, concept, identity_tokens, unit_ref
from ..organisation.models import Person, Unit
from ..search.registry import Related, SearchType
from .models import Activity, ActivityUnit, Measure, StatusReport
from .schemas import SECTIONS

READERS = ["staff", "signedin"]  # ProgrammePolicy.can_read: any signed-in user


def load_activities(ids: list) -> list[Activity]:
    ids = list(ids)
    if not ids:
        return []
    stmt = (select(Activity).where(Activity.id.in_(ids))
            .options(selectinload(Activity.units).selectinload(ActivityUnit.unit), selectinload(Activity.measure),
                     selectinload(Activity.responsible))
            .execution_options(populate_existing=True))
    return list(db.session.scalars(stmt))


def activity_document(act: Activity) -> dict:
    measure = act.measure
    return {
        **_common(act, "activity", act.title, READERS),
        "title_sort": act.code_sort, "description": dict(act.description or {}),
        "code": act.code, "status": concept(act.status),
        "measure": {"id": str(measure.id), "code": measure.code, "title": dict(measure.title or {})} if measure else None,
        "people": [act.responsible.name] if act.responsible else [],
        # the unit facet and hit lists show one unit: the one with most hours planned; `units` lists all
        "unit": unit_ref(max(act.units, key=lambda u: (u.planned_hours, u.unit.code)).unit) if act.units else None,
        "units": [u.unit.code for u in act.units],
        "results": act.results or "",
        "risks": [r.get("title", "") for r in act.risks or []],
        "example": act.example, "planned_hours": act.planned_hours,
        "period_start": act.period_start.isoformat() if act.period_start else None,
        "period_end": act.period_end.isoformat() if act.period_end else None,
    }


def load_reports(ids: list) -> list[StatusReport]:
    ids = list(ids)
    return list(db.session.scalars(select(StatusReport).where(StatusReport.id.in_(ids)))) if ids else []


def report_document(report: StatusReport) -> dict:
    """A saved version: found by its measure/activity code and title and by the text of its sections."""
    figures = report.figures or {}
    title = {lang: f"{figures.get('code', '')} {text} – {word} {report.number}"
             for lang, text, word in (("nb", (figures.get("title") or {}).get("nb"), "statusrapport versjon"),
                                      ("en", (figures.get("title") or {}).get("en"), "status report version")) if text}
    return {
        **_common(report, "status_report", title, READERS),
        "title_sort": f"{figures.get('code', '')} {report.number:05d}", "code": figures.get("code"),
        "scope": report.scope, "number": report.number, "period_end": report.period_end.isoformat(),
        "sections": "\n\n".join(report.sections.get(key) or "" for key in SECTIONS).strip(),
        "people": [report.created_by],
    }


def _activities_where(condition) -> list:
    return [("activity", str(i)) for i in db.session.scalars(select(Activity.id).where(condition))]


def activities_of_measures(ids: list[str]):
    return _activities_where(Activity.measure_id.in_([uuid.UUID(i) for i in ids]))


def activities_of_people(ids: list[str]):
    return _activities_where(Activity.responsible_id.in_([uuid.UUID(i) for i in ids]))


def activities_of_units(ids: list[str]):
    units = select(ActivityUnit.activity_id).where(ActivityUnit.unit_id.in_([uuid.UUID(i) for i in ids]))
    return _activities_where(Activity.id.in_(units))


SEARCH_TYPES = [
    SearchType("activity", Activity, "activities-v3.json", load_activities, activity_document, identity_tokens,
               label={"nb": "Aktivitet", "en": "Activity"},
               page=lambda hit: url_for("programme_pages.activities_detail", record_id=hit["id"])),
    SearchType("status_report", StatusReport, "status-reports-v3.json", load_reports, report_document, identity_tokens,
               label={"nb": "Statusrapport", "en": "Status report"},
               page=lambda hit: url_for("programme_pages.report_view", report_id=hit["id"])),
]
# A measure's title, a person's name or a unit's name is repeated in activity documents.
RELATED = [
    Related(Measure, "activity_of_measure", "id", activities_of_measures),
    Related(Person, "activity_of_person", "id", activities_of_people),
    Related(Unit, "activity_of_unit", "id", activities_of_units),
]
