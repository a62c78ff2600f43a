from __future__ import annotations

from marshmallow import fields, validate

from ..core.identity import ROLES
from ..core.schemas import BaseSchema, PageArgs, PatchSchemaMixin, Text, sort_field
from ..organisation.schemas import RecordOut

USERNAME = validate.Regexp(r"^[a-z0-9][a-z0-9_.@-]{1,99}$", error="2-100 lower-case letters, digits, '.', '_', '@' or '-'.")


class UserIn(BaseSchema):
    username = Text(required=True, max_length=100, validate=USERNAME)
    display_name = Text(max_length=200, allow_none=True)
    email = fields.Email(allow_none=True, validate=validate.Length(max=320))
    password = Text(load_only=True, max_length=200, validate=validate.Length(min=10, max=200))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), load_default=list)
    person_id = fields.UUID(allow_none=True)
    active = fields.Boolean()


class UserPatch(PatchSchemaMixin, UserIn):
    pass


class UserOut(RecordOut):
    username = fields.String()
    display_name = fields.String()
    email = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    person_id = fields.UUID(allow_none=True)
    active = fields.Boolean()
    language = fields.String(allow_none=True, dump_only=True,
                             metadata={"description": "UI language the user last chose (pages, e-mails)"})


class UserArgs(PageArgs):
    sort = sort_field("username", "created", default="username")


class TokenIn(BaseSchema):
    name = Text(required=True, min_length=1, max_length=100)


class TokenOut(BaseSchema):
    id = fields.UUID()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    token = fields.String(metadata={"description": "The secret token; shown only in the response that creates it."})
