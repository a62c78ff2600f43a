"""Small helpers that turn stored values into text for the pages."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import forms
from .i18n import concept_label
from .options import ROLE_LABELS, options_for

ACTION_LABELS = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted"), "import": _l("imported")}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def role_labels(roles) -> str:
    return ", ".join(str(ROLE_LABELS.get(r, r)) for r in roles or ())


def conflict_value(field: forms.Field, values) -> str:
    """A field's value in a form (MultiDict) as readable text, e.g. the saved side of a conflict."""
    kind, name = field.kind, field.name
    if kind in ("lang", "langlong", "keywords"):
        return " / ".join(values.get(k) for k in forms.field_keys(field, values) if values.get(k))
    if kind in ("concept", "concepts"):
        return ", ".join(concept_label(v) for v in values.getlist(name) if v)
    if kind in ("ref", "refs", "roles"):
        labels = dict(options_for(field))
        return ", ".join(labels.get(v, v) for v in values.getlist(name) if v)
    if kind == "bool":
        return _("Yes") if values.get(name) in ("1", "on") else _("No")
    if kind == "storage":
        rows = forms._parse_storage(values, name)
        return "; ".join(f"{concept_label(r['kind'])} {r['description'] or ''}".strip() for r in rows)
    if kind == "spatial":
        return values.get(f"{name}.label", "")
    return values.get(name, "")
