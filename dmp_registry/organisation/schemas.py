from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate

from ..core.schemas import BaseSchema, Date, LangText, PageArgs, PatchSchemaMixin, RangeCheckMixin, Text, sort_field

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$", error="Letters, digits, '.', '_' or '-', up to 40.")
ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def valid_orcid(value: str) -> None:
    """Format and ISO 7064 11,2 check digit of an ORCID iD (0000-0002-1825-0097)."""
    if not ORCID_RE.match(value):
        raise ValidationError("An ORCID iD looks like 0000-0002-1825-0097.")
    digits = value.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    if digits[-1] != ("X" if check == 10 else str(check)):
        raise ValidationError("The ORCID iD's check digit is wrong.")


class RecordOut(BaseSchema):
    id = fields.UUID(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


# ---- units -----------------------------------------------------------------------------
class UnitIn(BaseSchema):
    code = Text(required=True, max_length=40, validate=CODE)
    name = LangText(required=True)
    parent_id = fields.UUID(allow_none=True)


class UnitPatch(PatchSchemaMixin, UnitIn):
    pass


class UnitOut(RecordOut):
    code = fields.String()
    name = fields.Dict(keys=fields.String(), values=fields.String())
    parent_id = fields.UUID(allow_none=True)


class UnitArgs(PageArgs):
    sort = sort_field("code", "created", "updated", default="code")


# ---- people ----------------------------------------------------------------------------
class PersonIn(BaseSchema):
    name = Text(required=True, min_length=1, max_length=200)
    email = fields.Email(allow_none=True, validate=validate.Length(max=320))
    orcid = fields.String(allow_none=True, validate=valid_orcid)
    unit_id = fields.UUID(allow_none=True)
    employment_end = Date(allow_none=True)


class PersonPatch(PatchSchemaMixin, PersonIn):
    pass


class PersonOut(RecordOut):
    name = fields.String()
    email = fields.String(allow_none=True)
    orcid = fields.String(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    employment_end = fields.Date(allow_none=True)


class PersonArgs(PageArgs):
    unit_id = fields.UUID()
    q = Text(max_length=200, metadata={"description": "Part of the name or e-mail"})
    leaving_before = Date(metadata={"description": "Employment ends on or before this date"})
    sort = sort_field("name", "created", "updated", "employment_end", default="name")


# ---- projects --------------------------------------------------------------------------
class ProjectIn(RangeCheckMixin, BaseSchema):
    date_ranges = (("start_date", "end_date"),)

    title = LangText(required=True)
    funder = Text(allow_none=True, max_length=300)
    grant_id = Text(allow_none=True, max_length=200)
    start_date = Date(allow_none=True)
    end_date = Date(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    leader_id = fields.UUID(allow_none=True)


class ProjectPatch(PatchSchemaMixin, ProjectIn):
    pass


class ProjectOut(RecordOut):
    title = fields.Dict(keys=fields.String(), values=fields.String())
    funder = fields.String(allow_none=True)
    grant_id = fields.String(allow_none=True)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    leader_id = fields.UUID(allow_none=True)


class ProjectArgs(PageArgs):
    unit_id = fields.UUID()
    q = Text(max_length=200)
    sort = sort_field("title", "created", "updated", "start", default="title")
