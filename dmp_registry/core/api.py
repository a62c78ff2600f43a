"""REST plumbing shared by every area: paged list, item, history and the permission-rule table.

Each view class declares `rules`: HTTP method → (policy, action). A test walks the URL map and
fails when a route has a method without a rule, so no endpoint ships without a permission check.
"""
from __future__ import annotations

import re

import orjson
from flask import current_app, jsonify, request
from flask.views import MethodView
from marshmallow import fields

from .dump import compile_dumper
from .schemas import BaseSchema
from .uow import transactional


class ApiView(MethodView):
    decorators = [transactional]
    rules: dict = {}


def page_schema(item_schema, name: str):
    return type(f"{name}Page", (BaseSchema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(metadata={"description": "Number of matching records"}),
        "page": fields.Integer(),
        "per_page": fields.Integer(),
    })


class ChangeOut(BaseSchema):
    id = fields.Integer()
    action = fields.String()
    at = fields.DateTime()
    actor_id = fields.UUID(allow_none=True)
    actor_name = fields.String()
    version = fields.Integer(allow_none=True)
    changes = fields.Dict(metadata={"description": "field → [old value, new value]"})


_ETAG = re.compile(r'^(?:W/)?"?(\d{1,10})"?$')


def expected_version(data: dict) -> int | None:
    """The version a PATCH/DELETE was based on: body `version`, else an If-Match header."""
    version = data.pop("version", None)
    if version is None and request.headers.get("If-Match"):
        match = _ETAG.match(request.headers["If-Match"].strip())
        version = int(match.group(1)) if match else -1
    return version


def fast_json(data):
    """A JSON response written by orjson, for hot read endpoints (a search answer with fourteen
    facets: a tenth of the standard library's time). flask-smorest passes a Response through."""
    return current_app.response_class(orjson.dumps(data), mimetype="application/json")


def with_etag(obj, status: int = 200, dumper=None):
    """A record as the response body, with its version as ETag. With a compiled dumper the JSON is
    built here (flask-smorest passes a Response through; its schema still documents the shape)."""
    body = jsonify(dumper(obj)) if dumper else obj
    return body, status, {"ETag": f'"{obj.version}"'}


def register_crud(blp, service, *, name, in_schema, patch_schema, out_schema, args_schema, url="",
                  identity_getter):
    """Collection (GET list, POST), item (GET, PATCH, DELETE) and history routes for one service."""
    policy = service.policy
    page = page_schema(out_schema, name)
    dump = compile_dumper(out_schema)

    class Collection(ApiView):
        rules = {"get": (policy, "list"), "post": (policy, "create")}

        @blp.arguments(args_schema, location="query")
        @blp.response(200, page)
        def get(self, args):
            result = service.search(identity_getter(), args)
            return jsonify({"items": [dump(item) for item in result.items], "total": result.total,
                            "page": result.page, "per_page": result.per_page})

        @blp.arguments(in_schema)
        @blp.response(201, out_schema)
        def post(self, data):
            return with_etag(service.create(identity_getter(), data), 201, dump)

    class Item(ApiView):
        rules = {"get": (policy, "read"), "patch": (policy, "update"), "delete": (policy, "delete")}

        @blp.response(200, out_schema)
        def get(self, record_id):
            return with_etag(service.read(identity_getter(), record_id), 200, dump)

        @blp.arguments(patch_schema(partial=True))
        @blp.response(200, out_schema)
        def patch(self, data, record_id):
            version = expected_version(data)
            return with_etag(service.update(identity_getter(), record_id, data, version), 200, dump)

        @blp.response(204)
        def delete(self, record_id):
            version = expected_version({}) if request.headers.get("If-Match") else None
            service.delete(identity_getter(), record_id, version)

    class History(ApiView):
        rules = {"get": (policy, "history")}

        @blp.response(200, ChangeOut(many=True))
        def get(self, record_id):
            return service.history(identity_getter(), record_id)

    for suffix, view, rule in (("collection", Collection, url or "/"),
                               ("item", Item, f"{url}/<uuid:record_id>"),
                               ("history", History, f"{url}/<uuid:record_id>/history")):
        view.__name__ = f"{name}_{suffix}"
        blp.route(rule, endpoint=f"{name}_{suffix}")(view)
