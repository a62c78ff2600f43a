"""Status reports in the structure of the museum's report form (seed 000), for a whole measure or one
activity: figures computed from the registry, sections pre-filled from them (editable), saved as
immutable numbered versions and rendered with core/printable.py as HTML, PDF and DOCX."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ..core.db import db
from ..core.errors import NotFoundError
from ..core.printable import Printable
from ..vocabularies.service import concept_cache
from . import hours as hours_mod
from .models import Activity, Benefit, Goal, Measure, StatusReport
from .permissions import ProgrammePolicy
from .schemas import SECTIONS
from .service import goal_value, progress

HEADINGS = {
    "name_description": {"nb": "Tiltakets navn og beskrivelse", "en": "Name and description"},
    "responsible": {"nb": "Tiltaksansvarlig", "en": "Responsible"},
    "further_plans": {"nb": "Ytterligere planer ut over tiltaksplanen", "en": "Further plans"},
    "status_category": {"nb": "Status for gjennomføring", "en": "Status category"},
    "results": {"nb": "Resultatrapport eller produkter", "en": "Results or products"},
    "status_description": {"nb": "Beskrivelse av status", "en": "Description of status"},
    "goal_assessment": {"nb": "Vurdering av resultatoppnåelsen", "en": "Assessment of goal attainment"},
    "resource_assessment": {"nb": "Vurdering av ressursbruk", "en": "Assessment of resource use"},
    "challenges": {"nb": "Utfordringer i gjennomføringen", "en": "Challenges"},
    "suggestions": {"nb": "Forslag til neste plan", "en": "Suggestions for the next plan"},
}
WORDS = {
    "report": {"nb": "Statusrapport", "en": "Status report"},
    "version": {"nb": "Versjon {n}, per {day}", "en": "Version {n}, as of {day}"},
    "draft": {"nb": "Utkast per {day}", "en": "Draft as of {day}"},
    "code": {"nb": "Kode", "en": "Code"}, "title": {"nb": "Tittel", "en": "Title"},
    "status": {"nb": "Status", "en": "Status"}, "planned": {"nb": "Timer planlagt", "en": "Hours planned"},
    "used": {"nb": "Timer brukt", "en": "Hours used"}, "goal": {"nb": "Resultatmål", "en": "Result goal"},
    "value": {"nb": "Verdi", "en": "Value"}, "target": {"nb": "Mål", "en": "Target"},
    "progress": {"nb": "Oppnådd", "en": "Attained"}, "unit": {"nb": "Enhet", "en": "Unit"},
    "activities": {"nb": "Aktiviteter", "en": "Activities"}, "goals": {"nb": "Resultatmål", "en": "Result goals"},
    "hours_by_unit": {"nb": "Timer per enhet", "en": "Hours per unit"}, "none": {"nb": "(ingen enhet)", "en": "(no unit)"},
    "printed": {"nb": "Generert fra registeret {day}", "en": "Generated from the registry {day}"},
}
COMPLETED = ("completed-as-planned", "completed-adjusted")
policy = ProgrammePolicy()


def _w(key: str, lang: str, **kw) -> str:
    return WORDS[key][lang].format(**kw)


def _label(value: dict | None, lang: str) -> str:
    value = value or {}
    return value.get(lang) or value.get("nb") or value.get("en") or value.get("nn") or ""


def _status(uri: str) -> dict:
    info = concept_cache.get(uri)
    return {"uri": uri, "code": info.notation if info else uri, "label": dict(info.labels) if info else {}}


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if value != int(value) else str(int(value))


# ---- figures --------------------------------------------------------------------------------------
def subject_of(scope: str, subject_id):
    model = Measure if scope == "measure" else Activity
    obj = db.session.get(model, subject_id)
    if obj is None:
        raise NotFoundError(f"No {scope} with id {subject_id}")
    return obj


def compute_figures(scope: str, subject, as_of: dt.date, memo: bool = False) -> dict:
    """Every number the report shows, computed now; stored with the saved version (`memo`: indicator
    values may come from the page memo — for drafts, not for saved versions)."""
    activities = list(subject.activities) if scope == "measure" else [subject]
    measure_id = subject.id if scope == "measure" else subject.measure_id
    rows = hours_mod.planned_vs_used(measure_id)
    ids = {a.id for a in activities}
    rows = [r for r in rows if r.activity_id in ids]
    by_activity = {r["activity_id"]: r for r in hours_mod.per_activity(rows)}
    goals = list(db.session.scalars(select(Goal).join(Activity).where(Goal.activity_id.in_(ids))
                                    .order_by(Activity.code_sort, Goal.created_at))) if ids else []
    acts = []
    for act in activities:
        hours = by_activity.get(act.id, {"planned": act.planned_hours, "used": 0.0})
        acts.append({"id": str(act.id), "code": act.code, "title": act.title, "status": _status(act.status),
                     "status_date": act.status_date.isoformat() if act.status_date else None,
                     "planned": hours["planned"], "used": hours["used"], "results": act.results or "",
                     "example": act.example,
                     "risks": [r for r in act.risks or [] if r.get("level") == "high"]})
    codes = {a.id: a.code for a in activities}
    goal_rows, cache = [], {}
    for goal in goals:
        value = goal_value(goal, as_of, cache, memo=memo)
        goal_rows.append({"id": str(goal.id), "activity": codes[goal.activity_id], "title": goal.title,
                          "indicator": goal.indicator, "value": value, "target": goal.target,
                          "progress": progress(goal, value)})
    warnings = [w for w in hours_mod.warnings(until=as_of, measure_id=measure_id) if w["activity_id"] in ids]
    benefits = list(db.session.scalars(select(Benefit).where(Benefit.activity_id.in_(ids)).order_by(Benefit.created_at))) \
        if ids else []
    responsible = subject.responsible.name if subject.responsible else ""
    return {
        "as_of": as_of.isoformat(), "scope": scope, "code": subject.code, "title": subject.title,
        "description": subject.description or {}, "responsible": responsible,
        "further_plans": getattr(subject, "further_plans", None) or "",
        "activities": acts, "goals": goal_rows,
        "hours": {"planned": sum(a["planned"] for a in acts), "used": sum(a["used"] for a in acts),
                  "by_unit": [{"unit": u["unit_code"], "planned": u["planned"], "used": u["used"]}
                              for u in hours_mod.per_unit(rows)]},
        "warnings": [{"code": w["code"], "kind": w["kind"], "detail": w["detail"]} for w in warnings],
        "benefits": [{"activity": codes[b.activity_id], "kind": _status(b.kind)["label"], "description": b.description,
                      "expected": b.expected_value, "unit": b.value_unit or "",
                      "realised": sum(r.value for r in b.realisations if r.realised_on <= as_of)} for b in benefits],
    }


def changes_since(previous: dict | None, figures: dict, lang: str) -> list[str]:
    """Plain lines: what moved since the previous saved report (statuses, goal values, hours)."""
    if not previous:
        return []
    out = []
    before = {a["id"]: a for a in previous.get("activities", [])}
    for act in figures["activities"]:
        old = before.get(act["id"])
        if old and old["status"]["uri"] != act["status"]["uri"]:
            out.append(f"{act['code']}: {_label(old['status']['label'], lang)} → {_label(act['status']['label'], lang)}")
    old_goals = {g["id"]: g for g in previous.get("goals", [])}
    for goal in figures["goals"]:
        old = old_goals.get(goal["id"])
        if old and old.get("value") != goal.get("value"):
            out.append(f"{goal['activity']} {_label(goal['title'], lang)}: {_num(old.get('value'))} → {_num(goal['value'])}")
    delta = figures["hours"]["used"] - previous.get("hours", {}).get("used", 0)
    if delta:
        word = "timer ført siden forrige rapport" if lang == "nb" else "hours reported since the last report"
        out.append(f"+{_num(delta)} {word}")
    return out


# ---- pre-filled sections ------------------------------------------------------------------------
def draft_sections(figures: dict, previous: dict | None, lang: str = "nb") -> dict:
    acts = figures["activities"]
    nb = lang == "nb"
    done = [a for a in acts if a["status"]["code"] in COMPLETED]
    started = [a for a in acts if a["status"]["code"] in ("in-progress", "will-complete-by")]
    idle = [a for a in acts if a["status"]["code"] == "not-started"]
    names = lambda items: "; ".join(f"{a['code']} {_label(a['title'], lang)}" for a in items)  # noqa: E731
    if figures["scope"] == "activity":
        act = acts[0]
        category = _label(act["status"]["label"], lang)
        if act["status_date"]:  # "Vil bli gjennomført innen 31.12.2022"; completed: (when)
            category += f" {act['status_date']}" if act["status"]["code"] == "will-complete-by" else f" ({act['status_date']})"
    else:
        codes = {a["status"]["code"] for a in acts}
        key = ("completed-as-planned" if codes and codes <= set(COMPLETED) else
               "in-progress" if done or started else "not-started")
        category = _label(concept_cache.find("activity-status", key).labels, lang) if concept_cache.find(
            "activity-status", key) else key
    status = (f"{len(done)} av {len(acts)} aktiviteter er gjennomført" if nb else
              f"{len(done)} of {len(acts)} activities are completed") + (f": {names(done)}." if done else ".")
    if started:
        status += (f"\n{len(started)} er igangsatt: " if nb else f"\n{len(started)} are in progress: ") + names(started) + "."
    if idle:
        status += (f"\n{len(idle)} er ikke påbegynt." if nb else f"\n{len(idle)} are not started.")
    changes = changes_since(previous, figures, lang)
    if changes:
        status += ("\nEndringer siden forrige rapport:\n" if nb else "\nChanges since the last report:\n") + "\n".join(changes)
    goals = figures["goals"]
    reached = [g for g in goals if g["progress"] is not None and g["progress"] >= 1]
    goal_text = (f"{len(reached)} av {len(goals)} resultatmål er nådd." if nb else
                 f"{len(reached)} of {len(goals)} result goals are reached.")
    for g in goals:
        share = "" if g["progress"] is None else f" ({round(100 * g['progress'])} %)"
        of = "av" if nb else "of"
        goal_text += f"\n{g['activity']} {_label(g['title'], lang)}: {_num(g['value'])} {of} {_num(g['target'])}{share}"
    for b in figures.get("benefits", []):
        word = ("realisert {r} av forventet {e}" if nb else "realised {r} of expected {e}").format(
            r=_num(b["realised"]), e=_num(b["expected"]))
        what = f"{b['activity']} {_label(b['kind'], lang)}: {_label(b['description'], lang)}"
        goal_text += f"\n{what} – {word} {b['unit']}".rstrip()
    hours = figures["hours"]
    share = f" ({round(100 * hours['used'] / hours['planned'])} %)" if hours["planned"] else ""
    resource = (f"Planlagt {_num(hours['planned'])} timer, ført {_num(hours['used'])} timer{share}." if nb else
                f"Planned {_num(hours['planned'])} hours, reported {_num(hours['used'])} hours{share}.")
    challenges = [w["code"] + ": " + w["detail"] for w in figures["warnings"]]
    challenges += [f"{a['code']}: {r['title']}" for a in acts for r in a["risks"]]
    return {
        "name_description": (f"{figures['code']}. {_label(figures['title'], lang)}\n"
                             f"{_label(figures['description'], lang)}").strip(),
        "responsible": figures["responsible"],
        "further_plans": figures["further_plans"],
        "status_category": category,
        "results": "\n".join(f"{a['code']}: {a['results']}" for a in acts if a["results"]),
        "status_description": status,
        "goal_assessment": goal_text,
        "resource_assessment": resource,
        "challenges": "\n".join(challenges),
        "suggestions": "",
    }


def latest(subject_id) -> StatusReport | None:
    return db.session.scalar(select(StatusReport).where(StatusReport.subject_id == subject_id)
                             .order_by(StatusReport.number.desc()).limit(1))


def draft(identity, scope: str, subject_id, as_of: dt.date | None = None, lang: str = "nb") -> dict:
    policy.require(identity, "read")
    subject = subject_of(scope, subject_id)
    as_of = as_of or dt.date.today()
    figures = compute_figures(scope, subject, as_of, memo=True)
    previous = latest(subject.id)
    return {"scope": scope, "subject_id": subject.id, "period_end": as_of, "figures": figures,
            "sections": draft_sections(figures, previous.figures if previous else None, lang),
            "previous": previous}


def save(identity, scope: str, subject_id, sections: dict, as_of: dt.date | None = None) -> StatusReport:
    """A new immutable version; the figures are recomputed so the stored numbers are the registry's."""
    policy.require(identity, "report")
    subject = subject_of(scope, subject_id)
    as_of = as_of or dt.date.today()
    number = (db.session.scalar(select(func.max(StatusReport.number)).where(StatusReport.subject_id == subject.id)) or 0) + 1
    report = StatusReport(scope=scope, subject_id=subject.id, number=number, period_end=as_of,
                          sections={key: sections.get(key) or "" for key in SECTIONS},
                          figures=compute_figures(scope, subject, as_of), created_by=identity.name)
    db.session.add(report)
    db.session.flush()
    return report


