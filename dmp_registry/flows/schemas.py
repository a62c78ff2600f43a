from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.schemas import (
    BaseSchema, ConceptOut, ConceptRef, LangText, PageArgs, PatchSchemaMixin, Text, Url, sort_field,
)
from ..datasets.schemas import PersonBrief
from ..organisation.schemas import RecordOut
from ..systems.schemas import DatasetBrief

ENDS = ("source", "target")


class FlowIn(BaseSchema):
    title = Text(required=True, min_length=1, max_length=300)
    description = LangText(long=True)
    source_system_id = fields.UUID(allow_none=True)
    source_dataset_id = fields.UUID(allow_none=True)
    target_system_id = fields.UUID(allow_none=True)
    target_dataset_id = fields.UUID(allow_none=True)
    dataset_ids = fields.List(fields.UUID(), validate=validate.Length(max=1000),
                              metadata={"description": "Datasets whose data travels in the flow"})
    mechanism = ConceptRef("flow-mechanism", allow_none=True)
    frequency = ConceptRef("eu-frequency", allow_none=True)
    personal_data = fields.Boolean(metadata={"description": "Personal data travels in this flow"})
    format = ConceptRef("eu-file-type", allow_none=True)
    responsible_id = fields.UUID(allow_none=True)
    status = ConceptRef("flow-status")
    problems = Text(allow_none=True, max_length=5000, metadata={"description": "Known problems"})
    problem_severity = ConceptRef("problem-severity", allow_none=True)

    @validates_schema
    def _one_end_each(self, data, partial=False, **kwargs):
        for end in ENDS:
            given = [k for k in (f"{end}_system_id", f"{end}_dataset_id") if data.get(k)]
            touched = any(k in data for k in (f"{end}_system_id", f"{end}_dataset_id"))
            if len(given) > 1:
                raise ValidationError(f"Give either a system or a dataset as {end}, not both.", f"{end}_system_id")
            if not given and (touched or not partial):
                raise ValidationError(f"Give the {end}: a system or a dataset.", f"{end}_system_id")
        if data.get("problem_severity") and not data.get("problems"):
            raise ValidationError("Describe the problem whose severity you give.", "problems")


class FlowPatch(PatchSchemaMixin, FlowIn):
    pass


class NodeBrief(BaseSchema):
    kind = fields.String(metadata={"description": "system or dataset"})
    id = fields.UUID()
    label = fields.String()


class FlowOut(RecordOut):
    title = fields.String()
    description = fields.Dict(keys=fields.String(), values=fields.String())
    source = fields.Method("_source", metadata={"description": "{kind, id, label}"})
    target = fields.Method("_target")
    datasets = fields.List(fields.Nested(DatasetBrief))
    mechanism = ConceptOut()
    frequency = ConceptOut()
    personal_data = fields.Boolean()
    format = ConceptOut()
    responsible = fields.Nested(PersonBrief, allow_none=True)
    status = ConceptOut()
    problems = fields.String(allow_none=True)
    problem_severity = ConceptOut()

    def _source(self, obj):
        return node_brief(obj.source_system, obj.source_dataset)

    def _target(self, obj):
        return node_brief(obj.target_system, obj.target_dataset)


def node_brief(system, dataset) -> dict | None:
    from ..vocabularies.models import pick_label

    if system is not None:
        return {"kind": "system", "id": str(system.id), "label": system.name}
    if dataset is not None:
        return {"kind": "dataset", "id": str(dataset.id), "label": pick_label(dataset.title) or ""}
    return None


class FlowRecord(FlowIn):
    dataset_ids = fields.Method("_dataset_ids")

    def _dataset_ids(self, obj):
        return [str(d.id) for d in obj.datasets]


class FlowArgs(PageArgs):
    q = Text(max_length=200)
    node_id = fields.UUID(metadata={"description": "Flows starting or ending at this system or dataset"})
    status = Url()
    mechanism = Url()
    personal_data = fields.Boolean()
    with_problems = fields.Boolean(metadata={"description": "Only flows with known problems"})
    sort = sort_field("title", "created", "updated", default="title")


class LineageArgs(BaseSchema):
    direction = fields.String(load_default="both", validate=validate.OneOf(["upstream", "downstream", "both"]))
    max_depth = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))
    include_planned = fields.Boolean(load_default=False)


class LineageNode(BaseSchema):
    kind = fields.String()
    id = fields.UUID()
    label = fields.String()
    depth = fields.Integer(metadata={"description": "Steps from the start (upstream nodes negative)"})


class LineageEdge(BaseSchema):
    flow_id = fields.UUID()
    title = fields.String()
    source = fields.UUID()
    target = fields.UUID()


class LineageOut(BaseSchema):
    start = fields.Nested(NodeBrief)
    upstream = fields.List(fields.Nested(LineageNode))
    downstream = fields.List(fields.Nested(LineageNode))
    flows = fields.List(fields.Nested(LineageEdge))
    truncated = fields.Boolean(metadata={"description": "max_depth stopped the walk before it ended"})


class ImpactOut(BaseSchema):
    system = fields.Nested(NodeBrief)
    broken_flows = fields.List(fields.Nested(LineageEdge), metadata={"description": "Flows to or from the system"})
    starved_flows = fields.List(fields.Nested(LineageEdge),
                                metadata={"description": "Downstream flows whose source loses all its input"})
    datasets_losing_source = fields.List(fields.Nested(NodeBrief))
    datasets_losing_only_copy = fields.List(fields.Nested(NodeBrief))
    systems_losing_input = fields.List(fields.Nested(NodeBrief))
