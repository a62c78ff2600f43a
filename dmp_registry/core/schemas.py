"""Marshmallow building blocks shared by every area's In/Patch/Out schemas."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

LANGUAGES = ("nb", "nn", "en")
MAX_BIGINT = 2**63 - 1


class BaseSchema(Schema):
    """Unknown keys are an error everywhere (set once here, not per location)."""

    class Meta:
        unknown = RAISE
        ordered = True


class Text(fields.String):
    """A string without NUL or other control characters that databases refuse, trimmed."""

    def __init__(self, *args, max_length: int = 10_000, min_length: int = 0, **kwargs):
        kwargs.setdefault("validate", validate.Length(min=min_length, max=max_length))
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text) or "\ufffe" in text or "\uffff" in text:
            raise ValidationError("Text must not contain control characters.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError("Text must be valid Unicode.") from exc
        return text.strip()


class BigInt(fields.Integer):
    def __init__(self, *args, minimum: int = 0, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=minimum, max=MAX_BIGINT))
        super().__init__(*args, strict=True, **kwargs)


class SmallInt(fields.Integer):
    def __init__(self, *args, minimum: int = 0, maximum: int = 1_000_000, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=minimum, max=maximum))
        super().__init__(*args, strict=True, **kwargs)


class Url(fields.Url):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate", validate.Length(max=2000))
        super().__init__(*args, schemes={"http", "https"}, require_tld=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and any(ord(ch) < 33 for ch in value):
            raise ValidationError("Not a valid URL.")
        return super()._deserialize(value, attr, data, **kwargs)


class Date(fields.Date):
    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if not 1000 <= result.year <= 9999:
            raise ValidationError("Year must be between 1000 and 9999.")
        return result


class LangTextSchema(BaseSchema):
    nb = Text(max_length=2000, allow_none=True)
    nn = Text(max_length=2000, allow_none=True)
    en = Text(max_length=2000, allow_none=True)


class LangLongTextSchema(BaseSchema):
    nb = Text(max_length=20_000, allow_none=True)
    nn = Text(max_length=20_000, allow_none=True)
    en = Text(max_length=20_000, allow_none=True)


def LangText(required: bool = False, long: bool = False, **kwargs):  # noqa: N802 - reads like a field
    """Text in nb/nn/en: {"nb": "...", "en": "..."}; with required, at least one language is needed."""
    nested = LangLongTextSchema if long else LangTextSchema
    validators = [_at_least_one_language] if required else []
    return fields.Nested(nested, required=required, validate=validators, **kwargs)


def _at_least_one_language(value):
    if not any((value or {}).get(lang) for lang in LANGUAGES):
        raise ValidationError("Give the text in at least one of nb, nn or en.")


class KeywordsSchema(BaseSchema):
    nb = fields.List(Text(min_length=1, max_length=200), validate=validate.Length(max=50))
    nn = fields.List(Text(min_length=1, max_length=200), validate=validate.Length(max=50))
    en = fields.List(Text(min_length=1, max_length=200), validate=validate.Length(max=50))


def clean_lang(value: dict | None) -> dict:
    """Drop empty languages so stored text is canonical."""
    return {lang: value[lang] for lang in LANGUAGES if value and value.get(lang)}


def sort_field(*keys: str, default: str):
    """A `sort` query argument accepting each key ascending or, with a leading '-', descending."""
    choices = [variant for key in keys for variant in (key, f"-{key}")]
    return fields.String(load_default=default, validate=validate.OneOf(choices),
                         metadata={"description": "Sort key; prefix with '-' for descending order"})


#: The largest page number lists accept (API and pages alike): a larger OFFSET overflows the database.
MAX_PAGE = 1_000_000


class PageArgs(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=500))


class PatchSchemaMixin:
    """Every PATCH carries the version it was based on (or an If-Match header)."""

    version = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The version you read; a different current version gives 409."},
    )


class RangeCheckMixin:
    @validates_schema(skip_on_field_errors=False)  # report date order with the other errors
    def _dates_in_order(self, data, **kwargs):
        for start, end in getattr(self, "date_ranges", ()):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                raise ValidationError("Must not be before the start.", end)


class ConceptRef(fields.Field):
    """A vocabulary term referenced by URI. Loads a URI (or {"uri": ...}), checks it exists in
    `scheme` and is not deprecated; dumps {uri, notation, label:{nb,en,...}}."""

    def __init__(self, scheme: str, **kwargs):
        self.scheme = scheme
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("description", f"URI of a concept in vocabulary '{scheme}' (see /api/v1/vocabularies/{scheme}).")
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return value  # raw URI: In schemas dump the stored form; Out schemas use ConceptOut

    def _deserialize(self, value, attr, data, **kwargs):
        from ..vocabularies.service import concept_cache

        if isinstance(value, dict) and set(value) <= {"uri", "label", "notation"}:
            value = value.get("uri")
        if not isinstance(value, str) or not value or len(value) > 500:
            raise ValidationError(f"Give the URI of a concept in '{self.scheme}'.")
        info = concept_cache.get(value)
        if info is None or info.scheme != self.scheme:
            raise ValidationError(f"Unknown concept in '{self.scheme}': {value}")
        if info.deprecated:
            raise ValidationError(f"The concept {value} is deprecated; choose another.")
        return value


class ConceptOutSchema(BaseSchema):
    uri = fields.String()
    notation = fields.String(allow_none=True)
    label = fields.Dict(keys=fields.String(), values=fields.String())


class ConceptOut(fields.Field):
    """Dumps a stored concept URI as {uri, notation, label}. A plain field returning the cached
    reference (not a Nested schema): lists of 100 records carry ~1,000 of these."""

    def __init__(self, **kwargs):
        metadata = {"type": "object", "nullable": True, "description": "A vocabulary concept",
                    "properties": {"uri": {"type": "string"}, "notation": {"type": "string", "nullable": True},
                                   "label": {"type": "object", "additionalProperties": {"type": "string"}}},
                    **kwargs.pop("metadata", {})}
        super().__init__(allow_none=True, dump_only=True, metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        from ..vocabularies.service import concept_ref

        return concept_ref(value)
