from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.schemas import BaseSchema, ConceptOut, ConceptRef, Date, PageArgs, PatchSchemaMixin, SmallInt, Text, Url
from ..organisation.schemas import RecordOut
from .models import KINDS, STATES

SCHEME = "assessment-term"
GROUPS = {"custodian_status": "custodian-status", "format_risk": "format-risk", "scientific_value": "level",
          "cultural_value": "level", "archival_value": "level", "uniqueness": "level", "external_demand": "level"}


class Term(ConceptRef):
    """A concept of the assessment-term scheme from one group (level, format-risk …)."""

    def __init__(self, group: str, description: str = "", **kwargs):
        self.group = group
        super().__init__(SCHEME, allow_none=True, metadata={
            "description": f"{description}URI of a concept under '{group}' in vocabulary '{SCHEME}'."}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        uri = super()._deserialize(value, attr, data, **kwargs)
        if not uri.rsplit("/", 1)[-1].startswith(self.group.split("-")[0] + "-") or uri.endswith("/" + self.group):
            raise ValidationError(f"Choose a concept under '{self.group}'.")
        return uri


def _override(name):
    return SmallInt(allow_none=True, maximum=100, metadata={"description": f"Curator's {name} score (0–100); needs a reason"})


class AssessmentFields(BaseSchema):
    custodian_status = Term("custodian-status", "Empty: derived from the retirement date. ")
    format_risk = Term("format-risk")
    regenerable = fields.Boolean(allow_none=True)
    scientific_value = Term("level")
    cultural_value = Term("level")
    archival_value = Term("level", "Archival value in the sense of the Archives Act. ")
    uniqueness = Term("level")
    external_demand = Term("level")
    obligation_keep = fields.Boolean()
    obligation_publish = fields.Boolean()
    rights_clear = fields.Boolean(allow_none=True)
    needs_withholding = fields.Boolean(allow_none=True, metadata={
        "description": "Personal data or sensitive locations must be anonymised or withheld before publishing"})
    effort_secure_days = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=10_000))
    effort_publish_days = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=10_000))
    notes = Text(max_length=10_000, allow_none=True)
    securing_override = _override("securing")
    securing_override_reason = Text(max_length=2000, allow_none=True)
    publishing_override = _override("publishing")
    publishing_override_reason = Text(max_length=2000, allow_none=True)
    assignee_id = fields.UUID(allow_none=True, metadata={"description": "User (curator) the work is assigned to"})
    due_date = Date(allow_none=True)

    @validates_schema
    def _reasons(self, data, **kwargs):
        for kind in KINDS:
            if data.get(f"{kind}_override") is not None and not data.get(f"{kind}_override_reason"):
                raise ValidationError("Give a reason for overriding the score.", f"{kind}_override_reason")


class AssessmentIn(AssessmentFields):
    dataset_id = fields.UUID(required=True)


class AssessmentPatch(PatchSchemaMixin, AssessmentFields):
    @validates_schema
    def _reasons(self, data, **kwargs):  # a PATCH may give the reason alone; the service checks the result
        pass


class AssessmentTransitionIn(PatchSchemaMixin, BaseSchema):
    state = fields.String(required=True, validate=validate.OneOf(STATES))


class AssessmentCommentIn(BaseSchema):
    text = Text(required=True, min_length=1, max_length=5000)


class AssessmentCommentOut(BaseSchema):
    id = fields.Integer()
    author_name = fields.String()
    text = fields.String()
    created_at = fields.DateTime()


class PriorityScoreOut(BaseSchema):
    score = fields.Integer()
    computed = fields.Integer()
    band = fields.String()
    overridden = fields.Boolean()
    model_number = fields.Integer()
    computed_at = fields.DateTime()
    contributions = fields.List(fields.Dict(), metadata={
        "description": "One entry per factor: group, factor, level (0–1), weight, points (they add up to the "
                       "computed score)"})


def _score_fields(row) -> dict:
    return {name: getattr(row, name) for name in ("score", "computed", "band", "overridden", "model_number",
                                                  "computed_at")}


