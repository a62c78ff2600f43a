"""REST API of priorities: assessments (CRUD, workflow, comments), worklists and their export,
changes since a date, custodians leaving, the dashboard, the scoring model and rescue intakes."""
from __future__ import annotations

from dataclasses import asdict

from flask import Response
from flask_smorest import Blueprint
from marshmallow import fields

from ..auth.current import current_identity
from ..core.api import ApiView, expected_version, register_crud, with_etag
from ..core.schemas import BaseSchema
from . import schemas as s
from . import worklists
from .models import KINDS
from .scores import current_model, model_history, model_policy, update_model
from .service import assessment_service, rescue_service

assessments = Blueprint("assessments", __name__, url_prefix="/api/v1/assessments",
                        description="Curators' assessments of datasets: risk, value, readiness, effort; workflow")
priorities = Blueprint("priorities", __name__, url_prefix="/api/v1/priorities",
                       description="Priority lists for securing and publishing, the scoring model, dashboard")
rescue = Blueprint("rescue_intakes", __name__, url_prefix="/api/v1/rescue-intakes",
                   description="Data rescue (seniordata): a researcher lists holdings before leaving")

register_crud(assessments, assessment_service, name="assessment", in_schema=s.AssessmentIn,
              patch_schema=s.AssessmentPatch, out_schema=s.AssessmentOut, args_schema=s.AssessmentArgs,
              identity_getter=current_identity)
_policy = assessment_service.policy


@assessments.route("/<uuid:record_id>/transition", endpoint="assessment_transition")
class Transition(ApiView):
    rules = {"post": (_policy, "transition")}

    @assessments.arguments(s.AssessmentTransitionIn)
    @assessments.response(200, s.AssessmentOut)
    def post(self, data, record_id):
        """Move the workflow: identified → assessed → in_progress → secured / published → verified (else 422)."""
        version = expected_version(data)
        return with_etag(assessment_service.transition(current_identity(), record_id, data["state"], version))


@assessments.route("/<uuid:record_id>/comments", endpoint="assessment_comments")
class Comments(ApiView):
    rules = {"post": (_policy, "comment")}

    @assessments.arguments(s.AssessmentCommentIn)
    @assessments.response(201, s.AssessmentCommentOut)
    def post(self, data, record_id):
        """Comment on an assessment (curators; researchers on their own datasets' assessments)."""
        return assessment_service.comment(current_identity(), record_id, data["text"])


def _kind(kind):
    if kind not in KINDS:
        from ..core.errors import NotFoundError

        raise NotFoundError(f"No worklist '{kind}'; use one of {', '.join(KINDS)}")
    return kind


@priorities.route("/worklists/<kind>", endpoint="worklist")
class Worklist(ApiView):
    rules = {"get": (_policy, "worklist")}

    @priorities.arguments(s.PriorityWorklistArgs, location="query")
    @priorities.response(200, s.PriorityWorklistPage)
    def get(self, args, kind):
        """Datasets ranked by their securing or publishing score (highest first)."""
        page = worklists.worklist(current_identity(), _kind(kind), args)
        return {"items": [asdict(i) for i in page.items], "total": page.total, "page": page.page,
                "per_page": page.per_page}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@priorities.route("/worklists/<kind>/export.csv", endpoint="worklist_export_csv")
class WorklistExportCsv(ApiView):
    rules = {"get": (_policy, "export")}

    @priorities.arguments(s.PriorityWorklistArgs, location="query")
    @priorities.response(200, fields.String(), content_type="text/csv")
    def get(self, args, kind):
        """The list (up to 10,000 rows) as CSV, for meetings."""
        return export_response(worklists.export_rows(current_identity(), _kind(kind), args), kind, "csv")


@priorities.route("/worklists/<kind>/export.xlsx", endpoint="worklist_export_xlsx")
class WorklistExportXlsx(ApiView):
    rules = {"get": (_policy, "export")}

    @priorities.arguments(s.PriorityWorklistArgs, location="query")
    @priorities.response(200, fields.String(metadata={"format": "binary"}), content_type=XLSX)
    def get(self, args, kind):
        """The list (up to 10,000 rows) as an Excel workbook (XLSX), for meetings."""
        return export_response(worklists.export_rows(current_identity(), _kind(kind), args), kind, "xlsx")


def export_response(rows, kind: str, fmt: str) -> Response:
    name = f"{kind}-priorities.{fmt}"
    if fmt == "csv":
        return Response(worklists.to_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return Response(worklists.to_xlsx(rows, f"{kind} priorities"), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


class PriorityChangeItemOut(BaseSchema):
    assessment_id = fields.UUID()
    title = fields.String()
    at = fields.DateTime()
    actor_name = fields.String()
    changes = fields.Dict()


class PriorityChangesOut(BaseSchema):
    since = fields.Date()
    assessments = fields.List(fields.Nested(PriorityChangeItemOut))
    scores = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(s.PriorityWorklistItemOut)))


