"""Pages of the programme (issue 9): the dashboard a programme lead shows in a meeting, activities,
result goals, benefits and measures (record pages with the usual merge on stale edits), time reporting
(form, CSV import, planned vs used, warnings) and status reports (pre-filled, edited, saved as
versions, downloaded as HTML, PDF or DOCX). Everything needs a signed-in user; leads edit."""
from __future__ import annotations

import datetime as dt
import uuid

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..auth.current import current_identity
from ..core.db import db
from ..core.errors import AuthenticationRequired, InvalidInput
from ..core.uow import unit_of_work
from ..core import charts
from ..programme import hours as hours_mod, indicators, reports
from ..programme import schemas as s
from ..programme.models import Activity, Goal, Measure, TimeEntry
from ..programme.permissions import TimeEntryPolicy, is_lead
from ..programme.service import (
    activity_service, benefit_service, goal_service, goal_value, measure_service, progress, time_entry_service, trends,
)
from ..vocabularies.service import concept_cache
from . import forms
from .forms import Field
from .i18n import concept_label, current_language, text
from .messages import N_
from .options import options_for
from .records import RecordPages

bp = Blueprint("programme_pages", __name__, url_prefix="/programme")

# Messages of the programme schemas/services shown next to fields (translated by message()).
PROGRAMME_MESSAGES = (
    N_("Another activity of the measure has this code."),
    N_("Another measure has this code."),
    N_("A unit is listed twice."),
    N_("Dependencies must not form a cycle."),
    N_("A computed goal takes its value from the indicator; leave the value empty."),
    N_("Give the ISO week as YYYY-Www, e.g. 2026-W47."),
    N_("Hours are already reported for this person, activity and week; change that entry."),
    N_("Give a list (at most 100 items) or one item per line."),
)

STATUS_ORDER = ("not-started", "in-progress", "will-complete-by", "completed-as-planned", "completed-adjusted",
                "cancelled")
KIND_LABELS = {"hours_without_progress": _l("Hours without progress"),
               "progress_without_hours": _l("Progress without reported hours"),
               "over_plan": _l("More hours used than planned")}


def signed_in():
    identity = current_identity()
    if not identity.is_authenticated:
        raise AuthenticationRequired()
    return identity


# ---- pick lists of programme records ------------------------------------------------------------
def programme_options(field: Field, values=None) -> list[tuple[str, str]]:
    if field.ref == "measure":
        return [(str(m.id), f"{m.code} {text(m.title)}") for m in db.session.scalars(select(Measure).order_by(Measure.code))]
    if field.ref == "activity":
        rows = db.session.execute(select(Activity.id, Activity.code, Activity.title).order_by(Activity.code_sort))
        return [(str(i), f"{code} {text(title)}") for i, code, title in rows]
    if field.ref == "indicator":
        lang = current_language()
        return [(i.name, i.label.get(lang) or i.label["nb"]) for i in indicators.indicators().values()]
    return options_for(field, values)


class ProgrammePages(RecordPages):
    def _render_form(self, record, values, errors=None, status=200, conflicts=(), merged=()):
        state = forms.FormState(self.fields, values, errors, lambda f: programme_options(f, values))
        return render_template("records/form.html", pages_spec=self, record=record, form=state,
                               conflicts=conflicts, merged=merged), status

    def display(self, field, snapshot: dict) -> str:
        if field.kind in ("ref", "refs") and field.ref in ("measure", "activity", "indicator"):
            names = dict(programme_options(field))
            value = snapshot.get(field.name)
            values = value if isinstance(value, list) else [value] if value else []
            return ", ".join(names.get(str(v), str(v)) for v in values)
        return super().display(field, snapshot)

    def defaults(self, identity) -> dict:
        """New goals and benefits start on the activity they were added from (?activity_id=)."""
        out = {}
        for key in ("activity_id", "measure_id"):
            if any(f.name == key for f in self.fields) and request.args.get(key):
                out[key] = request.args[key]
        return out


