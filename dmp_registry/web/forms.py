"""HTML forms on top of the services: a record becomes form values, submitted values become the
input of the same marshmallow schemas the API loads, and their errors come back per field.

Form names: `title.nb` for a language of a text, `storage_locations.0.kind` for a row of a group,
plain `unit_id` otherwise. Values travel as a MultiDict, so a form re-rendered after a validation
error shows exactly what was sent."""
from __future__ import annotations

from dataclasses import dataclass

from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

TEXT_LANGS = ("nb", "nn", "en")
SHOWN_LANGS = ("nb", "en")  # inputs shown; nynorsk text is kept in a hidden field when present
STORAGE_KEYS = ("kind", "description", "copies", "medium", "backed_up", "last_checked")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text textarea url email password int date bool lang langlong keywords
    #                     concept concepts ref refs roles storage spatial
    required: bool = False
    help: str | None = None
    scheme: str | None = None  # concept(s): vocabulary id
    ref: str | None = None  # ref(s): unit | person | project
    autocomplete: str | None = None


def _clean(value: str | None) -> str:
    return (value or "").strip()


# ---- submitted form → service input -------------------------------------------------------
def parse(fields, form: MultiDict) -> dict:
    data = {}
    for field in fields:
        value = _parse_one(field, form)
        if value is not _ABSENT:
            data[field.name] = value
    return data


_ABSENT = object()


def _parse_one(field: Field, form: MultiDict):  # noqa: C901 - one branch per kind, kept together
    name, kind = field.name, field.kind
    if kind in ("lang", "langlong"):
        value = {lang: _clean(form.get(f"{name}.{lang}")) for lang in TEXT_LANGS if _clean(form.get(f"{name}.{lang}"))}
        return value if value or not field.required else {}
    if kind == "keywords":
        return {lang: [w.strip() for w in form.get(f"{name}.{lang}", "").split(",") if w.strip()]
                for lang in TEXT_LANGS if form.get(f"{name}.{lang}", "").strip()}
    if kind in ("concepts", "refs", "roles"):
        return [v for v in form.getlist(name) if v]
    if kind == "bool":
        return form.get(name) in ("1", "on", "true", "y")
    if kind == "storage":
        return _parse_storage(form, name)
    if kind == "spatial":
        label = _clean(form.get(f"{name}.label"))
        return {"label": label} if label else None
    value = _clean(form.get(name))
    if kind == "password":
        return value or _ABSENT
    if not value:
        return _ABSENT if field.required and kind in ("text", "email", "url") else None
    if kind == "int":
        return int(value) if value.lstrip("-").isdigit() else value
    return value


def _parse_storage(form: MultiDict, name: str) -> list[dict]:
    rows, index = [], 0
    while any(f"{name}.{index}.{key}" in form for key in STORAGE_KEYS):
        get = lambda key: _clean(form.get(f"{name}.{index}.{key}"))  # noqa: E731
        if get("kind") or get("description") or get("medium"):
            copies = get("copies")
            rows.append({"kind": get("kind") or None, "description": get("description") or None,
                         "copies": int(copies) if copies.isdigit() else (copies or 1),
                         "medium": get("medium") or None, "backed_up": get("backed_up") in ("1", "on"),
                         "last_checked": get("last_checked") or None})
        index += 1
    return rows


# ---- stored record → form values -----------------------------------------------------------
def to_form(fields, record: dict) -> MultiDict:
    """`record` is the raw stored form of a record (service.snapshot / a history snapshot)."""
    form = MultiDict()
    for field in fields:
        value = record.get(field.name)
        name, kind = field.name, field.kind
        if kind in ("lang", "langlong"):
            for lang, text in (value or {}).items():
                form[f"{name}.{lang}"] = text
        elif kind == "keywords":
            for lang, words in (value or {}).items():
                form[f"{name}.{lang}"] = ", ".join(words)
        elif kind in ("concepts", "refs", "roles"):
            form.setlist(name, [str(v) for v in value or []])
        elif kind == "bool":
            if value:
                form[name] = "1"
        elif kind == "storage":
            for i, row in enumerate(value or []):
                for key in STORAGE_KEYS:
                    item = row.get(key)
                    if key == "backed_up":
                        item = "1" if item else ""
                    form[f"{name}.{i}.{key}"] = "" if item is None else str(item)
        elif kind == "spatial":
            if value and value.get("label"):
                form[f"{name}.label"] = value["label"]
        elif kind != "password" and value is not None:
            form[name] = str(value)
    return form


