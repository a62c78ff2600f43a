"""Input and output schemas of templates, plans, answers, contributors, reviews and snapshots."""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.schemas import BaseSchema, LangText, PageArgs, PatchSchemaMixin, Text, sort_field
from ..datasets.schemas import DatasetIn
from ..organisation.schemas import RecordOut
from .models import CONTRIBUTOR_ROLES, PLAN_LANGUAGES, PLAN_STATUSES, QUESTION_TYPES, TEMPLATE_STATUSES

KEY = validate.Regexp(r"^[a-z0-9][a-z0-9_.-]{0,99}$", error="Lower-case letters, digits, '-', '_' and '.' only.")
MADMP_PATH = re.compile(r"^dmp(\.[a-z_]+(\[\*?\])?)*$")


# ---- template content (the questionnaire) ---------------------------------------------------
class OptionSchema(BaseSchema):
    value = Text(required=True, min_length=1, max_length=200)
    label = LangText(required=True)


class ConditionSchema(BaseSchema):
    question = Text(required=True, validate=KEY)
    equals = fields.Raw(required=True, metadata={"description": "The answer that shows the question"})


class QuestionSchema(BaseSchema):
    key = Text(required=True, validate=KEY)
    text = LangText(required=True, long=True)
    help = LangText(long=True, allow_none=True)
    guidance = LangText(long=True, allow_none=True)
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    scheme = Text(allow_none=True, max_length=100)
    options = fields.List(fields.Nested(OptionSchema), allow_none=True, validate=validate.Length(max=100))
    required = fields.Boolean(load_default=False)
    condition = fields.Nested(ConditionSchema, allow_none=True)
    madmp_path = Text(allow_none=True, max_length=200)

    @validates_schema
    def _choice_has_values(self, data, **kwargs):
        if data.get("type") == "choice" and not data.get("scheme") and not data.get("options"):
            raise ValidationError("A choice question needs a vocabulary scheme or options.", "scheme")
        path = data.get("madmp_path")
        if path and not MADMP_PATH.match(path):
            raise ValidationError("Not a maDMP path (e.g. dmp.dataset[*].preservation_statement).", "madmp_path")


class SectionSchema(BaseSchema):
    key = Text(required=True, validate=KEY)
    title = LangText(required=True)
    guidance = LangText(long=True, allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(max=200))


class TemplateContentSchema(BaseSchema):
    sections = fields.List(fields.Nested(SectionSchema), required=True, validate=validate.Length(max=50))


# ---- templates ------------------------------------------------------------------------------
class TemplateIn(BaseSchema):
    key = Text(required=True, validate=KEY)
    title = LangText(required=True)
    description = LangText(long=True)
    funder = Text(allow_none=True, max_length=300)
    owner_unit_id = fields.UUID(allow_none=True)


class TemplatePatch(PatchSchemaMixin, TemplateIn):
    class Meta:
        exclude = ("key",)


class VersionBrief(BaseSchema):
    id = fields.UUID()
    number = fields.Integer()
    status = fields.String()
    published_at = fields.DateTime(allow_none=True)


class TemplateOut(RecordOut):
    key = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.Dict(keys=fields.String(), values=fields.String())
    funder = fields.String(allow_none=True)
    owner_unit_id = fields.UUID(allow_none=True)
    versions = fields.Method("_versions", metadata={"description": "Versions you may read, oldest first"})

    def _versions(self, obj):
        return [VersionBrief().dump(v) for v in getattr(obj, "visible_versions", obj.versions)]


class TemplateRecord(BaseSchema):
    key = fields.String()
    title = fields.Dict()
    description = fields.Dict()
    funder = fields.String(allow_none=True)
    owner_unit_id = fields.UUID(allow_none=True)


class TemplateArgs(PageArgs):
    q = Text(max_length=200, metadata={"description": "Part of the title"})
    sort = sort_field("title", "updated", default="title")


class VersionIn(BaseSchema):
    content = fields.Nested(TemplateContentSchema, metadata={
        "description": "The questionnaire; omitted: a copy of the newest version's content"})


class VersionPatch(PatchSchemaMixin, BaseSchema):
    content = fields.Nested(TemplateContentSchema, required=True)


