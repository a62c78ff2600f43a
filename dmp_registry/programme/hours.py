"""Time reporting: CSV import (all rows or none), planned versus used hours, and the warning list."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import func, select

from ..core.db import db
from ..core.errors import InvalidInput
from ..core.history import ChangeRecord
from ..organisation.models import Person, Unit
from .models import Activity, ActivityUnit, Goal, GoalSnapshot, TimeEntry
from .permissions import TimeEntryPolicy
from .schemas import TimeEntryIn
from .service import time_entry_service

CSV_COLUMNS = ("person", "activity", "week", "hours", "note")
MAX_ROWS = 10_000


# ---- CSV import ---------------------------------------------------------------------------------
def import_csv(identity, content: str) -> dict:
    """Rows `person` (e-mail), `activity` (code), `week` (2026-W47), `hours`, `note` (optional).
    Every row is checked first; with any error nothing is stored and the errors are returned per line."""
    TimeEntryPolicy().require(identity, "import")
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")), delimiter=_sniff(content))
    missing = [c for c in CSV_COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(errors={"file": [f"Missing columns: {', '.join(missing)} (expected {', '.join(CSV_COLUMNS)})."]})
    people = {email.casefold(): pid for pid, email in db.session.execute(select(Person.id, Person.email)) if email}
    activities: dict[str, list] = {}
    for aid, code in db.session.execute(select(Activity.id, Activity.code)):
        activities.setdefault(code.casefold(), []).append(aid)
    rows, errors, seen = [], [], {}
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            errors.append({"line": line, "messages": [f"At most {MAX_ROWS} rows per file."]})
            break
        messages, data = _check_row(raw, people, activities)
        if not messages:
            key = (data["person_id"], data["activity_id"], data["week"])
            if key in seen:
                messages.append(f"Same person, activity and week as line {seen[key]}.")
            seen.setdefault(key, line)
        if messages:
            errors.append({"line": line, "messages": messages})
        else:
            rows.append(data)
    if not errors:
        errors = _existing_clashes(rows)
    if errors:
        return {"imported": 0, "errors": errors}
    for data in rows:
        time_entry_service.create(identity, data)
    return {"imported": len(rows), "errors": []}


def _sniff(content: str) -> str:
    first = content.lstrip("\ufeff").splitlines()[0] if content.strip() else ""
    return ";" if first.count(";") > first.count(",") else ","


def _check_row(raw: dict, people: dict, activities: dict) -> tuple[list[str], dict]:
    messages = []
    email = (raw.get("person") or "").strip().casefold()
    code = (raw.get("activity") or "").strip().casefold()
    person_id = people.get(email)
    if person_id is None:
        messages.append(f"person: no person with e-mail {raw.get('person') or '(empty)'}")
    found = activities.get(code, [])
    if len(found) != 1:
        how_many = "no" if not found else "more than one"
        messages.append(f"activity: {how_many} activity with code {raw.get('activity') or '(empty)'}")
    payload = {"person_id": str(person_id) if person_id else "00000000-0000-0000-0000-000000000000",
               "activity_id": str(found[0]) if len(found) == 1 else "00000000-0000-0000-0000-000000000000",
               "week": (raw.get("week") or "").strip(), "hours": (raw.get("hours") or "").strip().replace(",", "."),
               "note": (raw.get("note") or "").strip() or None}
    try:
        payload["hours"] = float(payload["hours"])
    except ValueError:
        messages.append(f"hours: not a number: {raw.get('hours') or '(empty)'}")
        payload["hours"] = 1.0
    try:
        data = TimeEntryIn().load(payload)
    except ValidationError as exc:
        messages += [f"{field}: {' '.join(map(str, texts))}" for field, texts in exc.messages.items()]
        data = {}
    return messages, data


def _existing_clashes(rows: list[dict]) -> list[dict]:
    errors = []
    for line, data in enumerate(rows, start=2):
        clash = db.session.scalar(select(TimeEntry.id).where(
            TimeEntry.person_id == data["person_id"], TimeEntry.activity_id == data["activity_id"],
            TimeEntry.week == data["week"]))
        if clash:
            errors.append({"line": line, "messages": ["Hours are already reported for this person, activity and week."]})
    return errors


# ---- planned versus used ------------------------------------------------------------------------
@dataclass
class HoursRow:
    activity_id: object
    code: str
    title: dict
    unit_id: object | None
    unit_code: str | None
    planned: float
    used: float


def planned_vs_used(measure_id=None) -> list[HoursRow]:
    """One row per activity and unit (planned from the activity's units, used from reported hours by the
    reporter's unit), plus a row with unit None for hours planned or used without a unit."""
    acts = select(Activity.id, Activity.code, Activity.title, Activity.planned_hours).order_by(Activity.code_sort)
    if measure_id is not None:
        acts = acts.where(Activity.measure_id == measure_id)
    activities = db.session.execute(acts).all()
    ids = [a.id for a in activities]
    planned = {(r.activity_id, r.unit_id): r.planned_hours for r in db.session.execute(
        select(ActivityUnit.activity_id, ActivityUnit.unit_id, ActivityUnit.planned_hours)
        .where(ActivityUnit.activity_id.in_(ids)))} if ids else {}
    used = {(a, u): float(h) for a, u, h in db.session.execute(
        select(TimeEntry.activity_id, TimeEntry.unit_id, func.sum(TimeEntry.hours))
        .where(TimeEntry.activity_id.in_(ids)).group_by(TimeEntry.activity_id, TimeEntry.unit_id))} if ids else {}
    codes = dict(db.session.execute(select(Unit.id, Unit.code)).all())
    rows = []
    for act in activities:
        units = sorted({u for a, u in (*planned, *used) if a == act.id and u is not None}, key=lambda u: codes.get(u, ""))
        unit_planned = sum(planned.get((act.id, u), 0) for u in units)
        for unit in units:
            rows.append(HoursRow(act.id, act.code, act.title, unit, codes.get(unit), planned.get((act.id, unit), 0),
                                 used.get((act.id, unit), 0.0)))
        rest_planned = max(0, (act.planned_hours or 0) - unit_planned)
        rest_used = used.get((act.id, None), 0.0)
        if rest_planned or rest_used or not units:
            rows.append(HoursRow(act.id, act.code, act.title, None, None, rest_planned, rest_used))
    return rows


def per_activity(rows: list[HoursRow]) -> list[dict]:
    out: dict = {}
    for row in rows:
        item = out.setdefault(row.activity_id, {"activity_id": row.activity_id, "code": row.code, "title": row.title,
                                                "planned": 0.0, "used": 0.0})
        item["planned"] += row.planned
        item["used"] += row.used
    return list(out.values())


def per_unit(rows: list[HoursRow]) -> list[dict]:
    out: dict = {}
    for row in rows:
        item = out.setdefault(row.unit_code, {"unit_code": row.unit_code, "planned": 0.0, "used": 0.0})
        item["planned"] += row.planned
        item["used"] += row.used
    return sorted(out.values(), key=lambda r: (r["unit_code"] is None, r["unit_code"] or ""))


# ---- warnings -----------------------------------------------------------------------------------
def window(since: dt.date | None, until: dt.date | None) -> tuple[dt.date, dt.date]:
    until = until or dt.date.today()
    return since or until - dt.timedelta(weeks=8), until


def progressed(activity_ids, since: dt.date, until: dt.date) -> set:
    """Activities that moved in the window: status changed, a goal's snapshot value rose, or an entered
    goal value was changed."""
    from .indicators import end_of

    start, end = dt.datetime.combine(since, dt.time(), tzinfo=dt.timezone.utc), end_of(until)
    moved = set()
    for entity_id, changes in db.session.execute(select(ChangeRecord.entity_id, ChangeRecord.changes).where(
            ChangeRecord.entity_type == "activity", ChangeRecord.action == "update",
            ChangeRecord.at >= start, ChangeRecord.at < end)):
        if "status" in (changes or {}):
            moved.add(entity_id)
    goals = dict(db.session.execute(select(Goal.id, Goal.activity_id).where(Goal.activity_id.in_(activity_ids))).all())
    for entity_id, changes in db.session.execute(select(ChangeRecord.entity_id, ChangeRecord.changes).where(
            ChangeRecord.entity_type == "goal", ChangeRecord.action == "update",
            ChangeRecord.at >= start, ChangeRecord.at < end)):
        old, new = (changes or {}).get("current_value", [None, None])
        if entity_id in goals and new is not None and (old is None or new > old):
            moved.add(goals[entity_id])
    before = {}
    # the value just before the window: snapshots are daily, so the last five weeks before it hold it
    rows = db.session.execute(select(GoalSnapshot.goal_id, GoalSnapshot.day, GoalSnapshot.value).where(
        GoalSnapshot.goal_id.in_(list(goals)), GoalSnapshot.day <= until,
        GoalSnapshot.day >= since - dt.timedelta(weeks=5)).order_by(GoalSnapshot.goal_id, GoalSnapshot.day))
    for goal_id, day, value in rows:
        if day < since:
            before[goal_id] = value
        elif goal_id in before and value > before[goal_id]:
            moved.add(goals[goal_id])
        else:
            before.setdefault(goal_id, value)
    return moved


def warnings(since: dt.date | None = None, until: dt.date | None = None, measure_id=None) -> list[dict]:
    """Hours without progress, progress without hours (in the window) and hours over plan (all time)."""
    from .service import used_hours

    since, until = window(since, until)
    stmt = select(Activity).order_by(Activity.code_sort)
    if measure_id is not None:
        stmt = stmt.where(Activity.measure_id == measure_id)
    activities = list(db.session.scalars(stmt))
    ids = [a.id for a in activities]
    in_window, total, moved = used_hours(ids, since, until), used_hours(ids), progressed(ids, since, until)
    out = []
    for act in activities:
        hours = in_window.get(act.id, 0.0)
        base = {"activity_id": act.id, "code": act.code, "title": act.title}
        if hours > 0 and act.id not in moved:
            out.append({**base, "kind": "hours_without_progress", "hours": hours,
                        "detail": f"{hours:g} hours reported {since.isoformat()}–{until.isoformat()}, no goal or status moved"})
        elif hours == 0 and act.id in moved:
            out.append({**base, "kind": "progress_without_hours", "hours": 0.0,
                        "detail": f"progress {since.isoformat()}–{until.isoformat()} without reported hours"})
        used = total.get(act.id, 0.0)
        if act.planned_hours and used > act.planned_hours:
            out.append({**base, "kind": "over_plan", "hours": used,
                        "detail": f"{used:g} of {act.planned_hours} planned hours used"})
    return out
