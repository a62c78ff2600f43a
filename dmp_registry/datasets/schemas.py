from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.schemas import (
    BaseSchema, BigInt, ConceptOut, ConceptRef, Date, KeywordsSchema, LangText, PageArgs, PatchSchemaMixin,
    RangeCheckMixin, SmallInt, Text, Url, sort_field,
)
from ..organisation.schemas import RecordOut

DOI_RE = re.compile(r"^10\.\d{4,9}/[^\s]{1,180}$")
CHECKSUM_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}


def valid_doi(value: str) -> None:
    if not DOI_RE.match(value):
        raise ValidationError("A DOI looks like 10.18710/ABC123 (without https://doi.org/).")


class SpatialSchema(BaseSchema):
    label = Text(max_length=500, allow_none=True)
    uri = Url(allow_none=True)
    bbox = fields.List(fields.Float(allow_nan=False), allow_none=True, validate=validate.Length(equal=4),
                       metadata={"description": "[west, south, east, north] in WGS 84 degrees"})

    @validates_schema
    def _bbox(self, data, **kwargs):
        bbox = data.get("bbox")
        if not bbox:
            return
        west, south, east, north = bbox
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
            raise ValidationError("Give [west, south, east, north] with longitudes in -180..180 and "
                                  "latitudes in -90..90, south not above north.", "bbox")


class StorageLocationIn(BaseSchema):
    kind = ConceptRef("storage-kind", required=True)
    description = Text(max_length=2000, allow_none=True)
    copies = SmallInt(load_default=1, maximum=1000)
    medium = ConceptRef("storage-medium", allow_none=True)
    backed_up = fields.Boolean(load_default=False)
    last_checked = Date(allow_none=True)


class DatasetIn(RangeCheckMixin, BaseSchema):
    date_ranges = (("temporal_start", "temporal_end"),)

    title = LangText(required=True, metadata={"description": "At least one of nb, nn, en"})
    description = LangText(long=True)
    keywords = fields.Nested(KeywordsSchema)
    dataset_type = ConceptRef("dataset-type", required=True)
    themes = fields.List(ConceptRef("eu-data-theme"), validate=validate.Length(max=20))
    los_themes = fields.List(ConceptRef("los-theme"), validate=validate.Length(max=20))
    access_rights = ConceptRef("eu-access-right", allow_none=True)
    licence = ConceptRef("eu-licence", allow_none=True)
    classification = ConceptRef("classification", required=True)
    contains_personal_data = fields.Boolean()
    personal_data_legal_basis = Text(max_length=2000, allow_none=True)
    temporal_start = Date(allow_none=True)
    temporal_end = Date(allow_none=True)
    spatial = fields.Nested(SpatialSchema, allow_none=True)
    sensitive_location = fields.Boolean(metadata={
        "description": "The place must not be published precisely (nesting site, unexcavated archaeological "
                       "site): the public catalogue shows the label and a bounding box rounded out to whole degrees"})
    creator_ids = fields.List(fields.UUID(), validate=validate.Length(max=100))
    contact_point_id = fields.UUID(allow_none=True)
    custodian_id = fields.UUID(allow_none=True)
    project_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID(required=True)
    storage_locations = fields.List(fields.Nested(StorageLocationIn), validate=validate.Length(max=50))
    volume_bytes = BigInt(allow_none=True)
    documentation_status = ConceptRef("documentation-status", allow_none=True)
    publication_status = ConceptRef("publication-status")
    landing_page = Url(allow_none=True)
    doi = Text(allow_none=True, max_length=200, validate=valid_doi)
    listed = fields.Boolean(metadata={"description": "Listed in the public catalogue (visible to everyone)"})


class DatasetPatch(PatchSchemaMixin, DatasetIn):
    pass


class PersonBrief(BaseSchema):
    id = fields.UUID()
    name = fields.String()


class StorageLocationOut(BaseSchema):
    kind = ConceptOut()
    description = fields.String(allow_none=True)
    copies = fields.Integer()
    medium = ConceptOut()
    backed_up = fields.Boolean()
    last_checked = fields.Date(allow_none=True)


class ChecksumSchema(BaseSchema):
    algorithm = fields.String(required=True, validate=validate.OneOf(sorted(CHECKSUM_LENGTHS)))
    value = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]+$", error="Lower-case hexadecimal."))

    @validates_schema
    def _length(self, data, **kwargs):
        wanted = CHECKSUM_LENGTHS.get(data.get("algorithm"))
        if wanted and len(data.get("value", "")) != wanted:
            raise ValidationError(f"A {data['algorithm']} checksum has {wanted} hex digits.", "value")


class DistributionIn(BaseSchema):
    dataset_id = fields.UUID(required=True)
    title = LangText()
    description = LangText(long=True)
    access_url = Url(required=True)
    download_url = Url(allow_none=True)
    format = ConceptRef("eu-file-type", allow_none=True)
    media_type = ConceptRef("iana-media-type", allow_none=True)
    byte_size = BigInt(allow_none=True)
    licence = ConceptRef("eu-licence", allow_none=True)
    checksum = fields.Nested(ChecksumSchema, allow_none=True)