class VersionOut(RecordOut):
    template_id = fields.UUID()
    number = fields.Integer()
    status = fields.String(validate=validate.OneOf(TEMPLATE_STATUSES))
    published_at = fields.DateTime(allow_none=True)
    content = fields.Dict()


class VersionRecord(BaseSchema):
    template_id = fields.UUID()
    number = fields.Integer()
    status = fields.String()
    content = fields.Dict()


class VersionArgs(PageArgs):
    template_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(TEMPLATE_STATUSES))
    sort = sort_field("number", "updated", default="number")


class VersionAction(PatchSchemaMixin, BaseSchema):
    """Publish or retire: the version you read (or If-Match)."""


# ---- plans ----------------------------------------------------------------------------------
class PlanIn(BaseSchema):
    title = Text(required=True, min_length=1, max_length=300)
    language = fields.String(load_default="nb", validate=validate.OneOf(PLAN_LANGUAGES))
    project_id = fields.UUID(required=True)
    template_version_id = fields.UUID(required=True, metadata={"description": "A published template version"})
    dmp_identifier = Text(allow_none=True, max_length=500, metadata={
        "description": "The plan's own identifier (DOI or URL); empty: the registry URI of the plan"})
    owner_id = fields.UUID(allow_none=True, metadata={
        "description": "The owner (a person); default: you. Curators may start a plan for someone else"})


class PlanPatch(PatchSchemaMixin, BaseSchema):
    title = Text(min_length=1, max_length=300)
    language = fields.String(validate=validate.OneOf(PLAN_LANGUAGES))
    dmp_identifier = Text(allow_none=True, max_length=500)


class PersonRef(BaseSchema):
    id = fields.UUID()
    name = fields.String()
    email = fields.String(allow_none=True)
    orcid = fields.String(allow_none=True)


class ContributorOut(RecordOut):
    person = fields.Nested(PersonRef)
    role = fields.String()


class TemplateRef(BaseSchema):
    template_id = fields.UUID()
    key = fields.String()
    title = fields.Dict()
    version_id = fields.UUID()
    number = fields.Integer()
    status = fields.String()


class PlanOut(RecordOut):
    uri = fields.Method("_uri")
    title = fields.String()
    language = fields.String()
    project_id = fields.UUID()
    template_version_id = fields.UUID()
    template = fields.Method("_template", metadata={"description": "The template and version the plan follows"})
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
    dmp_identifier = fields.String(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    returned_at = fields.DateTime(allow_none=True)
    contributors = fields.Method("_contributors")
    dataset_ids = fields.Method("_dataset_ids")

    def _uri(self, obj):
        from .service import plan_uri

        return plan_uri(obj.id)

    def _template(self, obj):
        version = obj.template_version
        return {"template_id": str(version.template_id), "key": version.template.key, "title": version.template.title,
                "version_id": str(version.id), "number": version.number, "status": version.status}

    def _contributors(self, obj):
        return [{"id": str(c.id), "role": c.role, "person": {"id": str(c.person.id), "name": c.person.name}}
                for c in obj.contributors]

    def _dataset_ids(self, obj):
        return [str(link.dataset_id) for link in obj.dataset_links]


class PlanRecord(BaseSchema):
    """The stored form of a plan for history (answers are recorded one by one)."""

    title = fields.String()
    language = fields.String()
    project_id = fields.UUID()
    template_version_id = fields.UUID()
    status = fields.String()
    dmp_identifier = fields.String(allow_none=True)
    contributors = fields.Method("_contributors")
    dataset_ids = fields.Method("_dataset_ids")

    def _contributors(self, obj):
        return sorted(f"{c.person_id}:{c.role}" for c in obj.contributors)

    def _dataset_ids(self, obj):
        return [str(link.dataset_id) for link in obj.dataset_links]


class PlanArgs(PageArgs):
    q = Text(max_length=200, metadata={"description": "Part of the title"})
    project_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
    template_id = fields.UUID()
    mine = fields.Boolean(metadata={"description": "Only plans I contribute to"})
    sort = sort_field("title", "created", "updated", default="-updated")


class AnswerIn(BaseSchema):
    value = fields.Raw(required=True, allow_none=True, metadata={
        "description": "text, boolean (yesno), number, ISO date, concept URI or option value (choice), "
                       "list of dataset ids (datasets); null clears the answer"})
    version = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1), metadata={
        "description": "The answer's version you read; omit for a question not answered before"})