@priorities.route("/changes", endpoint="changes")
class Changes(ApiView):
    rules = {"get": (_policy, "worklist")}

    @priorities.arguments(s.PriorityChangesArgs, location="query")
    @priorities.response(200, PriorityChangesOut)
    def get(self, args):
        """What changed since a date: assessment edits and comments, and scores that moved."""
        result = worklists.changed_since(current_identity(), args["since"])
        return {"since": result["since"],
                "assessments": [{"assessment_id": e["change"].entity_id, "title": e["title"], "at": e["change"].at,
                                 "actor_name": e["change"].actor_name, "changes": e["change"].changes}
                                for e in result["assessments"]],
                "scores": {kind: [asdict(i) for i in items] for kind, items in result["scores"].items()}}


class LeavingDatasetOut(BaseSchema):
    dataset_id = fields.UUID()
    title = fields.String()
    state = fields.String()
    score = fields.Integer(allow_none=True)
    band = fields.String(allow_none=True)


class LeavingCustodianOut(BaseSchema):
    person_id = fields.UUID()
    name = fields.String()
    leaves = fields.Date()
    days_left = fields.Integer()
    datasets = fields.List(fields.Nested(LeavingDatasetOut))


@priorities.route("/custodians-leaving", endpoint="custodians_leaving")
class CustodiansLeaving(ApiView):
    rules = {"get": (_policy, "leaving")}

    @priorities.response(200, LeavingCustodianOut(many=True))
    def get(self):
        """Custodians leaving within 12 months whose datasets are unassessed or not yet secured."""
        return [{"person_id": e["person"].id, "name": e["person"].name, "leaves": e["leaves"],
                 "days_left": e["days_left"], "datasets": e["datasets"]}
                for e in worklists.custodians_leaving(current_identity())]


class PriorityUnitCounts(BaseSchema):
    unit_id = fields.UUID(allow_none=True)
    unit = fields.String(allow_none=True)
    datasets = fields.Integer()
    assessed = fields.Integer()
    secured = fields.Integer()
    published = fields.Integer()


class PriorityMonthCounts(BaseSchema):
    month = fields.String()
    assessed = fields.Integer()
    secured = fields.Integer()
    published = fields.Integer()


class PriorityDashboardOut(BaseSchema):
    per_unit = fields.List(fields.Nested(PriorityUnitCounts))
    series = fields.List(fields.Nested(PriorityMonthCounts))


@priorities.route("/dashboard", endpoint="dashboard")
class Dashboard(ApiView):
    rules = {"get": (_policy, "dashboard")}

    @priorities.response(200, PriorityDashboardOut)
    def get(self):
        """Datasets assessed, secured and published per unit, and as running totals per month."""
        data = worklists.dashboard(current_identity())
        return {"per_unit": [{"unit_id": r["unit"].id if r["unit"] else None, "unit": r["unit"].code if r["unit"] else None,
                              **{k: r[k] for k in ("datasets", "assessed", "secured", "published")}}
                             for r in data["per_unit"]], "series": data["series"]}


@priorities.route("/model", endpoint="model")
class Model(ApiView):
    rules = {"get": (model_policy, "read"), "put": (model_policy, "update")}

    @priorities.response(200, s.ScoringModelOut)
    def get(self):
        """The scoring model in force (weights, floors, bands, tables)."""
        model_policy.require(current_identity(), "read")
        return current_model()

    @priorities.arguments(s.ScoringModelIn)
    @priorities.response(200, s.ScoringModelOut)
    def put(self, data):
        """A new model version (admins): audited, and every score is recomputed."""
        return update_model(current_identity(), data["weights"], data.get("note"), data.get("based_on"))


class ScoringModelChangeOut(BaseSchema):
    at = fields.DateTime()
    actor_name = fields.String()
    version = fields.Integer(allow_none=True)
    changes = fields.Dict()


@priorities.route("/model/history", endpoint="model_history")
class ModelHistory(ApiView):
    rules = {"get": (model_policy, "read")}

    @priorities.response(200, ScoringModelChangeOut(many=True))
    def get(self):
        """Every model version: who changed which weight, from what to what."""
        model_policy.require(current_identity(), "read")
        current_model()
        return model_history()


@rescue.route("/", endpoint="rescue_intake_collection")
class RescueCollection(ApiView):
    rules = {"post": (rescue_service.policy, "create")}

    @rescue.arguments(s.RescueIntakeIn)
    @rescue.response(201, s.RescueIntakeOut)
    def post(self, data):
        """List holdings quickly before leaving; each becomes a draft dataset (not listed, unpublished)."""
        return rescue_service.submit(current_identity(), data)


@rescue.route("/<uuid:intake_id>", endpoint="rescue_intake_item")
class RescueItem(ApiView):
    rules = {"get": (rescue_service.policy, "read")}

    @rescue.response(200, s.RescueIntakeOut)
    def get(self, intake_id):
        return rescue_service.read(current_identity(), intake_id)


blueprints = (assessments, priorities, rescue)