def read(identity, report_id) -> StatusReport:
    policy.require(identity, "read")
    report = db.session.get(StatusReport, report_id)
    if report is None:
        raise NotFoundError(f"No status report with id {report_id}")
    return report


def versions(identity, subject_id=None) -> list[StatusReport]:
    policy.require(identity, "list")
    stmt = select(StatusReport).order_by(StatusReport.created_at.desc(), StatusReport.number.desc())
    if subject_id is not None:
        stmt = stmt.where(StatusReport.subject_id == subject_id)
    return list(db.session.scalars(stmt.limit(500)))


# ---- rendering ---------------------------------------------------------------------------------------
def printable(sections: dict, figures: dict, lang: str = "nb", number: int | None = None) -> Printable:
    day = figures["as_of"]
    subtitle = _w("version", lang, n=number, day=day) if number else _w("draft", lang, day=day)
    doc = Printable(title=f"{_w('report', lang)}: {figures['code']} {_label(figures['title'], lang)}", subtitle=subtitle,
                    lang=lang, footer=_w("printed", lang, day=day))
    for key in SECTIONS:
        doc.heading(HEADINGS[key][lang], level=1)
        doc.paragraph(sections.get(key) or "")
        if key == "status_description":
            doc.table([_w(k, lang) for k in ("code", "title", "status", "planned", "used")],
                      [[a["code"], _label(a["title"], lang), _label(a["status"]["label"], lang), _num(a["planned"]),
                        _num(a["used"])] for a in figures["activities"]], caption=_w("activities", lang))
        elif key == "goal_assessment" and figures["goals"]:
            doc.table([_w(k, lang) for k in ("code", "goal", "value", "target", "progress")],
                      [[g["activity"], _label(g["title"], lang), _num(g["value"]), _num(g["target"]),
                        "–" if g["progress"] is None else f"{round(100 * g['progress'])} %"] for g in figures["goals"]],
                      caption=_w("goals", lang))
        elif key == "resource_assessment":
            doc.table([_w(k, lang) for k in ("unit", "planned", "used")],
                      [[u["unit"] or _w("none", lang), _num(u["planned"]), _num(u["used"])]
                       for u in figures["hours"]["by_unit"]], caption=_w("hours_by_unit", lang))
    return doc


def render(report: StatusReport, fmt: str, lang: str = "nb") -> tuple[bytes, str, str]:
    """(body, media type, file name)."""
    doc = printable(report.sections, report.figures, lang, report.number)
    name = f"statusrapport-{report.figures['code']}-v{report.number}".replace(" ", "-")
    if fmt == "pdf":
        return doc.to_pdf(), "application/pdf", name + ".pdf"
    if fmt == "docx":
        return (doc.to_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", name + ".docx")
    return doc.to_html().encode("utf-8"), "text/html; charset=utf-8", name + ".html"