def field_keys(field: Field, form: MultiDict) -> list[str]:
    prefix = field.name + "."
    return sorted(k for k in form.keys() if k == field.name or k.startswith(prefix))


def comparable(field: Field, form: MultiDict) -> tuple:
    """The field's value in a form, normalised, to compare versions of a record (merge)."""
    if field.kind == "storage":
        return tuple(tuple(sorted(row.items())) for row in _parse_storage(form, field.name))
    if field.kind == "keywords":
        return tuple((k, tuple(w.strip() for w in form.get(k, "").split(",") if w.strip()))
                     for k in field_keys(field, form) if _clean(form.get(k)))
    if field.kind in ("lang", "langlong", "spatial"):
        return tuple((k, _clean(form.get(k))) for k in field_keys(field, form) if _clean(form.get(k)))
    if field.kind in ("concepts", "refs", "roles"):
        return tuple(v for v in form.getlist(field.name) if v)
    if field.kind == "bool":
        return (form.get(field.name) in ("1", "on", "true", "y"),)
    return (_clean(form.get(field.name)),)


def copy_field(field: Field, source: MultiDict, target: MultiDict) -> None:
    """Replace `field`'s values in `target` by those in `source`."""
    for key in field_keys(field, target):
        target.poplist(key)
    for key in field_keys(field, source):
        target.setlist(key, source.getlist(key))


# ---- errors -------------------------------------------------------------------------------
def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """{"title": {"nb": ["…"]}, "storage_locations": {0: {"kind": ["…"]}}} →
    {"title.nb": ["…"], "storage_locations.0.kind": ["…"]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = prefix if key in ("_schema", None) else (f"{prefix}.{key}" if prefix else str(key))
            for k, v in flatten_errors(value, name).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(messages, (list, tuple)):
        for item in messages:
            if isinstance(item, (dict, list)):
                for k, v in flatten_errors(item, prefix).items():
                    flat.setdefault(k, []).extend(v)
            else:
                flat.setdefault(prefix or "_form", []).append(str(item))
    else:
        flat.setdefault(prefix or "_form", []).append(str(messages))
    return flat


def load(schema, data: dict, **kwargs) -> dict:
    """schema.load(data) or InvalidInput with the field messages (so pages and API report alike)."""
    from ..core.errors import InvalidInput

    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        raise InvalidInput(errors=exc.messages) from exc


class FormState:
    """What a form template needs: the fields, the values to show and the messages per field."""

    def __init__(self, fields, values: MultiDict | None = None, errors: dict | None = None, options=None):
        self.fields = list(fields)
        self.values = values if values is not None else MultiDict()
        self.errors = flatten_errors(errors or {})
        self._options = options

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def getlist(self, name: str) -> list[str]:
        return self.values.getlist(name)

    def errors_for(self, field_or_name) -> list[str]:
        name = field_or_name.name if isinstance(field_or_name, Field) else field_or_name
        found = []
        for key, messages in self.errors.items():
            if key == name or key.startswith(name + "."):
                found.extend(messages)
        return found

    def options(self, field: Field) -> list[tuple[str, str]]:
        return self._options(field) if self._options else []

    def storage_rows(self, field: Field) -> int:
        """Rows to show: the filled ones plus one empty row to add another."""
        index = 0
        while any(f"{field.name}.{index}.{key}" in self.values for key in STORAGE_KEYS):
            index += 1
        return index + 1

    @property
    def summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, field label, message) for the error summary at the top of the form."""
        out = []
        for key, messages in self.errors.items():
            field = self._field(key)
            if field is None:
                anchor, label = "form-errors", ""
            else:
                anchor = field_id(key if field.kind in ("lang", "langlong") and "." in key else field.name, field)
                label = field.label
            out.extend((anchor, label, message) for message in messages)
        return out

    def _field(self, key: str) -> Field | None:
        return next((f for f in self.fields if key == f.name or key.startswith(f.name + ".")), None)


def field_id(name: str, field: Field | None = None) -> str:
    """A valid, stable id for an input."""
    if field is not None and field.kind in ("lang", "langlong", "keywords") and name == field.name:
        name = f"{name}.{SHOWN_LANGS[0]}"
    if field is not None and field.kind == "spatial" and name == field.name:
        name = f"{name}.label"
    if field is not None and field.kind == "storage" and name == field.name:
        name = f"{name}.0.kind"
    return "f-" + name.replace(".", "-").replace("_", "-")