class AssessmentOut(RecordOut):
    dataset_id = fields.UUID()
    custodian_status = ConceptOut()
    format_risk = ConceptOut()
    regenerable = fields.Boolean(allow_none=True)
    scientific_value = ConceptOut()
    cultural_value = ConceptOut()
    archival_value = ConceptOut()
    uniqueness = ConceptOut()
    external_demand = ConceptOut()
    obligation_keep = fields.Boolean()
    obligation_publish = fields.Boolean()
    rights_clear = fields.Boolean(allow_none=True)
    needs_withholding = fields.Boolean(allow_none=True)
    effort_secure_days = fields.Float(allow_none=True)
    effort_publish_days = fields.Float(allow_none=True)
    notes = fields.String(allow_none=True)
    securing_override = fields.Integer(allow_none=True)
    securing_override_reason = fields.String(allow_none=True)
    publishing_override = fields.Integer(allow_none=True)
    publishing_override_reason = fields.String(allow_none=True)
    state = fields.String()
    assignee_id = fields.UUID(allow_none=True)
    due_date = fields.Date(allow_none=True)
    assessed_by = fields.String(allow_none=True)
    scores = fields.Method("_scores", metadata={"description": "securing / publishing → score with its factors"})
    comments = fields.List(fields.Nested(AssessmentCommentOut))

    def _scores(self, obj):
        from .scores import explain, scores_of

        explained = explain(obj.dataset_id)
        return {kind: PriorityScoreOut().dump({**_score_fields(row), "contributions": explained[kind].contributions})
                for kind, row in scores_of(obj.dataset_id).items()}


class AssessmentRecord(AssessmentFields):
    """The stored form (history snapshot)."""

    dataset_id = fields.UUID()
    state = fields.String()
    due_date = fields.Date(allow_none=True)
    assessed_by = fields.String(allow_none=True)


class AssessmentArgs(PageArgs):
    state = fields.String(validate=validate.OneOf(STATES))
    dataset_id = fields.UUID()
    assignee_id = fields.UUID()
    sort = fields.String(load_default="-updated", validate=validate.OneOf(["updated", "-updated", "created", "-created"]))


class PriorityWorklistArgs(PageArgs):
    unit_id = fields.UUID()
    dataset_type = Url()
    custodian_id = fields.UUID()
    band = fields.String(validate=validate.OneOf(("critical", "high", "medium", "low")))
    state = fields.String(validate=validate.OneOf(STATES))
    assignee_id = fields.UUID()
    include_done = fields.Boolean(load_default=False, metadata={
        "description": "Also datasets already secured (securing list) or published (publishing list) and verified"})


class PriorityWorklistItemOut(BaseSchema):
    rank = fields.Integer()
    dataset_id = fields.UUID()
    title = fields.String()
    unit = fields.String(allow_none=True)
    custodian = fields.String(allow_none=True)
    score = fields.Integer()
    band = fields.String()
    overridden = fields.Boolean()
    state = fields.String()
    assessment_id = fields.UUID(allow_none=True)
    assignee = fields.String(allow_none=True)
    due_date = fields.Date(allow_none=True)
    top_factors = fields.List(fields.Dict())


class PriorityWorklistPage(BaseSchema):
    items = fields.List(fields.Nested(PriorityWorklistItemOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class PriorityChangesArgs(BaseSchema):
    since = Date(required=True)


class ScoringModelOut(BaseSchema):
    number = fields.Integer()
    weights = fields.Dict()
    note = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()


class ScoringModelIn(BaseSchema):
    weights = fields.Dict(required=True)
    note = Text(max_length=2000, allow_none=True)
    based_on = fields.Integer(strict=True, allow_none=True, metadata={"description": "Model number you edited (409 if outdated)"})


class RescueIntakeItem(BaseSchema):
    title = Text(required=True, min_length=1, max_length=500, metadata={"description": "What the data is"})
    storage_kind = ConceptRef("storage-kind", required=True, metadata={"description": "Where it is kept"})
    location = Text(max_length=2000, allow_none=True, metadata={"description": "Where exactly (path, shelf, room)"})
    medium = ConceptRef("storage-medium", allow_none=True)
    volume_gb = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=10_000_000),
                             metadata={"description": "Roughly how much, in gigabytes"})
    format = Text(max_length=500, allow_none=True, metadata={"description": "File formats or kind of material"})
    dataset_type = ConceptRef("dataset-type", allow_none=True)


class RescueIntakeIn(BaseSchema):
    retirement_date = Date(required=True)
    unit_id = fields.UUID(allow_none=True, metadata={"description": "Default: the unit of the person"})
    person_id = fields.UUID(allow_none=True, metadata={"description": "Curators may file for someone; default: you"})
    items = fields.List(fields.Nested(RescueIntakeItem), required=True, validate=validate.Length(min=1, max=100))


class RescueIntakeOut(RecordOut):
    person_id = fields.UUID(allow_none=True)
    retirement_date = fields.Date()
    unit_id = fields.UUID()
    items = fields.List(fields.Dict())
    dataset_ids = fields.List(fields.String())


class RescueIntakeRecord(BaseSchema):
    person_id = fields.UUID(allow_none=True)
    retirement_date = fields.Date()
    unit_id = fields.UUID()
    items = fields.List(fields.Dict())
    dataset_ids = fields.List(fields.String())