class DistributionPatch(PatchSchemaMixin, DistributionIn):
    class Meta:
        exclude = ("dataset_id",)


class DistributionOut(RecordOut):
    dataset_id = fields.UUID()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.Dict(keys=fields.String(), values=fields.String())
    access_url = fields.String()
    download_url = fields.String(allow_none=True)
    format = ConceptOut()
    media_type = ConceptOut()
    byte_size = fields.Integer(allow_none=True)
    licence = ConceptOut()
    checksum = fields.Method("_checksum", allow_none=True)

    def _checksum(self, obj):
        if not obj.checksum_algorithm:
            return None
        return {"algorithm": obj.checksum_algorithm, "value": obj.checksum_value}


class DatasetOut(RecordOut):
    uri = fields.Method("_uri")
    title = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.Dict(keys=fields.String(), values=fields.String())
    keywords = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    dataset_type = ConceptOut()
    themes = fields.List(ConceptOut())
    los_themes = fields.List(ConceptOut())
    access_rights = ConceptOut()
    licence = ConceptOut()
    classification = ConceptOut()
    contains_personal_data = fields.Boolean()
    personal_data_legal_basis = fields.String(allow_none=True)
    temporal_start = fields.Date(allow_none=True)
    temporal_end = fields.Date(allow_none=True)
    spatial = fields.Method("_spatial", allow_none=True,
                            metadata={"description": "Generalised for anonymous readers when sensitive_location"})
    sensitive_location = fields.Boolean()
    creators = fields.List(fields.Nested(PersonBrief))
    contact_point = fields.Nested(PersonBrief, allow_none=True)
    custodian = fields.Nested(PersonBrief, allow_none=True)
    project_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID()
    storage_locations = fields.List(fields.Nested(StorageLocationOut))
    distributions = fields.List(fields.Nested(DistributionOut))
    volume_bytes = fields.Integer(allow_none=True)
    documentation_status = ConceptOut()
    publication_status = ConceptOut()
    landing_page = fields.String(allow_none=True)
    doi = fields.String(allow_none=True)
    listed = fields.Boolean()

    def _uri(self, obj):
        from ..dcat.uris import dataset_uri

        return dataset_uri(obj.id)

    def _spatial(self, obj):
        if obj.spatial and obj.sensitive_location:
            from ..auth.current import current_identity

            if not current_identity().is_authenticated:  # the public sees what the public feed shows
                from ..dcat.build import generalised_spatial

                return generalised_spatial(obj.spatial)
        return obj.spatial


class DatasetRecord(BaseSchema):
    """The raw stored form of a dataset (URIs, ids): the history snapshot."""

    title = fields.Dict()
    description = fields.Dict()
    keywords = fields.Dict()
    dataset_type = fields.String(allow_none=True)
    themes = fields.List(fields.String())
    los_themes = fields.List(fields.String())
    access_rights = fields.String(allow_none=True)
    licence = fields.String(allow_none=True)
    classification = fields.String()
    contains_personal_data = fields.Boolean()
    personal_data_legal_basis = fields.String(allow_none=True)
    temporal_start = fields.Date(allow_none=True)
    temporal_end = fields.Date(allow_none=True)
    spatial = fields.Dict(allow_none=True)
    sensitive_location = fields.Boolean()
    creator_ids = fields.Method("_creators")
    contact_point_id = fields.UUID(allow_none=True)
    custodian_id = fields.UUID(allow_none=True)
    project_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID()
    storage_locations = fields.List(fields.Nested(StorageLocationIn(unknown="exclude")), dump_default=list)
    volume_bytes = fields.Integer(allow_none=True)
    documentation_status = fields.String(allow_none=True)
    publication_status = fields.String()
    landing_page = fields.String(allow_none=True)
    doi = fields.String(allow_none=True)
    listed = fields.Boolean()

    def _creators(self, obj):
        return [str(person.id) for person in obj.creators]


class DistributionRecord(DistributionIn):
    checksum = fields.Method("_checksum")
    _checksum = DistributionOut._checksum


class DatasetArgs(PageArgs):
    q = Text(max_length=200, metadata={"description": "Part of the title"})
    unit_id = fields.UUID()
    project_id = fields.UUID()
    custodian_id = fields.UUID()
    dataset_type = Url(metadata={"description": "Concept URI"})
    theme = Url()
    access_rights = Url()
    classification = Url()
    publication_status = Url()
    listed = fields.Boolean()
    mine = fields.Boolean(metadata={"description": "Only records I created, hold as custodian or belong to my unit"})
    sort = sort_field("title", "created", "updated", "volume", default="-updated")


class DistributionArgs(PageArgs):
    dataset_id = fields.UUID()
    sort = sort_field("created", "updated", default="created")