ACTIVITY_FIELDS = (
    Field("measure_id", _l("Measure"), "ref", required=True, ref="measure"),
    Field("code", _l("Code"), required=True, help=_l("The activity's number within the measure, e.g. 25.4.")),
    Field("title", _l("Title"), "lang", required=True),
    Field("description", _l("Description"), "langlong"),
    Field("responsible_id", _l("Responsible"), "ref", ref="person"),
    Field("period_start", _l("Period from"), "date"),
    Field("period_end", _l("Period to"), "date"),
    Field("planned_hours", _l("Planned hours"), "int"),
    Field("units", _l("Units and planned hours"), "textarea",
          help=_l("One unit per line: the unit code, a colon and the hours planned there, e.g. “INH: 120”.")),
    Field("status", _l("Status"), "concept", required=True, scheme="activity-status"),
    Field("status_date", _l("Status date"), "date",
          help=_l("For “will be completed by”: the date. For completed activities: when they were completed.")),
    Field("results", _l("Results or products"), "textarea"),
    Field("depends_on_ids", _l("Depends on"), "refs", ref="activity"),
    Field("risks", _l("Risks"), "textarea",
          help=_l("One risk per line: level (low, medium or high) | risk | mitigation.")),
    Field("links", _l("Records the activity concerns"), "textarea",
          help=_l("One per line: kind (dataset, it_system, data_flow, project, plan), a colon and the record's id.")),
    Field("example", _l("Invented example (not from the action plan)"), "bool"),
)

GOAL_FIELDS = (
    Field("activity_id", _l("Activity"), "ref", required=True, ref="activity"),
    Field("title", _l("Goal"), "lang", required=True),
    Field("indicator", _l("Computed from the registry"), "ref", ref="indicator",
          help=_l("Choose an indicator to have the value computed; leave empty to enter the value yourself.")),
    Field("target", _l("Target"), required=True),
    Field("baseline", _l("Baseline")),
    Field("current_value", _l("Current value"), help=_l("Only for goals whose value you enter.")),
    Field("current_date", _l("Value as of"), "date"),
    Field("due", _l("Due"), "date"),
)

BENEFIT_FIELDS = (
    Field("activity_id", _l("Activity"), "ref", required=True, ref="activity"),
    Field("kind", _l("Kind of benefit"), "concept", required=True, scheme="benefit-kind"),
    Field("description", _l("Expected benefit"), "lang", required=True),
    Field("measured_by", _l("How it will be measured"), "textarea", required=True),
    Field("expected_value", _l("Expected value")),
    Field("value_unit", _l("Unit of the value"), help=_l("E.g. hours per year, datasets.")),
    Field("realisations", _l("Realised benefits"), "textarea",
          help=_l("One per line: date | value | note, e.g. “2026-06-01 | 12 | after the first mapping”.")),
)

MEASURE_FIELDS = (
    Field("code", _l("Code"), required=True),
    Field("programme", _l("Action plan"), "lang"),
    Field("title", _l("Title"), "lang", required=True),
    Field("description", _l("Description"), "langlong"),
    Field("responsible_id", _l("Responsible"), "ref", ref="person"),
    Field("further_plans", _l("Further plans"), "textarea"),
)


LINK_LABELS = {"dataset": _l("Dataset"), "it_system": _l("IT system"), "data_flow": _l("Data flow"),
               "project": _l("Project"), "plan": _l("Data management plan")}


def linked_records(identity, links) -> list[dict]:
    """The records an activity concerns, as the reader may see them: a title and a link, or only the kind
    when the reader may not read the record (its title must not leak)."""
    from ..core.errors import DomainError
    from ..datasets.service import dataset_service
    from ..flows.service import flow_service
    from ..organisation.service import project_service
    from ..systems.service import it_system_service

    readers = {"dataset": (dataset_service, lambda r: text(r.title), "dataset_pages.detail", "dataset_id"),
               "it_system": (it_system_service, lambda r: r.name, "portfolio_pages.systems_detail", "record_id"),
               "data_flow": (flow_service, lambda r: r.title, "portfolio_pages.flows_detail", "record_id"),
               "project": (project_service, lambda r: text(r.title), "org_pages.projects_detail", "record_id")}
    out = []
    for link in links or []:
        kind, ident = link["kind"], uuid.UUID(str(link["id"]))
        item = {"kind": LINK_LABELS.get(kind, kind), "title": None, "url": None}
        if kind in readers:
            service, title, endpoint, arg = readers[kind]
            try:
                record = service.read(identity, ident)
            except DomainError:
                out.append(item)
                continue
            item.update(title=title(record), url=_url(endpoint, **{arg: ident}))
        elif kind == "plan":
            item.update(title=str(ident), url=_url("plan_pages.view", plan_id=ident))
        out.append(item)
    return out


