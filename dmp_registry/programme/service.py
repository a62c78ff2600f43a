"""Services of the programme: measures, activities, goals (with live indicator values), hours and benefits."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.db import db
from ..core.errors import ConflictError, InvalidInput
from ..core.service import RecordService, require_reference
from ..organisation.models import Person, Unit
from . import indicators
from .models import Activity, ActivityUnit, Benefit, BenefitRealisation, Goal, GoalSnapshot, Measure, TimeEntry
from .permissions import ProgrammePolicy, TimeEntryPolicy
from .schemas import (
    ActivityRecord, BenefitRecord, GoalRecord, MeasureRecord, TimeEntryRecord, parse_week,
)


class SignedInService(RecordService):
    """Anonymous callers get 401 (sign in), not the 404 that hides records from signed-in users."""

    def read(self, identity, record_id):
        self.policy.require(identity, "read")
        return super().read(identity, record_id)


class MeasureService(SignedInService):
    model, entity_type, policy = Measure, "measure", ProgrammePolicy()
    snapshot_schema = MeasureRecord()
    lang_fields = ("programme", "title", "description")
    sort_fields = {"code": Measure.code, "updated": Measure.updated_at}
    default_sort = "code"
    list_options = get_options = (selectinload(Measure.responsible),)

    def validate(self, identity, obj, data):
        require_reference(Person, data.get("responsible_id"), "responsible_id", "person")
        code = data.get("code")
        if code and db.session.scalar(select(Measure.id).where(Measure.code == code, Measure.id != obj.id)):
            raise InvalidInput(errors={"code": ["Another measure has this code."]})

    def apply(self, identity, obj, data):
        super().apply(identity, obj, data)
        obj.programme, obj.description = obj.programme or {}, obj.description or {}

    def before_delete(self, identity, obj):
        if db.session.scalar(select(Activity.id).where(Activity.measure_id == obj.id).limit(1)):
            raise ConflictError("The measure still has activities; delete or move them first.")


# ---- activities --------------------------------------------------------------------------------
def code_sort(code: str) -> str:
    """"25.10" after "25.9": numbers zero-padded."""
    return ".".join(p.zfill(4) if p.isdigit() else p.casefold() for p in code.split("."))[:60]


LINK_MODELS = {"dataset": ("dmp_registry.datasets.models", "Dataset"), "it_system": ("dmp_registry.systems.models", "ItSystem"),
               "data_flow": ("dmp_registry.flows.models", "DataFlow"), "project": ("dmp_registry.organisation.models", "Project")}


def _link_exists(kind: str, ident) -> bool:
    import importlib

    if kind == "plan":
        table = indicators._table("plan", "id")
        return table is not None and db.session.scalar(select(table.c.id).where(table.c.id == ident)) is not None
    module, name = LINK_MODELS[kind]
    return db.session.get(getattr(importlib.import_module(module), name), ident) is not None


def used_hours(activity_ids, since: dt.date | None = None, until: dt.date | None = None) -> dict:
    if not activity_ids:
        return {}
    stmt = (select(TimeEntry.activity_id, func.sum(TimeEntry.hours)).where(TimeEntry.activity_id.in_(activity_ids))
            .group_by(TimeEntry.activity_id))
    if since is not None:
        stmt = stmt.where(TimeEntry.week_start >= since - dt.timedelta(days=6))
    if until is not None:
        stmt = stmt.where(TimeEntry.week_start <= until)
    return {a: float(h or 0) for a, h in db.session.execute(stmt)}


class ActivityService(SignedInService):
    model, entity_type, policy = Activity, "activity", ProgrammePolicy()
    snapshot_schema = ActivityRecord()
    lang_fields = ("title", "description")
    sort_fields = {"code": Activity.code_sort, "updated": Activity.updated_at}
    default_sort = "code"
    list_options = get_options = (selectinload(Activity.units).selectinload(ActivityUnit.unit),
                                  selectinload(Activity.depends_on), selectinload(Activity.responsible))

    def apply_filters(self, stmt, args):
        for key, column in (("measure_id", Activity.measure_id), ("status", Activity.status),
                            ("responsible_id", Activity.responsible_id)):
            if args.get(key) is not None:
                stmt = stmt.where(column == args[key])
        if args.get("q"):
            needle = args["q"].casefold()
            stmt = stmt.where(Activity.code_sort.contains(needle, autoescape=True)
                              | func.lower(func.cast(Activity.title, db_string())).contains(needle, autoescape=True))
        return stmt

    def validate(self, identity, obj, data):
        errors: dict = {}
        if "measure_id" in data:
            require_reference(Measure, data["measure_id"], "measure_id", "measure")
        require_reference(Person, data.get("responsible_id"), "responsible_id", "person")
        measure_id, code = data.get("measure_id", obj.measure_id), data.get("code", obj.code)
        if code and db.session.scalar(select(Activity.id).where(Activity.measure_id == measure_id, Activity.code == code,
                                                                Activity.id != obj.id)):
            errors["code"] = ["Another activity of the measure has this code."]
        if "units" in data:
            data["units"] = data["units"] or []  # an emptied textarea removes the units
            self._resolve_units(data, obj, errors)
        if data.get("depends_on_ids"):
            self._check_dependencies(obj, data["depends_on_ids"], errors)
        missing = [f"{link['kind']}: {link['id']}" for link in data.get("links") or []
                   if not _link_exists(link["kind"], link["id"])]
        if missing:
            errors["links"] = [f"Unknown record: {', '.join(missing)}"]
        if errors:
            raise InvalidInput(errors=errors)

    def _resolve_units(self, data, obj, errors):
        resolved, unknown = [], []
        for plan in data["units"]:
            unit = _find_unit(plan["unit"])
            if unit is None:
                unknown.append(plan["unit"])
            else:
                resolved.append((unit, plan["planned_hours"]))
        if unknown:
            errors["units"] = [f"Unknown unit: {', '.join(unknown)}"]
            return
        if len({u.id for u, _ in resolved}) != len(resolved):
            errors["units"] = ["A unit is listed twice."]
            return
        planned = data.get("planned_hours", obj.planned_hours) or 0
        by_unit = sum(h for _, h in resolved)
        if by_unit and planned and by_unit != planned:
            errors["units"] = [f"The hours per unit add up to {by_unit}, not the {planned} hours planned."]
        data["_units"] = resolved

    def _check_dependencies(self, obj, ids, errors):
        found = set(db.session.scalars(select(Activity.id).where(Activity.id.in_(ids))))
        missing = [str(i) for i in ids if i not in found]
        if missing:
            errors["depends_on_ids"] = [f"Unknown activity: {', '.join(missing)}"]
        elif obj.id is not None and (obj.id in ids or obj.id in _upstream(ids)):
            errors["depends_on_ids"] = ["Dependencies must not form a cycle."]

    def apply(self, identity, obj, data):
        data = dict(data)
        resolved = data.pop("_units", None)
        data.pop("units", None)
        depends = data.pop("depends_on_ids", None)
        super().apply(identity, obj, data)
        if resolved is not None:
            obj.units = [ActivityUnit(unit_id=u.id, unit=u, planned_hours=h) for u, h in resolved]
            if not obj.planned_hours:
                obj.planned_hours = sum(h for _, h in resolved)
        if depends is not None:
            obj.depends_on = list(db.session.scalars(select(Activity).where(Activity.id.in_(depends)))) if depends else []
        obj.code_sort = code_sort(obj.code)
        obj.planned_hours = obj.planned_hours or 0
        obj.links = [{"kind": link["kind"], "id": str(link["id"])} for link in obj.links or []]
        obj.risks = list(obj.risks or [])
        obj.description = obj.description or {}
        obj.example = bool(obj.example)

    def present(self, identity, objs):
        hours = used_hours([o.id for o in objs if o.id])
        for obj in objs:
            obj.used_hours = hours.get(obj.id, 0.0)

    def before_delete(self, identity, obj):
        if db.session.scalar(select(TimeEntry.id).where(TimeEntry.activity_id == obj.id).limit(1)):
            raise ConflictError("Hours are reported on this activity; set its status to cancelled instead.")
        if db.session.scalar(select(func.count()).select_from(Goal).where(Goal.activity_id == obj.id)):
            raise ConflictError("The activity still has result goals; delete them first.")


def db_string():
    from sqlalchemy import String

    return String()


def _find_unit(value: str) -> Unit | None:
    try:
        return db.session.get(Unit, uuid.UUID(value))
    except ValueError:
        return db.session.scalar(select(Unit).where(Unit.code == value))


def _upstream(ids) -> set:
    """Every activity the given ones depend on, directly or not."""
    from .models import activity_dependency as dep

    seen, frontier = set(), set(ids)
    while frontier:
        rows = set(db.session.scalars(select(dep.c.depends_on_id).where(dep.c.activity_id.in_(frontier))))
        frontier = rows - seen
        seen |= rows
    return seen


# ---- goals -------------------------------------------------------------------------------------
def goal_value(goal: Goal, as_of: dt.date | None = None, cache: dict | None = None,
               memo: bool = False) -> float | None:
    """The computed value (an indicator is computed once per `cache`, e.g. per page; with `memo` also
    remembered across requests until the registry changes), else the entered one."""
    if goal.indicator:
        if indicators.get(goal.indicator) is None:
            return None
        key = (goal.indicator, as_of or dt.date.today())
        if cache is None or key not in cache:
            value = (indicators.cached if memo else indicators.compute)(db.session, goal.indicator, key[1])
            if cache is None:
                return value
            cache[key] = value
        return cache[key]
    return goal.current_value


def progress(goal: Goal, value: float | None) -> float | None:
    if value is None:
        return None
    span = goal.target - (goal.baseline or 0)
    if span <= 0:
        return 1.0 if value >= goal.target else 0.0
    return max(0.0, min(1.0, (value - (goal.baseline or 0)) / span))


def trends(goal_ids, since: dt.date | None = None) -> dict:
    if not goal_ids:
        return {}
    stmt = select(GoalSnapshot.goal_id, GoalSnapshot.day, GoalSnapshot.value).where(
        GoalSnapshot.goal_id.in_(goal_ids)).order_by(GoalSnapshot.goal_id, GoalSnapshot.day)
    if since is not None:
        stmt = stmt.where(GoalSnapshot.day >= since)
    out: dict = {}
    for goal_id, day, value in db.session.execute(stmt):
        out.setdefault(goal_id, []).append({"day": day, "value": value})
    return out


class GoalService(SignedInService):
    model, entity_type, policy = Goal, "goal", ProgrammePolicy()
    snapshot_schema = GoalRecord()
    lang_fields = ("title",)
    sort_fields = {"created": Goal.created_at, "updated": Goal.updated_at}
    default_sort = "created"

    def apply_filters(self, stmt, args):
        if args.get("activity_id") is not None:
            stmt = stmt.where(Goal.activity_id == args["activity_id"])
        return stmt

    def validate(self, identity, obj, data):
        if "activity_id" in data:
            require_reference(Activity, data["activity_id"], "activity_id", "activity")
        if data.get("indicator") and obj.current_value is not None and "current_value" not in data:
            data["current_value"] = None  # switching to a computed goal drops the entered value

    def apply(self, identity, obj, data):
        super().apply(identity, obj, data)
        obj.baseline = obj.baseline or 0
        if obj.current_value is not None and obj.current_date is None:
            obj.current_date = dt.date.today()

    def present(self, identity, objs):
        history = trends([o.id for o in objs if o.id])
        cache: dict = {}
        for obj in objs:
            obj.value = goal_value(obj, cache=cache)
            obj.progress = progress(obj, obj.value)
            obj.trend = history.get(obj.id, [])


def snapshot_goals(day: dt.date, bar=None) -> dict:
    """Store every goal's value for `day` (computed goals now, entered goals their value); one row per
    goal and day, so running twice a day updates instead of adding. Returns counts."""
    goals = list(db.session.scalars(select(Goal).order_by(Goal.id)))
    existing = {row.goal_id: row for row in db.session.scalars(select(GoalSnapshot).where(GoalSnapshot.day == day))}
    cache: dict = {}
    written = skipped = 0
    for goal in goals:
        value = goal_value(goal, day, cache)
        if value is None:
            skipped += 1
        elif goal.id in existing:
            existing[goal.id].value = value
            written += 1
        else:
            db.session.add(GoalSnapshot(goal_id=goal.id, day=day, value=value))
            written += 1
        if bar is not None:
            bar.update(1)
    db.session.flush()
    return {"goals": len(goals), "written": written, "skipped": skipped}


# ---- hours -------------------------------------------------------------------------------------
class TimeEntryService(SignedInService):
    model, entity_type, policy = TimeEntry, "time_entry", TimeEntryPolicy()
    snapshot_schema = TimeEntryRecord()
    sort_fields = {"week": TimeEntry.week_start, "updated": TimeEntry.updated_at}
    default_sort = "-week"
    list_options = get_options = (selectinload(TimeEntry.person),)

    def apply_filters(self, stmt, args):
        for key, column in (("activity_id", TimeEntry.activity_id), ("person_id", TimeEntry.person_id)):
            if args.get(key) is not None:
                stmt = stmt.where(column == args[key])
        if args.get("week_from"):
            stmt = stmt.where(TimeEntry.week_start >= parse_week(args["week_from"]))
        if args.get("week_to"):
            stmt = stmt.where(TimeEntry.week_start <= parse_week(args["week_to"]))
        return stmt

    def validate(self, identity, obj, data):
        errors = {}
        for field, model, label in (("person_id", Person, "person"), ("activity_id", Activity, "activity")):
            if field in data and db.session.get(model, data[field]) is None:
                errors[field] = [f"Unknown {label}: {data[field]}"]
        if not errors:
            key = (data.get("person_id", obj.person_id), data.get("activity_id", obj.activity_id), data.get("week", obj.week))
            clash = db.session.scalar(select(TimeEntry.id).where(
                TimeEntry.person_id == key[0], TimeEntry.activity_id == key[1], TimeEntry.week == key[2],
                TimeEntry.id != obj.id))
            if clash:
                errors["week"] = ["Hours are already reported for this person, activity and week; change that entry."]
        if errors:
            raise InvalidInput(errors=errors)

    def apply(self, identity, obj, data):
        super().apply(identity, obj, data)
        obj.week_start = parse_week(obj.week)
        person = db.session.get(Person, obj.person_id)
        obj.unit_id = person.unit_id if person else None


# ---- benefits ----------------------------------------------------------------------------------
class BenefitService(SignedInService):
    model, entity_type, policy = Benefit, "benefit", ProgrammePolicy()
    snapshot_schema = BenefitRecord()
    lang_fields = ("description",)
    sort_fields = {"created": Benefit.created_at, "updated": Benefit.updated_at}
    default_sort = "created"
    list_options = get_options = (selectinload(Benefit.realisations),)

    def apply_filters(self, stmt, args):
        if args.get("activity_id") is not None:
            stmt = stmt.where(Benefit.activity_id == args["activity_id"])
        return stmt

    def validate(self, identity, obj, data):
        if "activity_id" in data:
            require_reference(Activity, data["activity_id"], "activity_id", "activity")

    def apply(self, identity, obj, data):
        data = dict(data)
        clear = "realisations" in data  # an emptied textarea (None) removes them
        realisations = data.pop("realisations", None)
        super().apply(identity, obj, data)
        if clear:
            obj.realisations = [BenefitRealisation(**r) for r in realisations or []]

    def present(self, identity, objs):
        for obj in objs:
            obj.realised_value = sum(r.value for r in obj.realisations)

    def record_realisation(self, identity, benefit_id, data: dict, expected_version: int | None):
        benefit = self.read(identity, benefit_id)
        rows = [{"realised_on": r.realised_on, "value": r.value, "note": r.note} for r in benefit.realisations]
        return self.update(identity, benefit_id, {"realisations": rows + [data]}, expected_version)


measure_service = MeasureService()
activity_service = ActivityService()
goal_service = GoalService()
time_entry_service = TimeEntryService()
benefit_service = BenefitService()
