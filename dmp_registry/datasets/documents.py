"""Search documents for datasets and distributions (see search/registry.py).

Documents carry everything DatasetPolicy.read_filter looks at (listed, classification, unit,
custodian, creator) as `readers` tokens, so every engine filters hits, counts, facets, highlights
and suggestions exactly as the API does; tests/search/test_permissions.py holds the two together.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from types import SimpleNamespace

from flask import url_for
from sqlalchemy import String, cast, or_, select

from ..core.db import db
from ..organisation.models import Person, Project, Unit
from ..search.registry import Related, SearchType
from ..vocabularies.models import Concept
from ..vocabularies.service import concept_cache
from ..vocabularies.terms import CONFIDENTIAL_CLASSIFICATIONS
from .models import Dataset, Distribution, StorageLocation, dataset_creator

SEES_ALL_ROLES = ("curator", "admin", "programme_lead")  # DatasetPolicy._sees_all


# ---- permissions as tokens ------------------------------------------------------------
def dataset_readers(ds: Dataset) -> list[str]:
    """Who may read: `staff` always; `public` when listed; `signedin` when not confidential;
    the owners (creator, custodian, unit) always."""
    tokens = ["staff"]
    if ds.listed:
        tokens.append("public")
    if ds.classification not in CONFIDENTIAL_CLASSIFICATIONS:
        tokens.append("signedin")
    for prefix, value in (("user", ds.created_by_id), ("person", ds.custodian_id), ("unit", ds.unit_id)):
        if value is not None:
            tokens.append(prefix + value.hex)
    return tokens


def identity_tokens(identity) -> list[str]:
    if not identity.is_authenticated:
        return ["public"]
    if identity.has_role(*SEES_ALL_ROLES):
        return ["staff"]
    tokens = ["public", "signedin"]
    for prefix, value in (("user", identity.user_id), ("person", identity.person_id), ("unit", identity.unit_id)):
        if value is not None:
            tokens.append(prefix + value.hex)
    return tokens


# ---- building blocks --------------------------------------------------------------------
_concept_memo: dict = {"source": None, "refs": {}}


def _refresh_concept_memo() -> None:
    """Concept refs are memoised per load of the concept cache (a few hundred concepts, used by
    every document): checked once per batch in load_datasets/load_distributions."""
    source = concept_cache._concepts()
    if _concept_memo["source"] is not source:
        _concept_memo.update(source=source, refs={})


def concept(uri: str | None) -> dict | None:
    """{uri, label: {nb, en}}: labels denormalised so both languages are searchable.
    The dict is shared between documents of a batch: read-only."""
    if not uri:
        return None
    refs = _concept_memo["refs"]
    ref = refs.get(uri)
    if ref is None:
        info = concept_cache.get(uri)
        labels = info.labels if info else {}
        ref = refs[uri] = {"uri": uri, "label": {lang: labels[lang] for lang in ("nb", "en") if labels.get(lang)}}
    return ref


def unit_ref(unit: Unit | None) -> dict | None:
    if unit is None:
        return None
    return {"id": str(unit.id), "code": unit.code, "label": {k: v for k, v in (unit.name or {}).items() if v}}


def _uuid(value) -> str | None:
    return str(value) if value is not None else None


def _common(obj, record_type: str, title: dict, readers: list[str]) -> dict:
    return {
        "id": str(obj.id), "record_type": record_type, "version": obj.version,
        "title": dict(title or {}), "created_at": obj.created_at.isoformat(), "updated_at": obj.updated_at.isoformat(),
        "readers": readers,
    }


# ---- datasets ---------------------------------------------------------------------------
# Documents are built from a few set-based Core queries per batch (no ORM identity map, no
# per-record lazy loads): read-only namespaces with the attributes dataset_document reads.
def _rows(table, where, *order) -> list[SimpleNamespace]:
    stmt = select(*table.c).where(where)
    if order:
        stmt = stmt.order_by(*order)
    return [SimpleNamespace(**row._mapping) for row in db.session.execute(stmt).all()]  # one fetchall


def _by_id(model, ids) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    table = model.__table__
    return {r.id: r for r in _rows(table, table.c.id.in_(ids))}


def _datasets(ids: list, children: bool) -> list[SimpleNamespace]:
    _refresh_concept_memo()
    ids = list(ids)
    if not ids:
        return []
    table = Dataset.__table__
    datasets = _rows(table, table.c.id.in_(ids))
    units = _by_id(Unit, (d.unit_id for d in datasets))
    for ds in datasets:
        ds.unit = units.get(ds.unit_id)
    if not children:
        return datasets
    found = [d.id for d in datasets]
    locations, distributions, creators = defaultdict(list), defaultdict(list), defaultdict(list)
    sl = StorageLocation.__table__
    for loc in _rows(sl, sl.c.dataset_id.in_(found), sl.c.dataset_id, sl.c.position):
        locations[loc.dataset_id].append(loc)
    dt = Distribution.__table__
    rows = db.session.execute(select(dt.c.id, dt.c.dataset_id, dt.c.format).where(dt.c.dataset_id.in_(found))
                              .order_by(dt.c.dataset_id, dt.c.created_at))
    for row in rows:
        distributions[row.dataset_id].append(SimpleNamespace(id=row.id, format=row.format))
    links = db.session.execute(select(dataset_creator.c.dataset_id, dataset_creator.c.person_id)
                               .where(dataset_creator.c.dataset_id.in_(found))
                               .order_by(dataset_creator.c.dataset_id, dataset_creator.c.position)).all()
    people = _by_id(Person, [r.person_id for r in links] + [d.custodian_id for d in datasets]
                    + [d.contact_point_id for d in datasets])
    for row in links:
        creators[row.dataset_id].append(people[row.person_id])
    projects = _by_id(Project, (d.project_id for d in datasets))
    for ds in datasets:
        ds.storage_locations = locations.get(ds.id, [])
        ds.distributions = distributions.get(ds.id, [])
        ds.creators = creators.get(ds.id, [])
        ds.custodian = people.get(ds.custodian_id)
        ds.contact_point = people.get(ds.contact_point_id)
        ds.project = projects.get(ds.project_id)
    return datasets


def load_datasets(ids: list) -> list[SimpleNamespace]:
    """Fresh from the database (not the session's objects), with what dataset_document reads."""
    return _datasets(ids, children=True)


def dataset_document(ds: Dataset) -> dict:
    readers = dataset_readers(ds)
    locations = ds.storage_locations
    people = [p.name for p in (*ds.creators, ds.custodian, ds.contact_point) if p is not None]
    return {
        **_common(ds, "dataset", ds.title, readers),
        "title_sort": ds.title_sort, "description": dict(ds.description or {}),
        "keywords": {k: list(v) for k, v in (ds.keywords or {}).items()},
        "type": concept(ds.dataset_type), "themes": [concept(u) for u in (ds.themes or []) + (ds.los_themes or [])],
        "access_rights": concept(ds.access_rights), "licence": concept(ds.licence),
        "classification": concept(ds.classification), "publication_status": concept(ds.publication_status),
        "unit": unit_ref(ds.unit), "people": list(dict.fromkeys(people)),
        "project": dict(ds.project.title or {}) if ds.project else None,
        "places": [(ds.spatial or {}).get("label")] if (ds.spatial or {}).get("label") else [],
        "personal_data": ds.contains_personal_data,
        # "not backed up" is the question people ask: true only when every location is backed up
        "backed_up": bool(locations) and all(loc.backed_up for loc in locations),
        "storage": [{"kind": concept(loc.kind), "backed_up": loc.backed_up} for loc in locations],
        "format": [c for c in {d.format: concept(d.format) for d in ds.distributions if d.format}.values()],
        "doi": ds.doi, "listed": ds.listed, "unit_id": _uuid(ds.unit_id),
        "custodian_id": _uuid(ds.custodian_id), "created_by_id": _uuid(ds.created_by_id),
    }


def dataset_dependents(datasets: list[Dataset]):
    """Distribution documents repeat their dataset's title, unit and readers."""
    return [("distribution", str(d.id)) for ds in datasets for d in ds.distributions]


# ---- distributions ----------------------------------------------------------------------
def load_distributions(ids: list) -> list[SimpleNamespace]:
    ids = list(ids)
    if not ids:
        return []
    table = Distribution.__table__
    dists = _rows(table, table.c.id.in_(ids))
    datasets = {d.id: d for d in _datasets({d.dataset_id for d in dists}, children=False)}
    for dist in dists:
        dist.dataset = datasets[dist.dataset_id]
    return dists


def distribution_document(dist: Distribution) -> dict:
    ds = dist.dataset
    readers = dataset_readers(ds)  # DistributionPolicy: visible exactly when its dataset is
    return {
        **_common(dist, "distribution", dist.title or ds.title, readers),
        "title_sort": ds.title_sort, "description": dict(dist.description or {}),
        "dataset": {"id": str(ds.id), "title": dict(ds.title or {})},
        "format": concept(dist.format), "licence": concept(dist.licence),
        "access_rights": concept(ds.access_rights), "classification": concept(ds.classification),
        "unit": unit_ref(ds.unit), "listed": ds.listed, "unit_id": _uuid(ds.unit_id),
        "custodian_id": _uuid(ds.custodian_id), "created_by_id": _uuid(ds.created_by_id),
    }


# ---- re-indexing when linked records change -------------------------------------------------
def datasets_of_units(ids: list[str]):
    rows = db.session.scalars(select(Dataset.id).where(Dataset.unit_id.in_([uuid.UUID(i) for i in ids])))
    return [("dataset", str(i)) for i in rows]


def datasets_of_people(ids: list[str]):
    people = [uuid.UUID(i) for i in ids]
    creators = select(dataset_creator.c.dataset_id).where(dataset_creator.c.person_id.in_(people))
    rows = db.session.scalars(select(Dataset.id).where(or_(
        Dataset.custodian_id.in_(people), Dataset.contact_point_id.in_(people), Dataset.id.in_(creators))))
    return [("dataset", str(i)) for i in rows]


def datasets_of_concepts(uris: list[str]):
    """Datasets (and their distributions' formats) using a concept whose labels changed."""
    concept_cache.invalidate()
    found = set()
    for start in range(0, len(uris), 50):
        chunk = uris[start:start + 50]
        columns = (Dataset.dataset_type, Dataset.access_rights, Dataset.licence, Dataset.classification,
                   Dataset.publication_status)
        conditions = [c.in_(chunk) for c in columns]
        conditions += [cast(col, String).contains(f'"{uri}"', autoescape=True)
                       for col in (Dataset.themes, Dataset.los_themes) for uri in chunk]
        conditions.append(Dataset.id.in_(select(Distribution.dataset_id).where(Distribution.format.in_(chunk))))
        found.update(db.session.scalars(select(Dataset.id).where(or_(*conditions))))
    return [("dataset", str(i)) for i in found]


SEARCH_TYPES = [
    SearchType("dataset", Dataset, "datasets-v1.json", load_datasets, dataset_document, identity_tokens,
               dataset_dependents, label={"nb": "Datasett", "en": "Dataset"},
               page=lambda hit: url_for("dataset_pages.detail", dataset_id=hit["id"])),
    SearchType("distribution", Distribution, "distributions-v1.json", load_distributions, distribution_document,
               identity_tokens, label={"nb": "Distribusjon", "en": "Distribution"},
               page=lambda hit: url_for("dataset_pages.detail", dataset_id=hit["dataset"]["id"])),
]

RELATED = [
    Related(StorageLocation, "dataset", "dataset_id"),
    Related(Distribution, "dataset", "dataset_id"),  # formats are facets of the dataset
    Related(Unit, "unit", "id", datasets_of_units),
    Related(Person, "person", "id", datasets_of_people),
    Related(Concept, "concept", "uri", datasets_of_concepts),
]