def _url(endpoint: str, **values) -> str | None:
    from werkzeug.routing import BuildError

    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _activity_extra(identity, record):
    goals = goal_service.search(identity, {"activity_id": record.id, "per_page": 100, "page": 1}).items
    benefits = benefit_service.search(identity, {"activity_id": record.id, "per_page": 100, "page": 1}).items
    entries = list(db.session.scalars(select(TimeEntry).where(TimeEntry.activity_id == record.id)
                                      .order_by(TimeEntry.week_start.desc()).limit(50)))
    activity_service.present(identity, [record])
    return {"goals": goals, "benefits": benefits, "entries": entries, "goal_rows": _goal_rows(goals),
            "linked": linked_records(identity, record.links),
            "can_lead": is_lead(identity)}


activity_pages = ProgrammePages(
    name="activities", service=activity_service, in_schema=s.ActivityIn, patch_schema=s.ActivityPatch,
    fields=ACTIVITY_FIELDS, title_one=_l("Activity"), title_many=_l("Activities"),
    title=lambda a: f"{a.code} {text(a.title)}",
    columns=((_l("Activity"), lambda a: f"{a.code} {text(a.title)}"), (_l("Status"), lambda a: concept_label(a.status)),
             (_l("Responsible"), lambda a: a.responsible.name if a.responsible else "–"),
             (_l("Hours planned"), lambda a: a.planned_hours), (_l("Hours used"), lambda a: f"{a.used_hours:g}")),
    searchable=True, login_required=True, extra=_activity_extra, detail_template="programme/activity.html",
    hidden_on_detail=("links",),  # shown as titles the reader may see (linked_records), not raw ids
    intro=_l("The activities of the programme's measures, with status, responsible person and hours."))


def _goal_extra(identity, record):
    goal_service.present(identity, [record])
    return {"goal_rows": _goal_rows([record])}


goal_pages = ProgrammePages(
    name="goals", service=goal_service, in_schema=s.GoalIn, patch_schema=s.GoalPatch, fields=GOAL_FIELDS,
    title_one=_l("Result goal"), title_many=_l("Result goals"), title=lambda g: text(g.title),
    columns=((_l("Result goal"), lambda g: text(g.title)), (_l("Value"), lambda g: _num(g.value)),
             (_l("Target"), lambda g: _num(g.target))), login_required=True, extra=_goal_extra,
    detail_template="programme/goal.html")
benefit_pages = ProgrammePages(
    name="benefits", service=benefit_service, in_schema=s.BenefitIn, patch_schema=s.BenefitPatch, fields=BENEFIT_FIELDS,
    title_one=_l("Benefit"), title_many=_l("Benefits"), title=lambda b: text(b.description),
    columns=((_l("Expected benefit"), lambda b: text(b.description)), (_l("Kind of benefit"), lambda b: concept_label(b.kind)),
             (_l("Expected value"), lambda b: _num(b.expected_value)), (_l("Realised"), lambda b: _num(b.realised_value))),
    login_required=True)
measure_pages = ProgrammePages(
    name="measures", service=measure_service, in_schema=s.MeasureIn, patch_schema=s.MeasurePatch, fields=MEASURE_FIELDS,
    title_one=_l("Measure"), title_many=_l("Measures"), title=lambda m: f"{m.code} {text(m.title)}",
    columns=((_l("Measure"), lambda m: f"{m.code} {text(m.title)}"),
             (_l("Responsible"), lambda m: m.responsible.name if m.responsible else "–")), login_required=True)
for _pages in (activity_pages, goal_pages, benefit_pages, measure_pages):
    _pages.register(bp)


def _num(value) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _goal_rows(goals) -> list[dict]:
    missing = [g.id for g in goals if getattr(g, "trend", None) is None]  # GoalService.present loaded the rest
    history = trends(missing) if missing else {}
    rows = []
    for goal in goals:
        value = getattr(goal, "value", None)
        trend = goal.trend if getattr(goal, "trend", None) is not None else history.get(goal.id, [])
        points = [p["value"] for p in trend]
        share = progress(goal, value)
        rows.append({"goal": goal, "value": value, "progress": share, "percent": None if share is None else round(100 * share),
                     "trend": trend,
                     "sparkline": charts.sparkline(points, _("Trend of %(goal)s", goal=text(goal.title)),
                                                   f"spark-{goal.id.hex[:12]}", goal.target)})
    return rows


# ---- dashboard -----------------------------------------------------------------------------------
TREND_DAYS = 30  # the dashboard's sparklines and their tables show the last 30 days


def _dashboard_goals(identity) -> list[Goal]:
    """Every goal with its value (each indicator computed once) and the last TREND_DAYS of snapshots."""
    goal_service.policy.require(identity, "list")
    goals = list(db.session.scalars(select(Goal).join(Activity).order_by(Activity.code_sort, Goal.created_at)))
    history = trends([g.id for g in goals], since=dt.date.today() - dt.timedelta(days=TREND_DAYS))
    cache: dict = {}
    for goal in goals:
        goal.value = goal_value(goal, cache=cache, memo=True)
        goal.trend = history.get(goal.id, [])
    return goals


