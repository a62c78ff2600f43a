"""REST API of the programme: measures, activities, goals, indicators, hours, benefits, status reports."""
from __future__ import annotations

from flask import Response, jsonify, request
from flask_smorest import Blueprint

from ..auth.current import current_identity
from ..core.api import ApiView, expected_version, register_crud, with_etag
from ..core.db import db
from ..core.errors import InvalidInput
from . import hours, indicators, reports
from . import schemas as s
from .service import activity_service, benefit_service, goal_service, measure_service, time_entry_service

programme = Blueprint("programme", __name__, url_prefix="/api/v1/programme",
                      description="The digital-infrastructure programme: measures, activities, result goals, hours, "
                                  "benefits and status reports")

for _service, _name, _url, _in, _patch, _out, _args in (
        (measure_service, "measure", "/measures", s.MeasureIn, s.MeasurePatch, s.MeasureOut, s.MeasureArgs),
        (activity_service, "activity", "/activities", s.ActivityIn, s.ActivityPatch, s.ActivityOut, s.ActivityArgs),
        (goal_service, "goal", "/goals", s.GoalIn, s.GoalPatch, s.GoalOut, s.GoalArgs),
        (time_entry_service, "time_entry", "/hours", s.TimeEntryIn, s.TimeEntryPatch, s.TimeEntryOut, s.TimeEntryArgs),
        (benefit_service, "benefit", "/benefits", s.BenefitIn, s.BenefitPatch, s.BenefitOut, s.BenefitArgs)):
    register_crud(programme, _service, name=_name, in_schema=_in, patch_schema=_patch, out_schema=_out,
                  args_schema=_args, url=_url, identity_getter=current_identity)

_policy = activity_service.policy
_hours_policy = time_entry_service.policy


@programme.route("/indicators", endpoint="indicators")
class Indicators(ApiView):
    rules = {"get": (_policy, "list")}

    @programme.arguments(s.ProgrammeIndicatorArgs, location="query")
    @programme.response(200, s.ProgrammeIndicatorOut(many=True))
    def get(self, args):
        """Every registry indicator a goal can name, with its value (computed now)."""
        import datetime as dt

        _policy.require(current_identity(), "list")
        as_of = args.get("as_of") or dt.date.today()
        return [{"name": i.name, "label": i.label, "description": i.description, "area": i.area,
                 "value": indicators.compute(db.session, i.name, as_of)} for i in indicators.indicators().values()]


@programme.route("/benefits/<uuid:record_id>/realisations", endpoint="benefit_realisations")
class Realisations(ApiView):
    rules = {"post": (_policy, "update")}

    @programme.arguments(s.BenefitRealisationIn)
    @programme.response(201, s.BenefitOut)
    def post(self, data, record_id):
        """Record a realised benefit (value on a date); needs the benefit's version (body is the realisation,
        so send it as If-Match)."""
        version = expected_version({})
        return with_etag(benefit_service.record_realisation(current_identity(), record_id, data, version), 201)


@programme.route("/hours/import", endpoint="hours_import")
class HoursImport(ApiView):
    rules = {"post": (_hours_policy, "import")}

    @programme.response(200, s.HoursImportResult)
    def post(self):
        """CSV (text/csv body or multipart field `file`) with columns person (e-mail), activity (code), week
        (2026-W47), hours, note. All rows or none: with any error nothing is stored (422 with the errors per line)."""
        upload = request.files.get("file")
        content = (upload.read() if upload else request.get_data()).decode("utf-8-sig", errors="replace")
        result = hours.import_csv(current_identity(), content)
        if result["errors"]:
            raise InvalidInput("Nothing was imported: fix the lines listed.", errors={"lines": result["errors"]})
        return result


@programme.route("/hours/summary", endpoint="hours_summary")
class HoursSummary(ApiView):
    rules = {"get": (_policy, "list")}

    @programme.response(200, s.HoursSummaryRow(many=True))
    def get(self):
        """Planned versus used hours per activity and unit."""
        _policy.require(current_identity(), "list")
        return [vars(row) for row in hours.planned_vs_used()]


@programme.route("/hours/warnings", endpoint="hours_warnings")
class HoursWarnings(ApiView):
    rules = {"get": (_policy, "list")}

    @programme.arguments(s.HoursWindowArgs, location="query")
    @programme.response(200, s.HoursWarningOut(many=True))
    def get(self, args):
        """Activities with hours but no progress, progress but no hours (in the window), or more hours than planned."""
        _policy.require(current_identity(), "list")
        return hours.warnings(args.get("since"), args.get("until"))


@programme.route("/reports", endpoint="reports")
class Reports(ApiView):
    rules = {"get": (_policy, "list"), "post": (_policy, "report")}

    @programme.arguments(s.StatusReportListArgs, location="query")
    @programme.response(200, s.StatusReportOut(many=True))
    def get(self, args):
        """Saved status report versions, newest first."""
        return reports.versions(current_identity(), args.get("subject_id"))

    @programme.arguments(s.StatusReportIn)
    @programme.response(201, s.StatusReportOut)
    def post(self, data):
        """Save a new version of a status report (figures are recomputed from the registry)."""
        return reports.save(current_identity(), data["scope"], data["subject_id"], data["sections"], data.get("as_of"))


@programme.route("/reports/draft", endpoint="report_draft")
class ReportDraft(ApiView):
    rules = {"get": (_policy, "read")}

    @programme.arguments(s.StatusReportDraftArgs, location="query")
    @programme.response(200, s.StatusReportOut)
    def get(self, args):
        """A pre-filled report (not saved): sections from indicator values, hours and changes since the last report."""
        result = reports.draft(current_identity(), args["scope"], args["subject_id"], args.get("as_of"))
        return {"scope": result["scope"], "subject_id": result["subject_id"], "period_end": result["period_end"],
                "sections": result["sections"], "figures": result["figures"]}


@programme.route("/reports/<uuid:report_id>", endpoint="report")
class Report(ApiView):
    rules = {"get": (_policy, "read")}

    @programme.arguments(s.StatusReportFileArgs, location="query")
    @programme.response(200, s.StatusReportOut)
    def get(self, args, report_id):
        """One saved version: JSON without `format`; the document with format=html|pdf|docx (and lang=nb|en)."""
        report = reports.read(current_identity(), report_id)
        if "format" not in request.args:
            return jsonify(s.StatusReportOut().dump(report))
        body, media_type, name = reports.render(report, args["format"], args["lang"])
        disposition = "inline" if args["format"] == "html" else "attachment"
        return Response(body, mimetype=media_type.split(";")[0], headers={
            "Content-Disposition": f'{disposition}; filename="{name}"'})


blueprints = (programme,)
