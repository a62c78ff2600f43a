"""REST API of plans: templates and their versions, plans with answers, contributors, datasets, migration,
review actions, comments, snapshots and their diff, and the plan as HTML and PDF."""
from __future__ import annotations

from flask import Response, jsonify
from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..auth.current import current_identity
from ..core.api import ApiView, expected_version, register_crud, with_etag
from ..core.dump import compile_dumper
from ..core.schemas import BaseSchema
from ..datasets.schemas import DatasetOut
from . import review
from . import schemas as s
from .completeness import completeness
from .madmp_api import blueprints as madmp_blueprints
from .permissions import plan_policy, template_version_policy
from .service import plan_service, template_service, template_version_service

templates = Blueprint("plan_templates", __name__, url_prefix="/api/v1/plan-templates",
                      description="DMP templates (versioned questionnaires)")
versions = Blueprint("plan_template_versions", __name__, url_prefix="/api/v1/plan-template-versions",
                     description="Versions of DMP templates: draft → published (immutable) → retired")
plans = Blueprint("plans", __name__, url_prefix="/api/v1/plans", description="Data management plans")


class VersionCreateIn(s.VersionIn):
    template_id = fields.UUID(required=True)


register_crud(templates, template_service, name="plan_template", in_schema=s.TemplateIn, patch_schema=s.TemplatePatch,
              out_schema=s.TemplateOut, args_schema=s.TemplateArgs, identity_getter=current_identity)
register_crud(versions, template_version_service, name="plan_template_version", in_schema=VersionCreateIn,
              patch_schema=s.VersionPatch, out_schema=s.VersionOut, args_schema=s.VersionArgs,
              identity_getter=current_identity)
register_crud(plans, plan_service, name="plan", in_schema=s.PlanIn, patch_schema=s.PlanPatch, out_schema=s.PlanOut,
              args_schema=s.PlanArgs, identity_getter=current_identity)

dump_version = compile_dumper(s.VersionOut)
dump_plan = compile_dumper(s.PlanOut)
dump_answer = compile_dumper(s.AnswerOut)
dump_comment = compile_dumper(s.CommentOut)
dump_dataset = compile_dumper(DatasetOut)


# ---- template versions: publish / retire -------------------------------------------------------
@versions.route("/<uuid:record_id>/publish", endpoint="publish")
class Publish(ApiView):
    rules = {"post": (template_version_policy, "publish")}

    @versions.arguments(s.VersionAction)
    @versions.response(200, s.VersionOut)
    def post(self, data, record_id):
        """Publish a draft: its content is frozen and plans may start on it."""
        obj = template_version_service.publish(current_identity(), record_id, expected_version(data))
        return with_etag(obj, 200, dump_version)


@versions.route("/<uuid:record_id>/retire", endpoint="retire")
class Retire(ApiView):
    rules = {"post": (template_version_policy, "publish")}

    @versions.arguments(s.VersionAction)
    @versions.response(200, s.VersionOut)
    def post(self, data, record_id):
        """No new plans on this version; existing plans keep it."""
        obj = template_version_service.retire(current_identity(), record_id, expected_version(data))
        return with_etag(obj, 200, dump_version)


# ---- answers ---------------------------------------------------------------------------------------
@plans.route("/<uuid:record_id>/answers", endpoint="answers")
class Answers(ApiView):
    rules = {"get": (plan_policy, "read")}

    @plans.response(200, s.AnswerOut(many=True))
    def get(self, record_id):
        """Stored answers, by question key (each with its own version for saving)."""
        return jsonify([dump_answer(a) for a in plan_service.answers(current_identity(), record_id)])


@plans.route("/<uuid:record_id>/answers/<string:question_key>", endpoint="answer")
class AnswerItem(ApiView):
    rules = {"put": (plan_policy, "update")}

    @plans.arguments(s.AnswerIn)
    @plans.response(200, s.AnswerOut)
    def put(self, data, record_id, question_key):
        """Save one answer; send the answer's version you read (none for a first answer). 409 when stale."""
        answer = plan_service.save_answer(current_identity(), record_id, question_key, data["value"], data.get("version"))
        return with_etag(answer, 200, dump_answer)


@plans.route("/<uuid:record_id>/completeness", endpoint="completeness")
class Completeness(ApiView):
    rules = {"get": (plan_policy, "read")}

    @plans.response(200, s.CompletenessOut)
    def get(self, record_id):
        """Required questions answered, and progress per section (conditions applied)."""
        return completeness(plan_service.read(current_identity(), record_id))


# ---- contributors -----------------------------------------------------------------------------------
@plans.route("/<uuid:record_id>/contributors", endpoint="contributors")
class Contributors(ApiView):
    rules = {"get": (plan_policy, "read"), "post": (plan_policy, "manage")}

    @plans.response(200, s.ContributorOut(many=True))
    def get(self, record_id):
        return plan_service.read(current_identity(), record_id).contributors

    @plans.arguments(s.ContributorIn)
    @plans.response(201, s.ContributorOut)
    def post(self, data, record_id):
        """Add an owner, co-author or reviewer (owner or admin only)."""
        return plan_service.add_contributor(current_identity(), record_id, data["person_id"], data["role"])


