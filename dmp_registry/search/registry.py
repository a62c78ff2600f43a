"""Search types: one per record type, declared in `<area>/documents.py`.

To make a new record type searchable: write `<area>/documents.py` with a `SearchType` in
`SEARCH_TYPES` (and `Related` rows for models whose changes must re-index it), add a mapping file
under `mappings/elasticsearch/`, and add the area to `AREAS`. Nothing else in search/ changes.
"""
from __future__ import annotations

import importlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

#: Areas whose documents.py declare search types, in the order facets list record types.
AREAS = ("datasets", "systems", "flows", "priorities", "plans", "programme")

Key = tuple[str, str]  # (entity type, id as text)


@dataclass(frozen=True)
class SearchType:
    name: str                                   # record_type in documents, facets and the API
    model: type
    mapping: str                                # file in mappings/elasticsearch/, e.g. datasets-v3.json
    load: Callable[[list], list]                # ids → objects, eagerly loaded for to_document
    to_document: Callable[[object], dict]
    reader_tokens: Callable[[object], list[str]]  # identity → tokens matched against doc["readers"]
    dependents: Callable[[list], Iterable[Key]] = lambda objs: ()  # records embedding data of these
    label: dict = field(default_factory=dict)   # {nb, en}: shown in the record-type facet
    page: Callable[[dict], str] | None = None   # hit → URL of its page (in a request context)
    suggests: bool = True                       # offered by autocomplete (not: records that repeat a title)

    @property
    def index(self) -> str:
        """Alias stem: `datasets-v3.json` → `datasets`."""
        return self.mapping.rsplit("-v", 1)[0]

    @property
    def mapping_version(self) -> int:
        return int(self.mapping.rsplit("-v", 1)[1].split(".")[0])


@dataclass(frozen=True)
class Related:
    """Changes of `model` re-index other records: directly when `expand` is None (the attribute
    `key` holds the id of a `entity_type` record), else by `expand(keys)` at drain time."""

    model: type
    entity_type: str
    key: str
    expand: Callable[[list[str]], Iterable[Key]] | None = None


@dataclass
class _Registry:
    types: dict[str, SearchType] = field(default_factory=dict)
    by_model: dict[type, SearchType] = field(default_factory=dict)
    related: dict[type, list[Related]] = field(default_factory=dict)
    expanders: dict[str, list[Callable]] = field(default_factory=dict)  # several areas may follow units, people …


_registry: _Registry | None = None


def registry() -> _Registry:
    global _registry
    if _registry is None:
        reg = _Registry()
        for area in AREAS:
            module = importlib.import_module(f"dmp_registry.{area}.documents")
            for search_type in module.SEARCH_TYPES:
                reg.types[search_type.name] = search_type
                reg.by_model[search_type.model] = search_type
            for rel in getattr(module, "RELATED", ()):
                reg.related.setdefault(rel.model, []).append(rel)
                if rel.expand is not None:
                    reg.expanders.setdefault(rel.entity_type, []).append(rel.expand)
        _registry = reg
    return _registry


def search_types() -> dict[str, SearchType]:
    return registry().types


def search_type(name: str) -> SearchType:
    return registry().types[name]


def reader_groups(identity, suggesting: bool = False) -> list[tuple[list[str], list[str]]]:
    """[(record types, reader tokens)] for both engines' permission conditions: types sharing a
    permission rule share a group. A group that holds every record type comes with no types: its
    type condition would match every document and only cost time (FTS5's bm25 reads the whole
    posting list of each term in the query; Elasticsearch evaluates it on every shard)."""
    groups = defaultdict(list)
    everything = search_types()
    for st in everything.values():
        if suggesting and not st.suggests:
            continue
        groups[tuple(st.reader_tokens(identity))].append(st.name)
    if len(groups) == 1 and len(next(iter(groups.values()))) == len(everything):
        return [([], list(next(iter(groups))))]
    return [(names, list(tokens)) for tokens, names in groups.items()]


def types_holding(ids) -> dict:
    """id → the search type whose record has it, for each of `ids` some record has. Record ids are
    document ids in the one Elasticsearch index (search/indices.py), so records of different types
    must not share one; ids from outside (a DCAT import) are checked here before they are given.
    One statement (a UNION ALL of every type's table) per chunk of ids (`id_chunks`)."""
    from sqlalchemy import literal, select, union_all

    from ..core.db import db, id_chunks, in_ids

    found, types = {}, list(search_types().values())
    for chunk in id_chunks(set(ids)):
        stmt = union_all(*(select(st.model.id, literal(st.name)).where(in_ids(st.model.id, chunk)) for st in types))
        found.update(db.session.execute(stmt).all())
    return found
