"""JSON API of the DCAT area (/api/v1/dcat): import of a DCAT catalogue, metadata quality scores."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import fields

from ..auth.current import current_identity
from ..core.api import ApiView
from ..core.errors import InvalidInput
from ..core.permissions import Policy
from ..core.schemas import BaseSchema

blp = Blueprint("dcat_api", __name__, url_prefix="/api/v1/dcat",
                description="DCAT-AP-NO: import a catalogue, metadata quality (MQA-like) scores")
MAX_BODY = 200 * 1024 * 1024


class DcatPolicy(Policy):
    actions = ("import", "quality")

    def can_import(self, identity, record=None):
        return identity.is_curator

    def can_quality(self, identity, record=None):
        return True  # computed from the public feed only


policy = DcatPolicy()


class ImportArgs(BaseSchema):
    unit = fields.String(required=True, metadata={"description": "Code of the unit new datasets belong to"})
    dry_run = fields.Boolean(load_default=False, metadata={"description": "Report only; change nothing"})


class ImportOut(BaseSchema):
    dry_run = fields.Boolean()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    datasets = fields.List(fields.Dict())


@blp.route("/import", endpoint="dcat_import")
class Import(ApiView):
    rules = {"post": (policy, "import")}
    max_body = MAX_BODY  # above the general limit (web.security.apply_body_limit); larger gets 413

    @blp.arguments(ImportArgs, location="query")
    @blp.response(200, ImportOut)
    def post(self, args):
        """Create or update datasets from a DCAT catalogue in the body (Turtle, RDF/XML, JSON-LD or
        N-Triples, by Content-Type). `dry_run=true` reports what would be created/updated and the
        problems of each dataset without storing anything."""
        from sqlalchemy import select

        from ..core.db import db
        from ..organisation.models import Unit
        from .importer import import_bytes
        from .safe_parse import BY_TYPE, UnsafeInput

        identity = current_identity()
        policy.require(identity, "import")
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == args["unit"]))
        if unit_id is None:
            raise InvalidInput(errors={"unit": [f"Unknown unit code: {args['unit']}"]})
        content_type = (request.mimetype or "").strip()
        fmt = BY_TYPE.get(content_type)
        if fmt is None:
            raise InvalidInput(errors={"body": [f"Send one of {', '.join(sorted(BY_TYPE))} as Content-Type."]})
        data = request.get_data(cache=False)
        if len(data) > MAX_BODY:
            raise InvalidInput(errors={"body": ["Larger than 200 MiB."]})
        try:
            report = import_bytes(identity, data, fmt, unit_id, dry_run=args["dry_run"])
        except UnsafeInput as exc:
            raise InvalidInput(errors={"body": [str(exc)]}) from exc
        except ValueError as exc:  # the parser's: the client's input (nothing was written)
            raise InvalidInput(errors={"body": [f"Not readable as {fmt}: {exc}"[:500]]}) from exc
        if args["dry_run"]:
            db.session.rollback()
        return report.as_dict()


class QualityOut(BaseSchema):
    id = fields.String()
    datasets = fields.Integer()
    total = fields.Integer()
    maximum = fields.Integer()
    rating = fields.String(metadata={"description": "MQA band: excellent, good, sufficient, bad"})
    dimensions = fields.Dict(keys=fields.String(), values=fields.Integer())
    dimension_maxima = fields.Dict(keys=fields.String(), values=fields.Integer())
    indicators = fields.Dict(keys=fields.String(), values=fields.Integer())
    suggestions = fields.List(fields.Dict())


@blp.route("/quality", endpoint="dcat_quality")
class CatalogueQuality(ApiView):
    rules = {"get": (policy, "quality")}

    @blp.response(200, QualityOut)
    def get(self):
        """MQA-like scores of the public catalogue: mean per dimension, rating, commonest gains."""
        from .quality import catalogue_quality

        policy.require(current_identity(), "quality")
        return catalogue_quality()


@blp.route("/quality/<uuid:dataset_id>", endpoint="dcat_dataset_quality")
class DatasetQuality(ApiView):
    rules = {"get": (policy, "quality")}

    @blp.response(200, QualityOut)
    def get(self, dataset_id):
        """MQA-like scores of one public dataset, with suggestions such as "add a licence: +30 points"."""
        from ..core.errors import NotFoundError
        from .quality import dataset_quality

        policy.require(current_identity(), "quality")
        result = dataset_quality(dataset_id)
        if result is None:
            raise NotFoundError()
        return result


blueprints = (blp,)
