"""Facets: API parameter → document path. One table for Elasticsearch (the path is the keyword
field) and the fallback (values extracted from the document). Record types of later issues add
their rows here (system lifecycle, activity status, priority band)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

import orjson
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Facet:
    name: str   # query parameter and key in the response
    path: str   # dotted path in the document = Elasticsearch field
    kind: str   # how buckets get labels: record_type | unit | concept | bool
    label: object = None  # the facet's heading (lazy gettext)


FACETS = (
    Facet("record_type", "record_type", "record_type", _l("Record type")),
    Facet("unit", "unit.id", "unit", _l("Unit")),
    Facet("type", "type.uri", "concept", _l("Type")),
    Facet("theme", "themes.uri", "concept", _l("Theme")),
    Facet("access_rights", "access_rights.uri", "concept", _l("Access rights")),
    Facet("publication_status", "publication_status.uri", "concept", _l("Publication status")),
    Facet("classification", "classification.uri", "concept", _l("Classification")),
    Facet("format", "format.uri", "concept", _l("Format")),
    Facet("personal_data", "personal_data", "bool", _l("Personal data")),
    Facet("backed_up", "backed_up", "bool", _l("Backed up")),
    Facet("lifecycle", "lifecycle.uri", "concept", _l("System lifecycle")),
    Facet("securing_band", "securing_band.uri", "concept", _l("Securing priority")),
    Facet("publishing_band", "publishing_band.uri", "concept", _l("Publishing priority")),
    Facet("activity_status", "status.uri", "concept", _l("Activity status")),
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


_PATHS = tuple((f.name, tuple(f.path.split("."))) for f in FACETS)


def _values(doc, parts) -> list[str]:
    if len(parts) == 1:  # the common shapes, without the general walk
        v = doc.get(parts[0])
        if v is None:
            return []
        if type(v) is str:
            return [v]
        if type(v) is bool:
            return ["true" if v else "false"]
    elif len(parts) == 2:
        v = doc.get(parts[0])
        if v is None:
            return []
        if type(v) is dict:
            v = v.get(parts[1])
            if v is None:
                return []
            if type(v) is str:
                return [v]
        elif type(v) is list and all(type(x) is dict for x in v):  # themes.uri, format.uri
            out = [x.get(parts[1]) for x in v]
            if all(type(x) is str or x is None for x in out):
                return [x for x in out if x is not None]
    nodes = [doc]
    for part in parts:
        nxt = []
        for node in nodes:
            value = node.get(part) if isinstance(node, dict) else None
            if isinstance(value, list):
                nxt.extend(v for v in value if v is not None)
            elif value is not None:
                nxt.append(value)
        nodes = nxt
        if not nodes:
            return nodes
    return [("true" if v else "false") if isinstance(v, bool) else str(v) for v in nodes]


def facet_values(doc: dict) -> dict[str, list[str]]:
    return {name: vals for name, parts in _PATHS if (vals := _values(doc, parts))}


@lru_cache(maxsize=100_000)  # a few hundred distinct facet values, repeated in every document
def filter_token(facet: str, value: str) -> str:
    """An FTS-safe word standing for "facet = value" (URIs are not words)."""
    return "f" + hashlib.sha1(f"{facet}={value}".encode()).hexdigest()[:20]


def facet_set_key(values: dict[str, list[str]]) -> int:
    """A signed 64-bit key of a document's facet values: documents with the same values share it, so
    the embedded index counts facets by grouping integers (a covering index) instead of JSON text.
    Canonical (sorted keys, compact) so the key does not depend on how the JSON was written.
    migrations/versions/*_search_facet_set.py keeps a copy for the rows it backfills."""
    try:  # orjson writes what json.dumps(sort_keys, compact, ensure_ascii=False) writes, 4x faster
        text = orjson.dumps(values, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return int.from_bytes(hashlib.sha1(text).digest()[:8], "big", signed=True)


def filter_tokens(values: dict[str, list[str]]) -> str:
    return " ".join(filter_token(name, v) for name, vals in values.items() for v in vals)
