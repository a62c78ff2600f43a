from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.schemas import (
    BaseSchema, ConceptOut, ConceptRef, Date, LangText, PageArgs, PatchSchemaMixin, SmallInt, Text, Url, sort_field,
)
from ..datasets.schemas import PersonBrief
from ..organisation.schemas import RecordOut


class DocumentationLink(BaseSchema):
    title = Text(required=True, min_length=1, max_length=200)
    url = Url(required=True)


class ItSystemIn(BaseSchema):
    name = Text(required=True, min_length=1, max_length=200)
    short_name = Text(allow_none=True, max_length=60)
    description = LangText(long=True)
    category = ConceptRef("system-category", required=True)
    owner_unit_id = fields.UUID(allow_none=True)
    system_owner_id = fields.UUID(allow_none=True)
    technical_contact_id = fields.UUID(allow_none=True)
    vendor = Text(allow_none=True, max_length=200)
    product = Text(allow_none=True, max_length=200)
    product_version = Text(allow_none=True, max_length=60)
    hosting = ConceptRef("hosting", allow_none=True)
    lifecycle_status = ConceptRef("lifecycle-status", required=True)
    in_use_from = Date(allow_none=True)
    phase_out_from = Date(allow_none=True)
    retired_on = Date(allow_none=True)
    classification = ConceptRef("classification", allow_none=True)
    processes_personal_data = fields.Boolean()
    processing_record_ref = Text(allow_none=True, max_length=500,
                                 metadata={"description": "Reference to the record of processing (GDPR art. 30)"})
    user_count = SmallInt(allow_none=True, maximum=10_000_000)
    endpoint_urls = fields.List(Url(), validate=validate.Length(max=20))
    api_description_url = Url(allow_none=True)
    documentation_links = fields.List(fields.Nested(DocumentationLink), validate=validate.Length(max=30))
    dataset_ids = fields.List(fields.UUID(), validate=validate.Length(max=5000),
                              metadata={"description": "Datasets the system holds or serves"})

    @validates_schema(skip_on_field_errors=False)  # report date order with the other errors
    def _dates_in_order(self, data, **kwargs):
        dates = [(k, data.get(k)) for k in ("in_use_from", "phase_out_from", "retired_on") if data.get(k)]
        for (_a, earlier), (b, later) in zip(dates, dates[1:]):
            if earlier > later:
                raise ValidationError("Lifecycle dates must follow each other (in use → phase-out → retired).", b)


class ItSystemPatch(PatchSchemaMixin, ItSystemIn):
    pass


class DatasetBrief(BaseSchema):
    id = fields.UUID()
    title = fields.Dict(keys=fields.String(), values=fields.String())


class ItSystemOut(RecordOut):
    name = fields.String()
    short_name = fields.String(allow_none=True)
    description = fields.Dict(keys=fields.String(), values=fields.String())
    category = ConceptOut()
    owner_unit_id = fields.UUID(allow_none=True)
    system_owner = fields.Nested(PersonBrief, allow_none=True)
    technical_contact = fields.Nested(PersonBrief, allow_none=True)
    vendor = fields.String(allow_none=True)
    product = fields.String(allow_none=True)
    product_version = fields.String(allow_none=True)
    hosting = ConceptOut()
    lifecycle_status = ConceptOut()
    in_use_from = fields.Date(allow_none=True)
    phase_out_from = fields.Date(allow_none=True)
    retired_on = fields.Date(allow_none=True)
    classification = ConceptOut()
    processes_personal_data = fields.Boolean()
    processing_record_ref = fields.String(allow_none=True)
    user_count = fields.Integer(allow_none=True)
    endpoint_urls = fields.List(fields.String())
    api_description_url = fields.String(allow_none=True)
    documentation_links = fields.List(fields.Nested(DocumentationLink))
    datasets = fields.List(fields.Nested(DatasetBrief), attribute="visible_datasets",
                           metadata={"description": "Datasets the system holds or serves (those you may read)"})


class ItSystemRecord(ItSystemIn):
    """Stored form for history snapshots."""

    dataset_ids = fields.Method("_dataset_ids")

    def _dataset_ids(self, obj):
        return [str(d.id) for d in obj.datasets]


class ItSystemArgs(PageArgs):
    q = Text(max_length=200, metadata={"description": "Part of the name or short name"})
    owner_unit_id = fields.UUID()
    category = Url()
    lifecycle_status = Url()
    processes_personal_data = fields.Boolean()
    without_owner = fields.Boolean(metadata={"description": "Only systems with no system owner"})
    without_classification = fields.Boolean(metadata={"description": "Only systems with no classification"})
    sort = sort_field("name", "created", "updated", default="name")
