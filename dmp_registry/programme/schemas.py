"""Input and output of the programme API. Three list fields of an activity (units with planned hours,
risks, links) also accept text, one item per line, so the HTML form can edit them as a textarea:

    units:  "INH: 400"            (unit code or id, colon, planned hours)
    risks:  "high | Few people have time | Dedicated project lead"   (level | title | mitigation)
    links:  "dataset: <uuid>"     (kind, colon, id)
History snapshots store that text form, so the change history reads like the form."""
from __future__ import annotations

import datetime as dt
import re

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.schemas import (
    BaseSchema, ConceptOut, ConceptRef, Date, LangText, PageArgs, PatchSchemaMixin, RangeCheckMixin, SmallInt, Text,
    sort_field,
)
from ..datasets.schemas import PersonBrief
from ..organisation.schemas import RecordOut

RISK_LEVELS = ("low", "medium", "high")
LINK_KINDS = ("dataset", "it_system", "data_flow", "project", "plan")
WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(value: str) -> dt.date:
    """Monday of ISO week "2026-W47"; ValueError when there is no such week."""
    match = WEEK.match(value or "")
    if not match:
        raise ValueError("Give the ISO week as YYYY-Www, e.g. 2026-W47.")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValueError(f"{value} is not a week of {year}.") from exc


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class ActivityUnitPlan(BaseSchema):
    unit = Text(required=True, min_length=1, max_length=60, metadata={"description": "Unit id or unit code"})
    planned_hours = SmallInt(load_default=0, maximum=100_000)


class ActivityRisk(BaseSchema):
    title = Text(required=True, min_length=1, max_length=300)
    level = fields.String(load_default="medium", validate=validate.OneOf(RISK_LEVELS))
    mitigation = Text(allow_none=True, max_length=1000)


class ActivityLink(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(LINK_KINDS))
    id = fields.UUID(required=True)


def _units_line(line: str) -> dict:
    unit, _, hours = line.partition(":")
    hours = hours.strip() or "0"
    return {"unit": unit.strip(), "planned_hours": int(hours) if hours.isdigit() else hours}


def _risk_line(line: str) -> dict:
    parts = [p.strip() for p in line.split("|")]
    if len(parts) == 1:
        return {"title": parts[0]}
    return {"level": parts[0], "title": parts[1], "mitigation": parts[2] if len(parts) > 2 and parts[2] else None}


def _link_line(line: str) -> dict:
    kind, _, ident = line.partition(":")
    return {"kind": kind.strip(), "id": ident.strip()}


class LinesOrList(fields.Field):
    """A list of `schema` objects, given as JSON list or as text with one item per line."""

    def __init__(self, schema, parse_line, format_line, **kwargs):
        self.schema, self.parse_line, self.format_line = schema, parse_line, format_line
        kwargs.setdefault("allow_none", True)  # an empty textarea
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [self.parse_line(line) for line in value.splitlines() if line.strip()]
        if not isinstance(value, list) or len(value) > 100:
            raise ValidationError("Give a list (at most 100 items) or one item per line.")
        errors, items = {}, []
        for i, item in enumerate(value):
            try:
                items.append(self.schema().load(item if isinstance(item, dict) else {}))
            except ValidationError as exc:
                errors[i] = exc.messages
        if errors:
            raise ValidationError(_line_messages(errors))
        return items

    def _serialize(self, value, attr, obj, **kwargs):
        return "\n".join(self.format_line(v) for v in value or [])


def _line_messages(errors: dict) -> list[str]:
    out = []
    for index, messages in errors.items():
        for field, texts in (messages.items() if isinstance(messages, dict) else [("", messages)]):
            for text in texts if isinstance(texts, list) else [texts]:
                out.append(f"Line {index + 1}: {field + ': ' if field else ''}{text}")
    return out


def units_field(**kw):
    return LinesOrList(ActivityUnitPlan, _units_line, lambda u: f"{u['unit']}: {u['planned_hours']}", **kw)


def risks_field(**kw):
    return LinesOrList(ActivityRisk, _risk_line, lambda r: " | ".join(
        [r.get("level") or "medium", r["title"]] + ([r["mitigation"]] if r.get("mitigation") else [])), **kw)


