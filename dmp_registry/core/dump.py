"""Fast output: a plain function compiled once from a marshmallow Out schema.

marshmallow spends ~50 calls per field per record; a page of 100 datasets has ~5,000 field values.
The schema stays the single description (OpenAPI, docs); `compile_dumper` walks its fields once and
returns a function producing the same dict (a test checks equality with `schema.dump`)."""
from __future__ import annotations

from marshmallow import Schema, fields

from .schemas import ConceptOut


def compile_dumper(schema: Schema | type):
    schema = schema() if isinstance(schema, type) else schema
    plan = []
    for name, field in schema.dump_fields.items():
        key = field.data_key or name
        if isinstance(field, fields.Method):
            plan.append((key, None, getattr(schema, field.serialize_method_name)))
        else:
            plan.append((key, field.attribute or name, _converter(field)))

    def dump(obj) -> dict:
        out = {}
        for key, attr, convert in plan:
            if attr is None:  # a Method field: called with the whole record
                out[key] = convert(obj)
            else:
                value = obj.get(attr) if isinstance(obj, dict) else getattr(obj, attr, None)
                out[key] = None if value is None else convert(value)
        return out

    return dump


def _concept(value):
    from ..vocabularies.service import concept_ref

    return concept_ref(value)


def _converter(field):
    if isinstance(field, ConceptOut):
        return _concept
    if isinstance(field, fields.Nested):
        inner = compile_dumper(field.schema)
        return (lambda values: [inner(v) for v in values]) if field.many else inner
    if isinstance(field, fields.List):
        inner = _converter(field.inner)
        return lambda values: [None if v is None else inner(v) for v in values]
    if isinstance(field, (fields.UUID, fields.String)):
        return str
    if isinstance(field, (fields.DateTime, fields.Date)):
        return lambda value: value.isoformat()
    if isinstance(field, fields.Boolean):
        return bool
    if isinstance(field, fields.Integer):
        return int
    if isinstance(field, fields.Float):
        return float
    if isinstance(field, fields.Dict):
        if isinstance(field.value_field, (fields.Nested, fields.List)):  # e.g. facet → buckets
            inner = _converter(field.value_field)
            return lambda value: {str(k): None if v is None else inner(v) for k, v in value.items()}
        return dict
    return lambda value, f=field: f._serialize(value, None, None)
