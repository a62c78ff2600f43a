"""Facets: API parameter → document path. One table for Elasticsearch (the path is the keyword
field) and the fallback (values extracted from the document). Record types of later issues add
their rows here (system lifecycle, activity status, priority band)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    name: str   # query parameter and key in the response
    path: str   # dotted path in the document = Elasticsearch field
    kind: str   # how buckets get labels: record_type | unit | concept | bool


FACETS = (
    Facet("record_type", "record_type", "record_type"),
    Facet("unit", "unit.id", "unit"),
    Facet("type", "type.uri", "concept"),
    Facet("theme", "themes.uri", "concept"),
    Facet("access_rights", "access_rights.uri", "concept"),
    Facet("publication_status", "publication_status.uri", "concept"),
    Facet("classification", "classification.uri", "concept"),
    Facet("format", "format.uri", "concept"),
    Facet("personal_data", "personal_data", "bool"),
    Facet("backed_up", "backed_up", "bool"),
)
FACETS_BY_NAME = {f.name: f for f in FACETS}


def values_at(doc, path: str) -> list[str]:
    """Values under a dotted path, walking lists; booleans as "true"/"false"."""
    nodes = [doc]
    for part in path.split("."):
        nxt = []
        for node in nodes:
            value = node.get(part) if isinstance(node, dict) else None
            nxt.extend(value if isinstance(value, list) else [value])
        nodes = [n for n in nxt if n is not None]
    return [("true" if v else "false") if isinstance(v, bool) else str(v) for v in nodes]


def facet_values(doc: dict) -> dict[str, list[str]]:
    return {f.name: vals for f in FACETS if (vals := values_at(doc, f.path))}


def filter_token(facet: str, value: str) -> str:
    """An FTS-safe word standing for "facet = value" (URIs are not words)."""
    return "f" + hashlib.sha1(f"{facet}={value}".encode()).hexdigest()[:20]


def filter_tokens(values: dict[str, list[str]]) -> str:
    return " ".join(filter_token(name, v) for name, vals in values.items() for v in vals)
