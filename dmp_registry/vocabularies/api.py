from flask_smorest import Blueprint
from marshmallow import fields

from ..auth.current import current_identity
from ..core.api import ApiView
from ..core.permissions import Policy
from ..core.schemas import BaseSchema, Text
from .service import vocabulary_service

vocabularies = Blueprint("vocabularies", __name__, url_prefix="/api/v1/vocabularies",
                         description="Controlled vocabularies (SKOS)")


class VocabularyPolicy(Policy):
    """Vocabularies are public reference data."""

    def can_read(self, identity, record=None):
        return True


class SchemeOut(BaseSchema):
    id = fields.String()
    uri = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    source = fields.String(allow_none=True)
    licence = fields.String(allow_none=True)


class ConceptListOut(BaseSchema):
    uri = fields.String()
    notation = fields.String(allow_none=True)
    label = fields.Dict(keys=fields.String(), values=fields.String(), attribute="labels")
    deprecated = fields.Boolean()


class ConceptArgs(BaseSchema):
    q = Text(max_length=200, metadata={"description": "Part of a label or the notation"})
    include_deprecated = fields.Boolean(load_default=False)


_policy = VocabularyPolicy()


@vocabularies.route("/", endpoint="schemes")
class Schemes(ApiView):
    rules = {"get": (_policy, "read")}

    @vocabularies.response(200, SchemeOut(many=True))
    def get(self):
        return vocabulary_service.list_schemes(current_identity())


@vocabularies.route("/<string(maxlength=64):scheme_id>", endpoint="concepts")
class Concepts(ApiView):
    rules = {"get": (_policy, "read")}

    @vocabularies.arguments(ConceptArgs, location="query")
    @vocabularies.response(200, ConceptListOut(many=True))
    def get(self, args, scheme_id):
        return vocabulary_service.list_concepts(current_identity(), scheme_id, args.get("q"),
                                                args["include_deprecated"])


blueprints = (vocabularies,)