@bp.get("/")
def dashboard():
    identity = signed_in()
    activities = activity_service.search(identity, {"page": 1, "per_page": 500, "sort": "code"}).items
    goals = _dashboard_goals(identity)
    by_status = {}
    for act in activities:
        by_status.setdefault(act.status, []).append(act)
    status_rows = [(concept_cache.find("activity-status", code), code) for code in STATUS_ORDER]
    status_rows = [(info.uri, concept_label(info.uri), len(by_status.get(info.uri, []))) for info, _code in status_rows if info]
    status_svg = charts.bars([(label, n) for _uri, label, n in status_rows], _("Activities by status"), "status-chart")
    hour_rows = hours_mod.per_activity(hours_mod.planned_vs_used())
    hours_svg = charts.paired_bars([(r["code"], r["planned"], r["used"]) for r in hour_rows],
                                   _("Hours planned and used per activity"), "hours-chart",
                                   labels=(_("planned"), _("used")))
    codes = {a.id: a for a in activities}
    risks = [(act, risk) for act in activities for risk in act.risks or []]
    risks.sort(key=lambda item: (("high", "medium", "low").index(item[1].get("level", "medium")), item[0].code_sort))
    return render_template("programme/dashboard.html", activities=activities, status_rows=status_rows,
                           status_svg=status_svg, goal_rows=_goal_rows(goals), activity_of=codes,
                           hour_rows=hour_rows, hours_svg=hours_svg, risks=risks,
                           totals={"planned": sum(r["planned"] for r in hour_rows), "used": sum(r["used"] for r in hour_rows)},
                           warnings=hours_mod.warnings(), kind_labels=KIND_LABELS, can_lead=is_lead(identity),
                           measures=list(db.session.scalars(select(Measure).order_by(Measure.code))))


# ---- hours ----------------------------------------------------------------------------------------
ENTRY_FIELDS = (
    Field("person_id", _l("Person"), "ref", required=True, ref="person"),
    Field("activity_id", _l("Activity"), "ref", required=True, ref="activity"),
    Field("week", _l("Week"), required=True, help=_l("ISO week, e.g. 2026-W47.")),
    Field("hours", _l("Hours"), required=True),
    Field("note", _l("Note")),
)


def _hours_page(identity, values=None, errors=None, import_errors=(), status=200):
    if values is None:
        values = MultiDict({"week": s.week_of(dt.date.today())})
        if identity.person_id:
            values["person_id"] = str(identity.person_id)
    fields = ENTRY_FIELDS
    if not is_lead(identity):  # others report their own hours only
        fields = ENTRY_FIELDS[1:]
    state = forms.FormState(fields, values, errors, lambda f: programme_options(f, values))
    entries = time_entry_service.search(identity, {"page": 1, "per_page": 50, "sort": "-week"}).items
    rows = hours_mod.planned_vs_used()
    deletable = {e.id for e in entries if time_entry_service.policy.can(identity, "delete", e)}
    return render_template("programme/hours.html", form=state, entries=entries, rows=rows, deletable=deletable,
                           units=hours_mod.per_unit(rows), warnings=hours_mod.warnings(), kind_labels=KIND_LABELS,
                           import_errors=import_errors, can_import=TimeEntryPolicy().can(identity, "import"),
                           activity_names=dict(programme_options(ENTRY_FIELDS[1])),
                           can_report=identity.person_id is not None or is_lead(identity)), status


@bp.get("/hours")
def hours():
    return _hours_page(signed_in())


@bp.post("/hours")
def report_hours():
    identity = signed_in()
    submitted = request.form.copy()
    if not is_lead(identity):
        submitted["person_id"] = str(identity.person_id or "")
    data = forms.parse(ENTRY_FIELDS, submitted)
    try:
        with unit_of_work():
            time_entry_service.create(identity, forms.load(s.TimeEntryIn(), data))
    except InvalidInput as exc:
        return _hours_page(identity, submitted, exc.errors, status=422)
    flash(_("Hours saved."), "success")
    return redirect(url_for(".hours"), 303)


@bp.post("/hours/<uuid:entry_id>/delete")
def delete_hours(entry_id):
    """Remove a wrong entry (own entries; leads any), e.g. to report the week again."""
    identity = signed_in()
    with unit_of_work():
        time_entry_service.delete(identity, entry_id)
    flash(_("The entry was deleted."), "success")
    return redirect(url_for(".hours"), 303)