def links_field(**kw):
    return LinesOrList(ActivityLink, _link_line, lambda link: f"{link['kind']}: {link['id']}", **kw)


# ---- measures ----------------------------------------------------------------------------------
class MeasureIn(BaseSchema):
    code = Text(required=True, min_length=1, max_length=40)
    programme = LangText()
    title = LangText(required=True)
    description = LangText(long=True)
    responsible_id = fields.UUID(allow_none=True)
    further_plans = Text(allow_none=True, max_length=5000)


class MeasurePatch(PatchSchemaMixin, MeasureIn):
    pass


class MeasureOut(RecordOut):
    code = fields.String()
    programme = fields.Dict(keys=fields.String(), values=fields.String())
    title = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.Dict(keys=fields.String(), values=fields.String())
    responsible = fields.Nested(PersonBrief, allow_none=True)
    further_plans = fields.String(allow_none=True)


class MeasureRecord(MeasureIn):
    pass


class MeasureArgs(PageArgs):
    sort = sort_field("code", "updated", default="code")


# ---- activities --------------------------------------------------------------------------------
class ActivityIn(RangeCheckMixin, BaseSchema):
    date_ranges = (("period_start", "period_end"),)

    measure_id = fields.UUID(required=True)
    code = Text(required=True, min_length=1, max_length=40, metadata={"description": "e.g. 25.3"})
    title = LangText(required=True)
    description = LangText(long=True)
    responsible_id = fields.UUID(allow_none=True)
    period_start = Date(allow_none=True)
    period_end = Date(allow_none=True)
    planned_hours = SmallInt(load_default=0, allow_none=True, maximum=100_000)
    status = ConceptRef("activity-status", required=True)
    status_date = Date(allow_none=True, metadata={
        "description": "For 'will be completed by': the date; for completed: when it was completed"})
    results = Text(allow_none=True, max_length=5000, metadata={"description": "Results or products that show the work"})
    units = units_field(metadata={"description": "[{unit (id or code), planned_hours}] or lines 'CODE: hours'"})
    depends_on_ids = fields.List(fields.UUID(), validate=validate.Length(max=50))
    risks = risks_field(metadata={"description": "[{title, level: low|medium|high, mitigation}] or lines "
                                                 "'level | title | mitigation'"})
    links = links_field(metadata={"description": "Records the activity concerns: [{kind, id}] or lines 'kind: id'; "
                                                 f"kind one of {', '.join(LINK_KINDS)}"})
    example = fields.Boolean(metadata={"description": "Invented example (demo data), not from the action plan"})


class ActivityPatch(PatchSchemaMixin, ActivityIn):
    pass


class ActivityBrief(BaseSchema):
    id = fields.UUID()
    code = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())


class UnitPlanOut(BaseSchema):
    unit_id = fields.UUID()
    code = fields.Method("_code")
    planned_hours = fields.Integer()

    def _code(self, obj):
        return obj.unit.code


class ActivityOut(RecordOut):
    measure_id = fields.UUID()
    code = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.Dict(keys=fields.String(), values=fields.String())
    responsible = fields.Nested(PersonBrief, allow_none=True)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    planned_hours = fields.Integer()
    used_hours = fields.Float(metadata={"description": "Hours reported on the activity"})
    status = ConceptOut()
    status_date = fields.Date(allow_none=True)
    results = fields.String(allow_none=True)
    units = fields.List(fields.Nested(UnitPlanOut))
    depends_on = fields.List(fields.Nested(ActivityBrief))
    risks = fields.List(fields.Nested(ActivityRisk))
    links = fields.List(fields.Nested(ActivityLink))
    example = fields.Boolean()


class ActivityRecord(ActivityIn):
    """Stored form for history snapshots and forms (list fields as text)."""

    units = fields.Method("_units")
    depends_on_ids = fields.Method("_depends")

    def _units(self, obj):
        return "\n".join(f"{u.unit.code}: {u.planned_hours}" for u in obj.units)

    def _depends(self, obj):
        return [str(a.id) for a in obj.depends_on]


class ActivityArgs(PageArgs):
    q = Text(max_length=200, metadata={"description": "Part of the code or title"})
    measure_id = fields.UUID()
    status = fields.String(validate=validate.Length(max=500))
    responsible_id = fields.UUID()
    sort = sort_field("code", "updated", default="code")