class AnswerOut(BaseSchema):
    id = fields.UUID(allow_none=True)
    question_key = fields.String()
    value = fields.Raw(allow_none=True)
    version = fields.Integer(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)


class ContributorIn(BaseSchema):
    person_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(CONTRIBUTOR_ROLES))


class PlanDatasetLinkIn(BaseSchema):
    dataset_id = fields.UUID(required=True)


class PlanNewDatasetIn(DatasetIn):
    """A dataset registered from the plan: unit, type and classification default from the project."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("unit_id", "dataset_type", "classification"):
            self.fields[name].required = False
            self.load_fields[name].required = False


class MigrationIn(BaseSchema):
    template_version_id = fields.UUID(required=True)
    version = fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "The plan version you read"})


class MigrationArgs(BaseSchema):
    to = fields.UUID(required=True, metadata={"description": "The template version to migrate to"})


class QuestionChange(BaseSchema):
    key = fields.String()
    section = fields.String(allow_none=True)
    text = fields.Dict()
    changes = fields.List(fields.String(), metadata={"description": "What changed: text, type, options, required, condition"})
    answer = fields.Raw(allow_none=True)


class MigrationOut(BaseSchema):
    from_version = fields.Integer()
    to_version = fields.Integer()
    carried = fields.List(fields.String(), metadata={"description": "Question keys whose answers are kept"})
    added = fields.List(fields.Nested(QuestionChange))
    removed = fields.List(fields.Nested(QuestionChange), metadata={"description": "Answers that will be dropped"})
    changed = fields.List(fields.Nested(QuestionChange))
    dropped = fields.List(fields.Nested(QuestionChange), metadata={
        "description": "Answers that no longer fit the changed question (kept in the plan's history)"})
    applied = fields.Boolean()


class ReviewAction(BaseSchema):
    version = fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "The plan version you read"})
    message = Text(max_length=5000, allow_none=True)


class QuestionComment(BaseSchema):
    question_key = Text(allow_none=True, validate=KEY)
    text = Text(required=True, min_length=1, max_length=5000)


class ReturnIn(ReviewAction):
    comments = fields.List(fields.Nested(QuestionComment), load_default=list, validate=validate.Length(max=200))


class CommentIn(QuestionComment):
    pass


class CommentPatch(PatchSchemaMixin, BaseSchema):
    resolved = fields.Boolean(required=True)


class CommentOut(RecordOut):
    plan_id = fields.UUID()
    question_key = fields.String(allow_none=True)
    snapshot_number = fields.Integer(allow_none=True)
    author_id = fields.UUID(allow_none=True)
    author_name = fields.String()
    text = fields.String()
    resolved = fields.Boolean()


class SnapshotBrief(RecordOut):
    number = fields.Integer()
    status = fields.String()
    created_by_id = fields.UUID(allow_none=True)


class SnapshotOut(SnapshotBrief):
    content = fields.Dict()


class DiffArgs(BaseSchema):
    from_ = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1))
    to = fields.Integer(required=True, validate=validate.Range(min=1))


class QuestionDiff(BaseSchema):
    key = fields.String()
    section = fields.String(allow_none=True)
    text = fields.Dict()
    change = fields.String(validate=validate.OneOf(("added", "removed", "changed")))
    old = fields.String(allow_none=True)
    new = fields.String(allow_none=True)


class DiffOut(BaseSchema):
    from_ = fields.Integer(data_key="from", attribute="from")
    to = fields.Integer()
    questions = fields.List(fields.Nested(QuestionDiff))
    datasets = fields.Dict(metadata={"description": "added / removed dataset titles"})
    fields_ = fields.Dict(data_key="fields", attribute="fields", metadata={"description": "plan fields (title …) → [old, new]"})


class CompletenessOut(BaseSchema):
    required = fields.Integer()
    answered = fields.Integer()
    complete = fields.Boolean()
    percent = fields.Integer()
    missing = fields.List(fields.String())
    sections = fields.List(fields.Dict())