@plans.route("/<uuid:record_id>/contributors/<uuid:contributor_id>", endpoint="contributor")
class Contributor(ApiView):
    rules = {"delete": (plan_policy, "manage")}

    @plans.response(204)
    def delete(self, record_id, contributor_id):
        plan_service.remove_contributor(current_identity(), record_id, contributor_id)


# ---- datasets -------------------------------------------------------------------------------------------
class DatasetFactsOut(BaseSchema):
    items = fields.List(fields.Dict(), metadata={"description": "Per linked dataset: the registry's facts (title, "
                                                 "access rights, licence, personal data, storage, volume, distributions, "
                                                 "estimated storage cost)"})


@plans.route("/<uuid:record_id>/datasets", endpoint="datasets")
class Datasets(ApiView):
    rules = {"get": (plan_policy, "read"), "post": (plan_policy, "update")}

    @plans.response(200, DatasetFactsOut)
    def get(self, record_id):
        """The registry's facts about every dataset of the plan (never asked again in the plan)."""
        return {"items": plan_service.dataset_facts(current_identity(), record_id)}

    @plans.arguments(s.PlanDatasetLinkIn)
    @plans.response(201, DatasetFactsOut)
    def post(self, data, record_id):
        """Link an existing registry dataset."""
        identity = current_identity()
        plan_service.add_dataset(identity, record_id, data["dataset_id"])
        return {"items": plan_service.dataset_facts(identity, record_id)}, 201


@plans.route("/<uuid:record_id>/datasets/new", endpoint="dataset_new")
class NewDataset(ApiView):
    rules = {"post": (plan_policy, "update")}

    @plans.arguments(s.PlanNewDatasetIn)
    @plans.response(201, DatasetOut)
    def post(self, data, record_id):
        """Register a new dataset in the registry from the plan and link it."""
        return with_etag(plan_service.create_dataset(current_identity(), record_id, data), 201, dump_dataset)


@plans.route("/<uuid:record_id>/datasets/<uuid:dataset_id>", endpoint="dataset")
class DatasetLink(ApiView):
    rules = {"delete": (plan_policy, "update")}

    @plans.response(204)
    def delete(self, record_id, dataset_id):
        """Unlink the dataset (it stays in the registry)."""
        plan_service.remove_dataset(current_identity(), record_id, dataset_id)


# ---- migration to a newer template version -----------------------------------------------------------
@plans.route("/<uuid:record_id>/migration", endpoint="migration")
class Migration(ApiView):
    rules = {"get": (plan_policy, "update"), "post": (plan_policy, "update")}

    @plans.arguments(s.MigrationArgs, location="query")
    @plans.response(200, s.MigrationOut)
    def get(self, args, record_id):
        """What migrating to version `to` would do: questions added, removed, changed; answers carried or dropped."""
        return plan_service.preview_migration(current_identity(), record_id, args["to"])

    @plans.arguments(s.MigrationIn)
    @plans.response(200, s.MigrationOut)
    def post(self, data, record_id):
        """Migrate the plan, carrying answers by question key."""
        version = expected_version(data)
        return plan_service.migrate(current_identity(), record_id, data["template_version_id"], version)


# ---- review ---------------------------------------------------------------------------------------------
def _plan_response(plan_id):
    return with_etag(plan_service.read(current_identity(), plan_id), 200, dump_plan)


@plans.route("/<uuid:record_id>/submit", endpoint="submit")
class Submit(ApiView):
    rules = {"post": (plan_policy, "submit")}

    @plans.arguments(s.ReviewAction)
    @plans.response(200, s.PlanOut)
    def post(self, data, record_id):
        """Submit for review (422 lists unanswered required questions); freezes a snapshot; notifies by e-mail."""
        review.submit(current_identity(), record_id, expected_version(data), data.get("message"))
        return _plan_response(record_id)


@plans.route("/<uuid:record_id>/approve", endpoint="approve")
class Approve(ApiView):
    rules = {"post": (plan_policy, "review")}

    @plans.arguments(s.ReviewAction)
    @plans.response(200, s.PlanOut)
    def post(self, data, record_id):
        review.approve(current_identity(), record_id, expected_version(data), data.get("message"))
        return _plan_response(record_id)


@plans.route("/<uuid:record_id>/return", endpoint="return")
class Return(ApiView):
    rules = {"post": (plan_policy, "review")}

    @plans.arguments(s.ReturnIn)
    @plans.response(200, s.PlanOut)
    def post(self, data, record_id):
        """Return to the authors with comments per question."""
        review.return_plan(current_identity(), record_id, data["comments"], expected_version(data), data.get("message"))
        return _plan_response(record_id)


