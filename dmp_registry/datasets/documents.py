"""Search documents for datasets and distributions (see search/registry.py).

Documents carry everything DatasetPolicy.read_filter looks at (listed, classification, unit,
custodian, creator) as `readers` tokens, so every engine filters hits, counts, facets, highlights
and suggestions exactly as the API does; tests/search/test_permissions.py holds the two together.
"""
from __future__ import annotations

import uuid
from types import SimpleNamespace

from flask import url_for
from sqlalchemy import String, cast, or_, select

from ..core import sqljson
from ..core.db import db, id_chunks, in_ids
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


# What dataset_document and dataset_readers read of a dataset, and of its related records.
_DATASET_FIELDS = ("id", "version", "created_at", "updated_at", "title", "title_sort", "description", "keywords",
                   "dataset_type", "themes", "los_themes", "access_rights", "licence", "classification",
                   "publication_status", "spatial", "contains_personal_data", "doi", "listed", "unit_id",
                   "custodian_id", "contact_point_id", "created_by_id", "project_id")
_ID_FIELDS = ("id", "unit_id", "custodian_id", "contact_point_id", "created_by_id", "project_id")


def _dataset_select(ids: list, children: bool):
    """One JSON document per dataset with its unit and, with `children`, its storage locations,
    distributions (id, format), creators, custodian, contact point and project, nested."""
    d, u, sl, dist, pr = (Dataset.__table__, Unit.__table__, StorageLocation.__table__, Distribution.__table__,
                          Project.__table__)
    person, creator = Person.__table__, dataset_creator
    fields = {name: d.c[name] for name in _DATASET_FIELDS}
    fields["unit"] = sqljson.nested(select(sqljson.json_object(id=u.c.id, code=u.c.code, name=u.c.name))
                                    .where(u.c.id == d.c.unit_id))
    if children:
        def name_of(column):
            return sqljson.nested(select(sqljson.json_object(name=person.c.name)).where(person.c.id == column))

        fields.update(
            storage_locations=sqljson.json_array({"kind": sl.c.kind, "backed_up": sl.c.backed_up}, [sl],
                                                 [sl.c.dataset_id == d.c.id], [sl.c.position]),
            distributions=sqljson.json_array({"id": dist.c.id, "format": dist.c.format}, [dist],
                                             [dist.c.dataset_id == d.c.id], [dist.c.created_at, dist.c.id]),
            creators=sqljson.json_array({"name": person.c.name}, [creator, person],
                                        [creator.c.dataset_id == d.c.id, person.c.id == creator.c.person_id],
                                        [creator.c.position]),
            custodian=name_of(d.c.custodian_id), contact_point=name_of(d.c.contact_point_id),
            project=sqljson.nested(select(sqljson.json_object(title=pr.c.title)).where(pr.c.id == d.c.project_id)),
        )
    return select(sqljson.json_object(**fields)).where(in_ids(d.c.id, ids))


def _dataset(doc: dict, children: bool) -> SimpleNamespace:
    for name in _ID_FIELDS:
        doc[name] = sqljson.uuid_or_none(doc[name])
    doc["created_at"], doc["updated_at"] = sqljson.utc(doc["created_at"]), sqljson.utc(doc["updated_at"])
    doc["listed"], doc["contains_personal_data"] = bool(doc["listed"]), bool(doc["contains_personal_data"])
    unit = doc["unit"]
    if unit is not None:
        unit["id"] = uuid.UUID(unit["id"])
        doc["unit"] = SimpleNamespace(**unit)
    if children:
        doc["storage_locations"] = [SimpleNamespace(kind=loc["kind"], backed_up=bool(loc["backed_up"]))
                                    for loc in doc["storage_locations"]]
        doc["distributions"] = [SimpleNamespace(id=uuid.UUID(x["id"]), format=x["format"]) for x in doc["distributions"]]
        doc["creators"] = [SimpleNamespace(**c) for c in doc["creators"]]
        for name in ("custodian", "contact_point", "project"):
            if doc[name] is not None:
                doc[name] = SimpleNamespace(**doc[name])
    return SimpleNamespace(**doc)


def _datasets(ids, children: bool) -> list[SimpleNamespace]:
    """Datasets as read-only namespaces with the attributes dataset_document reads: one query per
    chunk of ids, each dataset one JSON document built by the database (core/sqljson.py)."""
    _refresh_concept_memo()
    out = []
    for chunk in id_chunks(ids):
        out += [_dataset(doc, children) for doc in sqljson.rows(_dataset_select(chunk, children))]
    return out


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
    SearchType("dataset", Dataset, "datasets-v3.json", load_datasets, dataset_document, identity_tokens,
               dataset_dependents, label={"nb": "Datasett", "en": "Dataset"},
               page=lambda hit: url_for("dataset_pages.detail", dataset_id=hit["id"])),
    SearchType("distribution", Distribution, "distributions-v3.json", load_distributions, distribution_document,
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