# ---- goals -------------------------------------------------------------------------------------
class GoalIn(BaseSchema):
    activity_id = fields.UUID(required=True)
    title = LangText(required=True)
    indicator = fields.String(allow_none=True, validate=validate.Length(max=80),
                              metadata={"description": "Name of a registry indicator (GET /api/v1/programme/indicators);"
                                                       " empty for a goal whose value is entered"})
    target = fields.Float(required=True, validate=validate.Range(min=0, max=1e9, min_inclusive=False))
    baseline = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1e9))
    current_value = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1e9))
    current_date = Date(allow_none=True)
    due = Date(allow_none=True)

    @validates_schema(skip_on_field_errors=False)
    def _entered_or_computed(self, data, **kwargs):
        from .indicators import get

        name = data.get("indicator")
        if name and get(name) is None:
            raise ValidationError(f"Unknown indicator: {name}", "indicator")
        if name and data.get("current_value") is not None:
            raise ValidationError("A computed goal takes its value from the indicator; leave the value empty.",
                                  "current_value")


class GoalPatch(PatchSchemaMixin, GoalIn):
    pass


class GoalTrendPoint(BaseSchema):
    day = fields.Date()
    value = fields.Float()


class GoalOut(RecordOut):
    activity_id = fields.UUID()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    indicator = fields.String(allow_none=True)
    target = fields.Float()
    baseline = fields.Float()
    current_value = fields.Float(allow_none=True, metadata={"description": "Entered value (entered goals)"})
    current_date = fields.Date(allow_none=True)
    due = fields.Date(allow_none=True)
    value = fields.Float(allow_none=True, metadata={"description": "Current value: computed now, or the entered one"})
    progress = fields.Float(allow_none=True, metadata={"description": "Share of the way from baseline to target, 0–1"})
    trend = fields.List(fields.Nested(GoalTrendPoint), metadata={"description": "Daily snapshots, oldest first"})


class GoalRecord(GoalIn):
    pass


class GoalArgs(PageArgs):
    activity_id = fields.UUID()
    sort = sort_field("created", "updated", default="created")


class ProgrammeIndicatorOut(BaseSchema):
    name = fields.String()
    label = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.Dict(keys=fields.String(), values=fields.String())
    area = fields.String()
    value = fields.Float()


class ProgrammeIndicatorArgs(BaseSchema):
    as_of = Date(metadata={"description": "Day to compute for (default today)"})


# ---- hours -------------------------------------------------------------------------------------
class WeekField(Text):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parse_week(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        return text


class TimeEntryIn(BaseSchema):
    person_id = fields.UUID(required=True)
    activity_id = fields.UUID(required=True)
    week = WeekField(required=True, max_length=8, metadata={"description": "ISO week, e.g. 2026-W47"})
    hours = fields.Float(required=True, validate=validate.Range(min=0, max=100, min_inclusive=False))
    note = Text(allow_none=True, max_length=500)


class TimeEntryPatch(PatchSchemaMixin, TimeEntryIn):
    pass


class TimeEntryOut(RecordOut):
    person = fields.Nested(PersonBrief)
    activity_id = fields.UUID()
    unit_id = fields.UUID(allow_none=True)
    week = fields.String()
    week_start = fields.Date()
    hours = fields.Float()
    note = fields.String(allow_none=True)


class TimeEntryRecord(TimeEntryIn):
    pass


class TimeEntryArgs(PageArgs):
    activity_id = fields.UUID()
    person_id = fields.UUID()
    week_from = WeekField(max_length=8)
    week_to = WeekField(max_length=8)
    sort = sort_field("week", "updated", default="-week")


class HoursImportResult(BaseSchema):
    imported = fields.Integer()
    errors = fields.List(fields.Dict(), metadata={"description": "[{line, messages}] — nothing is imported when any"})


class HoursSummaryRow(BaseSchema):
    activity_id = fields.UUID()
    code = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    unit_id = fields.UUID(allow_none=True)
    unit_code = fields.String(allow_none=True)
    planned = fields.Float()
    used = fields.Float()


class HoursWarningOut(BaseSchema):
    activity_id = fields.UUID()
    code = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    kind = fields.String(metadata={"description": "hours_without_progress | progress_without_hours | over_plan"})
    hours = fields.Float()
    detail = fields.String()


class HoursWindowArgs(BaseSchema):
    since = Date(metadata={"description": "Start of the window (default: 8 weeks ago)"})
    until = Date(metadata={"description": "End of the window (default: today)"})


# ---- benefits ----------------------------------------------------------------------------------
class BenefitRealisationIn(BaseSchema):
    realised_on = Date(required=True)
    value = fields.Float(required=True, validate=validate.Range(min=-1e9, max=1e9))
    note = Text(allow_none=True, max_length=500)


def _realisation_line(line: str) -> dict:
    parts = [p.strip() for p in line.split("|")]
    return {"realised_on": parts[0], "value": parts[1] if len(parts) > 1 else None,
            "note": parts[2] if len(parts) > 2 and parts[2] else None}


def _format_realisation(r) -> str:
    day = r["realised_on"].isoformat() if hasattr(r["realised_on"], "isoformat") else r["realised_on"]
    return " | ".join([day, f"{r['value']:g}"] + ([r["note"]] if r.get("note") else []))


class BenefitIn(BaseSchema):
    activity_id = fields.UUID(required=True)
    kind = ConceptRef("benefit-kind", required=True)
    description = LangText(required=True)
    measured_by = Text(required=True, min_length=1, max_length=2000, metadata={"description": "How it will be measured"})
    expected_value = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1e9))
    value_unit = Text(allow_none=True, max_length=60)
    realisations = LinesOrList(BenefitRealisationIn, _realisation_line, _format_realisation,
                               metadata={"description": "[{realised_on, value, note}] or lines 'date | value | note'"})