@bp.post("/hours/import")
def import_hours():
    identity = signed_in()
    upload = request.files.get("file")
    content = upload.read().decode("utf-8-sig", errors="replace") if upload else ""
    try:
        with unit_of_work():
            result = hours_mod.import_csv(identity, content)
            if result["errors"]:
                raise _Rollback(result)
    except _Rollback as stop:
        return _hours_page(identity, import_errors=stop.result["errors"], status=422)
    except InvalidInput as exc:
        return _hours_page(identity, import_errors=[{"line": 1, "messages": [m for ms in exc.errors.values() for m in ms]}],
                           status=422)
    flash(_("%(num)s rows imported.", num=result["imported"]), "success")
    return redirect(url_for(".hours"), 303)


class _Rollback(Exception):
    def __init__(self, result):
        super().__init__("import has errors")
        self.result = result


# ---- status reports ------------------------------------------------------------------------------------
def _subject_options():
    measures = db.session.execute(select(Measure.id, Measure.code, Measure.title).order_by(Measure.code)).all()
    acts = db.session.execute(select(Activity.id, Activity.code, Activity.title).order_by(Activity.code_sort)).all()
    return ([("measure", str(i), f"{code} {text(title)}") for i, code, title in measures]
            + [("activity", str(i), f"{code} {text(title)}") for i, code, title in acts])


@bp.get("/reports")
def reports_list():
    identity = signed_in()
    subjects = {uuid.UUID(i): label for _scope, i, label in _subject_options()}
    return render_template("programme/reports.html", versions=reports.versions(identity), subjects=subjects,
                           options=_subject_options(), can_report=is_lead(identity))


def _lang() -> str:
    lang = current_language()
    return lang if lang in ("nb", "en") else "nb"


@bp.route("/reports/new", methods=["GET", "POST"])
def report_new():
    identity = signed_in()
    scope = request.values.get("scope", "measure")
    try:
        subject_id = uuid.UUID(request.values.get("subject_id", ""))
    except ValueError:
        return redirect(url_for(".reports_list"), 303)
    if scope not in ("measure", "activity"):
        return redirect(url_for(".reports_list"), 303)
    lang = _lang()
    result = reports.draft(identity, scope, subject_id, lang=lang)
    if request.method == "POST":
        sections = {key: (request.form.get(key) or "").strip() for key in s.SECTIONS}
        try:
            data = forms.load(s.StatusReportIn(), {"scope": scope, "subject_id": str(subject_id), "sections": sections})
            with unit_of_work():
                report = reports.save(identity, scope, subject_id, data["sections"])
        except InvalidInput as exc:
            return _report_form(result, sections, exc.errors, lang, 422)
        flash(_("Version %(num)s of the status report is saved.", num=report.number), "success")
        return redirect(url_for(".report_view", report_id=report.id), 303)
    reports.policy.require(identity, "report")
    return _report_form(result, result["sections"], None, lang)


def _report_form(result, sections, errors, lang, status=200):
    preview = reports.printable(sections, result["figures"], lang).to_html(standalone=False)
    return render_template("programme/report_form.html", result=result, sections=sections, errors=errors or {},
                           headings={k: v[lang] for k, v in reports.HEADINGS.items()}, keys=s.SECTIONS,
                           preview=preview), status


@bp.get("/reports/<uuid:report_id>")
def report_view(report_id):
    identity = signed_in()
    report = reports.read(identity, report_id)
    lang = _lang()
    body = reports.printable(report.sections, report.figures, lang, report.number).to_html(standalone=False)
    others = [r for r in reports.versions(identity, report.subject_id)]
    return render_template("programme/report.html", report=report, body=body, versions=others,
                           can_report=is_lead(identity), lang_code=lang)


@bp.get("/reports/<uuid:report_id>/download.<fmt>")
def report_download(report_id, fmt):
    identity = signed_in()
    if fmt not in ("html", "pdf", "docx"):
        return redirect(url_for(".report_view", report_id=report_id), 303)
    report = reports.read(identity, report_id)
    lang = request.args.get("lang") if request.args.get("lang") in ("nb", "en") else _lang()
    body, media_type, name = reports.render(report, fmt, lang)
    disposition = "inline" if fmt == "html" else "attachment"
    return Response(body, mimetype=media_type.split(";")[0],
                    headers={"Content-Disposition": f'{disposition}; filename="{name}"'})
