"""REST endpoints for maDMP (RDA DMP Common Standard 1.2) export and import of plans."""
from __future__ import annotations

from flask import jsonify, request
from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..auth.current import current_identity
from ..core.api import ApiView
from ..core.errors import InvalidInput
from ..core.schemas import BaseSchema, Text
from .permissions import plan_policy

madmp = Blueprint("madmp", __name__, url_prefix="/api/v1/plans",
                  description="Plans as machine-actionable DMPs (RDA DMP Common Standard 1.2): export and import")
MAX_BODY = 20 * 1024 * 1024


class MadmpImportArgs(BaseSchema):
    project_id = fields.UUID(metadata={"description": "Project of the new plan (default: found by grant id, else created)"})
    unit_id = fields.UUID(metadata={"description": "Unit of datasets the registry does not have yet (default: yours)"})
    template = Text(max_length=100, metadata={"description": "Key of the template (default: DMP_MADMP_IMPORT_TEMPLATE)"})
    source = fields.String(validate=validate.OneOf(("madmp", "dmponline")),
                           metadata={"description": "Where the document comes from (default: detected)"})


class MadmpLossOut(BaseSchema):
    path = fields.String(metadata={
        "description": "JSON path of the input member, e.g. dmp.dataset[0].distribution[0].data_access"})
    action = fields.String(metadata={"description": "coerced | added | dropped"})
    original = fields.Raw(allow_none=True)
    value = fields.Raw(allow_none=True)
    reason = fields.String()


class MadmpImportOut(BaseSchema):
    plan_id = fields.UUID()
    source = fields.String()
    losses = fields.List(fields.Nested(MadmpLossOut), metadata={"description": "The loss report: empty for valid 1.2 input"})
    notes = fields.List(fields.String())


class MadmpOut(BaseSchema):
    class Meta:
        unknown = "include"

    dmp = fields.Dict(metadata={"description": "maDMP 1.2 (mappings/reference/madmp/schema/maDMP-schema-1.2.json)"})


class MadmpExportArgs(BaseSchema):
    download = fields.Boolean(load_default=False, metadata={"description": "Send as a file (Content-Disposition: attachment)"})


class MadmpImportReportOut(BaseSchema):
    source = fields.String()
    imported_at = fields.DateTime()
    imported_by_id = fields.UUID(allow_none=True)
    losses = fields.List(fields.Nested(MadmpLossOut))


@madmp.route("/<uuid:plan_id>/madmp", endpoint="plan_madmp_export")
class Export(ApiView):
    rules = {"get": (plan_policy, "read")}

    @madmp.arguments(MadmpExportArgs, location="query")
    @madmp.response(200, MadmpOut)
    def get(self, args, plan_id):
        """The plan as maDMP 1.2 JSON, with its registry datasets (DOIs, distributions, licences) as they are now."""
        from .madmp import export_plan

        response = jsonify(export_plan(current_identity(), plan_id))
        if args["download"]:
            response.headers["Content-Disposition"] = f'attachment; filename="plan-{plan_id}.madmp.json"'
        return response


@madmp.route("/<uuid:plan_id>/madmp/import", endpoint="plan_madmp_import_report")
class ImportReport(ApiView):
    rules = {"get": (plan_policy, "read")}

    @madmp.response(200, MadmpImportReportOut)
    def get(self, plan_id):
        """Where an imported plan came from and its loss report; 404 for a plan written in the registry."""
        from ..core.errors import NotFoundError
        from .madmp import import_report

        document = import_report(current_identity(), plan_id)
        if document is None:
            raise NotFoundError("The plan was not imported from a maDMP document.")
        return document


@madmp.route("/madmp", endpoint="plan_madmp_import")
class Import(ApiView):
    max_body = MAX_BODY  # above the general limit (web.security.apply_body_limit)
    rules = {"post": (plan_policy, "create")}

    @madmp.arguments(MadmpImportArgs, location="query")
    @madmp.response(201, MadmpImportOut)
    def post(self, args):
        """Create a plan from a maDMP 1.2 document (or DMPonline's RDA export) in the body. 422 lists the
        schema errors by JSON path; 201 returns the plan id and the loss report (every member of the input
        that was coerced or dropped)."""
        from .madmp import import_madmp

        identity = current_identity()
        plan_policy.require(identity, "create")
        if (request.content_length or 0) > MAX_BODY:
            raise InvalidInput(errors={"body": ["Larger than 20 MiB."]})
        try:
            data = request.get_json(silent=True)
        except RecursionError:  # silent covers bad JSON, not JSON nested too deep for the parser
            data = None
        if data is None:
            raise InvalidInput("The body is not JSON", errors={"body": ["Send the maDMP document as application/json."]})
        result = import_madmp(identity, data, project_id=args.get("project_id"), unit_id=args.get("unit_id"),
                              template_key=args.get("template"), source=args.get("source"))
        return {"plan_id": result.plan.id, "source": result.source, "losses": result.losses, "notes": result.notes}


blueprints = (madmp,)