class BenefitPatch(PatchSchemaMixin, BenefitIn):
    pass


class BenefitOut(RecordOut):
    activity_id = fields.UUID()
    kind = ConceptOut()
    description = fields.Dict(keys=fields.String(), values=fields.String())
    measured_by = fields.String()
    expected_value = fields.Float(allow_none=True)
    value_unit = fields.String(allow_none=True)
    realised_value = fields.Float(metadata={"description": "Sum of recorded realisations"})
    realisations = fields.List(fields.Nested(BenefitRealisationIn))


class BenefitRecord(BenefitIn):
    realisations = fields.Method("_realisations")

    def _realisations(self, obj):
        return "\n".join(_format_realisation({"realised_on": r.realised_on, "value": r.value, "note": r.note})
                         for r in obj.realisations)


class BenefitArgs(PageArgs):
    activity_id = fields.UUID()
    sort = sort_field("created", "updated", default="created")


# ---- status reports ----------------------------------------------------------------------------
SECTIONS = ("name_description", "responsible", "further_plans", "status_category", "results", "status_description",
            "goal_assessment", "resource_assessment", "challenges", "suggestions")


class StatusReportDraftArgs(BaseSchema):
    scope = fields.String(required=True, validate=validate.OneOf(("measure", "activity")))
    subject_id = fields.UUID(required=True)
    as_of = Date()


# one text per section of the report form
StatusReportSections = type("StatusReportSections", (BaseSchema,),
                            {key: Text(allow_none=True, max_length=20_000) for key in SECTIONS})


class StatusReportIn(BaseSchema):
    scope = fields.String(required=True, validate=validate.OneOf(("measure", "activity")))
    subject_id = fields.UUID(required=True)
    as_of = Date(metadata={"description": "End of the reporting period (default today)"})
    sections = fields.Nested(StatusReportSections, required=True)


class StatusReportOut(BaseSchema):
    id = fields.UUID()
    scope = fields.String()
    subject_id = fields.UUID()
    number = fields.Integer(metadata={"description": "Version number of this subject's report (1, 2, …)"})
    period_end = fields.Date()
    sections = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))
    figures = fields.Dict()
    created_at = fields.DateTime()
    created_by = fields.String()


class StatusReportListArgs(BaseSchema):
    subject_id = fields.UUID()


class StatusReportFileArgs(BaseSchema):
    format = fields.String(load_default="html", validate=validate.OneOf(("html", "pdf", "docx")))
    lang = fields.String(load_default="nb", validate=validate.OneOf(("nb", "en")))
