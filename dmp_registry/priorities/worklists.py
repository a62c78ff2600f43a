"""Reading views over the score table: ranked worklists, their export, what changed since a date,
custodians leaving soon and the dashboard counts. Each list is one query on indexed columns."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from ..auth.models import User
from ..core.db import db
from ..core.history import ChangeRecord
from ..core.identity import Identity
from ..core.service import Page
from ..datasets.models import Dataset
from ..organisation.models import Person, Unit
from ..vocabularies.models import pick_label
from .facts import retirement_dates
from .models import KINDS, Assessment, PriorityScore, StateChange
from .permissions import AssessmentPolicy
from .scores import refresh_stale
from .service import DONE

policy = AssessmentPolicy()
EXPORT_LIMIT = 10_000


@dataclass
class WorkItem:
    dataset_id: object
    title: str
    unit: str | None
    custodian: str | None
    score: int
    band: str
    overridden: bool
    state: str
    assessment_id: object
    assignee: str | None
    due_date: dt.date | None
    top_factors: list
    changed_at: dt.datetime | None = None
    rank: int = 0
    titles: dict | None = None  # every language, for pages (`title` is the nb text, for exports)


def _stmt(identity: Identity, kind: str, args: dict, done: str | None = None):
    """Score rows of one kind, narrowed by subqueries on datasets and assessments: the page walks the
    (kind, score, dataset_id) index and the count touches the score table only."""
    if kind not in KINDS:
        raise ValueError(kind)
    p, a, d = PriorityScore, Assessment, Dataset
    stmt = select(p.dataset_id, p.score, p.band, p.overridden, p.contributions, p.changed_at).where(p.kind == kind)
    dataset_conditions = [] if policy.sees_all(identity) else [policy.read_filter(identity, d)]
    for key, column in (("unit_id", d.unit_id), ("dataset_type", d.dataset_type), ("custodian_id", d.custodian_id)):
        if args.get(key) is not None:
            dataset_conditions.append(column == args[key])
    if dataset_conditions:
        stmt = stmt.where(p.dataset_id.in_(select(d.id).where(*dataset_conditions)))
    if args.get("band"):
        stmt = stmt.where(p.band == args["band"])
    if args.get("assignee_id") is not None:
        stmt = stmt.where(p.dataset_id.in_(select(a.dataset_id).where(a.assignee_id == args["assignee_id"])))
    state = args.get("state")
    done = done or ("include" if args.get("include_done") else "exclude")
    finished = _finished(kind)
    if state == "identified":  # no assessment yet, or moved back to identified
        stmt = stmt.where(p.dataset_id.not_in(select(a.dataset_id).where(a.state != "identified")))
    elif state:
        stmt = stmt.where(p.dataset_id.in_(select(a.dataset_id).where(a.state == state)))
    elif done == "exclude":
        stmt = stmt.where(p.dataset_id.not_in(finished))
    elif done == "only":
        stmt = stmt.where(p.dataset_id.in_(finished))
    if kind == "publishing" and not args.get("include_done"):
        stmt = stmt.where(p.score > 0)  # already published datasets score 0
    return stmt


def _finished(kind: str):
    """Datasets done for this list. "verified" ends both branches of the workflow: it finishes the
    publishing list only when the dataset was published on the way (secured → verified data is
    still to be published)."""
    a, s = Assessment, StateChange
    if kind == "securing":
        return select(a.dataset_id).where(a.state.in_(DONE[kind]))
    was_published = select(s.dataset_id).where(s.state == "published")
    return select(a.dataset_id).where(or_(a.state == "published",
                                          and_(a.state == "verified", a.dataset_id.in_(was_published))))


RANKING = (PriorityScore.score.desc(), PriorityScore.dataset_id.desc())  # one direction: the index serves it


def worklist(identity: Identity, kind: str, args: dict) -> Page:
    policy.require(identity, "worklist")
    refresh_stale()
    stmt = _stmt(identity, kind, args)
    page, per_page = args.get("page", 1), args.get("per_page", 25)
    total = _count(identity, kind, args, stmt)
    rows = db.session.execute(stmt.order_by(*RANKING).limit(per_page).offset((page - 1) * per_page)).all()
    items = _items(rows)
    for n, item in enumerate(items, (page - 1) * per_page + 1):
        item.rank = n
    return Page(items, total, page, per_page)


def _count(identity, kind, args, stmt) -> int:
    """All rows minus the finished ones: two index-only counts instead of a per-row NOT IN test."""
    if args.get("state") or args.get("include_done"):
        return db.session.scalar(stmt.with_only_columns(func.count()))
    every = db.session.scalar(_stmt(identity, kind, args, done="include").with_only_columns(func.count()))
    finished = db.session.scalar(_stmt(identity, kind, args, done="only").with_only_columns(func.count()))
    return every - finished


def _items(rows) -> list[WorkItem]:
    """Score rows → work items, with the datasets, assessments and names of just these rows."""
    ids = [r.dataset_id for r in rows]
    if not ids:
        return []
    d, a = Dataset, Assessment
    datasets = {r.id: r for r in db.session.execute(
        select(d.id, d.title, d.unit_id, d.custodian_id).where(d.id.in_(ids)))}
    assessments = {r.dataset_id: r for r in db.session.execute(
        select(a.dataset_id, a.id, a.state, a.assignee_id, a.due_date).where(a.dataset_id.in_(ids)))}
    units = _names(Unit, {r.unit_id for r in datasets.values()}, lambda u: pick_label(u.name or {}, "nb") or u.code)
    people = _names(Person, {r.custodian_id for r in datasets.values()}, lambda p: p.name)
    users = _names(User, {r.assignee_id for r in assessments.values()}, lambda u: u.display_name)
    items = []
    for r in rows:
        ds, asm = datasets[r.dataset_id], assessments.get(r.dataset_id)
        items.append(WorkItem(r.dataset_id, pick_label(ds.title or {}, "nb") or "", units.get(ds.unit_id),
                              people.get(ds.custodian_id), r.score, r.band, r.overridden,
                              asm.state if asm else "identified", asm.id if asm else None,
                              users.get(asm.assignee_id) if asm else None, asm.due_date if asm else None,
                              list(r.contributions or [])[:3], r.changed_at, titles=dict(ds.title or {})))
    return items


def _names(model, ids, name) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {obj.id: name(obj) for obj in db.session.scalars(select(model).where(model.id.in_(ids)))}


# ---- export ---------------------------------------------------------------------------------
EXPORT_COLUMNS = ("rank", "score", "band", "title", "unit", "custodian", "state", "assignee", "due_date",
                  "overridden", "main_factors", "dataset_id")


def export_rows(identity: Identity, kind: str, args: dict) -> list[list]:
    policy.require(identity, "export")
    page = worklist(identity, kind, {**args, "page": 1, "per_page": EXPORT_LIMIT})
    rows = []
    for rank, item in enumerate(page.items, 1):
        factors = ", ".join(f"{f['factor']} {f['points']:g}" for f in item.top_factors)
        rows.append([rank, item.score, item.band, item.title, item.unit or "", item.custodian or "", item.state,
                     item.assignee or "", item.due_date.isoformat() if item.due_date else "",
                     "yes" if item.overridden else "no", factors, str(item.dataset_id)])
    return rows


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe:
    titles and names are user text, and exports are opened in Excel in meetings."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([defuse(value) for value in row] for row in rows)
    return out.getvalue()


def to_xlsx(rows: list[list], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(EXPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([defuse(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # never a formula, whatever openpyxl guessed
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKL", (6, 7, 9, 50, 25, 25, 12, 20, 12, 10, 40, 38)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- what changed since a date ---------------------------------------------------------------
def changed_since(identity: Identity, since: dt.date) -> dict:
    """Assessment edits (field by field, from the history) and score moves since `since`."""
    policy.require(identity, "worklist")
    refresh_stale()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.timezone.utc)
    visible = select(Assessment.id).join(Dataset, Dataset.id == Assessment.dataset_id).where(
        policy.read_filter(identity, Dataset))
    changes = list(db.session.scalars(
        select(ChangeRecord).where(ChangeRecord.entity_type.in_(("assessment", "assessment_comment")),
                                   ChangeRecord.at >= start, ChangeRecord.entity_id.in_(visible))
        .order_by(ChangeRecord.at.desc()).limit(500)))
    titles = dict(db.session.execute(select(Assessment.id, Dataset.title).join(Dataset, Dataset.id == Assessment.dataset_id)
                                     .where(Assessment.id.in_({c.entity_id for c in changes}))).all()) if changes else {}
    assessment_changes = [{"change": c, "title": pick_label(titles.get(c.entity_id) or {}, "nb") or ""} for c in changes]
    moved = {}
    for kind in KINDS:
        stmt = _stmt(identity, kind, {"include_done": True}).where(PriorityScore.changed_at >= start)
        rows = db.session.execute(stmt.order_by(*RANKING).limit(200)).all()
        moved[kind] = _items(rows)
    return {"since": since, "assessments": assessment_changes, "scores": moved}


# ---- custodians leaving ------------------------------------------------------------------------
def custodians_leaving(identity: Identity, today: dt.date | None = None, months: int = 12) -> list[dict]:
    """People leaving within `months` whose datasets are unassessed or not yet secured."""
    policy.require(identity, "leaving")
    refresh_stale()
    today = today or dt.date.today()
    horizon = today + dt.timedelta(days=round(months * 365 / 12))
    leaving = {pid: end for pid, end in retirement_dates().items() if end and today <= end <= horizon}
    if not leaving:
        return []
    p, a, d = PriorityScore, Assessment, Dataset
    rows = db.session.execute(
        select(d.id, d.title, d.custodian_id, a.state, p.score, p.band)
        .outerjoin(a, a.dataset_id == d.id)
        .outerjoin(p, and_(p.dataset_id == d.id, p.kind == "securing"))
        .where(d.custodian_id.in_(list(leaving)), policy.read_filter(identity, d),
               or_(a.state.is_(None), a.state.in_(("identified", "assessed", "in_progress"))))
        .order_by(p.score.desc().nulls_last())).all()
    by_person = defaultdict(list)
    for row in rows:
        by_person[row.custodian_id].append({"dataset_id": row.id, "title": pick_label(row.title or {}, "nb") or "",
                                            "state": row.state or "identified", "score": row.score, "band": row.band})
    people = {person.id: person for person in db.session.scalars(select(Person).where(Person.id.in_(list(by_person))))}
    out = [{"person": people[pid], "leaves": leaving[pid], "days_left": (leaving[pid] - today).days,
            "datasets": items} for pid, items in by_person.items()]
    return sorted(out, key=lambda entry: entry["leaves"])


# ---- dashboard -------------------------------------------------------------------------------
PROGRESS_STATES = ("assessed", "secured", "published")


def dashboard(identity: Identity, today: dt.date | None = None, months: int = 12) -> dict:
    """Per unit: datasets, assessed, secured, published (a dataset counts once it reached the step);
    over time: the same three as running totals at the end of each of the last `months` months."""
    policy.require(identity, "dashboard")
    today = today or dt.date.today()
    d, s = Dataset, StateChange
    visible = policy.read_filter(identity, d)
    totals = dict(db.session.execute(select(d.unit_id, func.count()).where(visible).group_by(d.unit_id)).all())
    reached = db.session.execute(select(d.unit_id, s.state, func.count(func.distinct(s.dataset_id)))
                                 .join(d, d.id == s.dataset_id).where(visible, s.state.in_(PROGRESS_STATES))
                                 .group_by(d.unit_id, s.state)).all()
    counts = defaultdict(dict)
    for unit_id, state, n in reached:
        counts[unit_id][state] = n
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(list(totals))))} if totals else {}
    per_unit = sorted(({"unit": units.get(uid), "datasets": n, **{st: counts[uid].get(st, 0) for st in PROGRESS_STATES}}
                       for uid, n in totals.items()), key=lambda r: r["unit"].code if r["unit"] else "")
    firsts = db.session.execute(select(s.state, func.min(s.at).label("at")).join(d, d.id == s.dataset_id)
                                .where(visible, s.state.in_(PROGRESS_STATES)).group_by(s.dataset_id, s.state)).all()
    month_ends = _month_ends(today, months)
    series = []
    for end in month_ends:
        limit = dt.datetime.combine(end, dt.time.max, tzinfo=dt.timezone.utc)
        series.append({"month": end.strftime("%Y-%m"),
                       **{st: sum(1 for f in firsts if f.state == st and f.at <= limit) for st in PROGRESS_STATES}})
    return {"per_unit": per_unit, "series": series}


def _month_ends(today: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the last `months` months, oldest first; today for the current month."""
    ends = [today]
    first_of_month = today.replace(day=1)
    for _ in range(months - 1):
        last = first_of_month - dt.timedelta(days=1)
        ends.append(last)
        first_of_month = last.replace(day=1)
    return list(reversed(ends))