@plans.route("/<uuid:record_id>/comments", endpoint="comments")
class Comments(ApiView):
    rules = {"get": (plan_policy, "read"), "post": (plan_policy, "comment")}

    @plans.response(200, s.CommentOut(many=True))
    def get(self, record_id):
        return jsonify([dump_comment(c) for c in review.comments(current_identity(), record_id)])

    @plans.arguments(s.CommentIn)
    @plans.response(201, s.CommentOut)
    def post(self, data, record_id):
        """A reviewer's comment on one question (question_key) or on the whole plan (no key)."""
        created = review.comment(current_identity(), record_id, data.get("question_key"), data["text"])
        return with_etag(created, 201, dump_comment)


@plans.route("/<uuid:record_id>/comments/<uuid:comment_id>", endpoint="comment")
class CommentItem(ApiView):
    rules = {"patch": (plan_policy, "read")}  # the service requires edit or comment rights on the plan

    @plans.arguments(s.CommentPatch)
    @plans.response(200, s.CommentOut)
    def patch(self, data, record_id, comment_id):
        """Mark a comment resolved (authors and reviewers)."""
        version = expected_version(data)
        found = review.set_resolved(current_identity(), record_id, comment_id, data["resolved"], version)
        return with_etag(found, 200, dump_comment)


# ---- snapshots and diff -------------------------------------------------------------------------------
@plans.route("/<uuid:record_id>/snapshots", endpoint="snapshots")
class Snapshots(ApiView):
    rules = {"get": (plan_policy, "read")}

    @plans.response(200, s.SnapshotBrief(many=True))
    def get(self, record_id):
        """One immutable snapshot per submission, oldest first."""
        return review.snapshots(current_identity(), record_id)


@plans.route("/<uuid:record_id>/snapshots/<int:number>", endpoint="snapshot")
class Snapshot(ApiView):
    rules = {"get": (plan_policy, "read")}

    @plans.response(200, s.SnapshotOut)
    def get(self, record_id, number):
        return review.snapshot(current_identity(), record_id, number)


@plans.route("/<uuid:record_id>/diff", endpoint="diff")
class Diff(ApiView):
    rules = {"get": (plan_policy, "read")}

    @plans.arguments(s.DiffArgs, location="query")
    @plans.response(200, s.DiffOut)
    def get(self, args, record_id):
        """Changes between two snapshots, per question (added / removed / changed, old and new text)."""
        return review.diff(current_identity(), record_id, args["from_"], args["to"])


# ---- documents ------------------------------------------------------------------------------------------
class DocumentArgs(BaseSchema):
    lang = fields.String(validate=validate.OneOf(("nb", "en")), metadata={"description": "nb or en; default: the plan's"})
    snapshot = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1),
                              metadata={"description": "Print this snapshot instead of the current plan"})


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _document(args, record_id):
    from .printable import plan_printable

    identity = current_identity()
    plan = plan_service.read(identity, record_id)
    content = review.snapshot(identity, record_id, args["snapshot"]).content if args.get("snapshot") else None
    return plan, plan_printable(plan, args.get("lang"), identity, content)


def _filename(plan, extension: str) -> str:
    import re

    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", plan.title).strip("-")[:60] or "plan"
    return f"{stem}.{extension}"


@plans.route("/<uuid:record_id>.pdf", endpoint="pdf")
class PlanPdf(ApiView):
    rules = {"get": (plan_policy, "read")}

    @plans.arguments(DocumentArgs, location="query")
    @plans.response(200, fields.String(), content_type="application/pdf")
    def get(self, args, record_id):
        """The plan as PDF for a funder: template headings, answers and the dataset table."""
        plan, doc = _document(args, record_id)
        return Response(doc.to_pdf(), mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{_filename(plan, "pdf")}"'})


@plans.route("/<uuid:record_id>.docx", endpoint="docx")
class PlanDocx(ApiView):
    rules = {"get": (plan_policy, "read")}

    @plans.arguments(DocumentArgs, location="query")
    @plans.response(200, fields.String(), content_type=DOCX)
    def get(self, args, record_id):
        """The plan as a Word document (same content as the PDF), for funders that want to edit it."""
        plan, doc = _document(args, record_id)
        return Response(doc.to_docx(), mimetype=DOCX,
                        headers={"Content-Disposition": f'attachment; filename="{_filename(plan, "docx")}"'})


@plans.route("/<uuid:record_id>.html", endpoint="html")
class PlanHtml(ApiView):
    rules = {"get": (plan_policy, "read")}

    @plans.arguments(DocumentArgs, location="query")
    @plans.response(200, fields.String(), content_type="text/html")
    def get(self, args, record_id):
        """The plan as a standalone, printable HTML page."""
        _plan, doc = _document(args, record_id)
        return Response(doc.to_html(), mimetype="text/html")


blueprints = (templates, versions, plans, *madmp_blueprints)
