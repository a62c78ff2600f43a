"""Search documents for IT systems (see search/registry.py).

The portfolio is internal (ItSystemPolicy: every signed-in user reads it), so a system document's
readers are `staff` and `signedin`. Documents hold no dataset titles: a system may hold datasets a
reader may not see, and a title in the index would leak through hits, highlights and suggestions.
"""
from __future__ import annotations

import uuid

from flask import url_for
from sqlalchemy import String, cast, or_, select

from ..core.db import db
from ..datasets.documents import (_by_id, _common, _refresh_concept_memo, _rows, _uuid, concept, identity_tokens,
                                  unit_ref)
from ..flows.models import DataFlow
from ..organisation.models import Person, Unit
from ..search.registry import Related, SearchType
from ..vocabularies.models import Concept
from ..vocabularies.service import concept_cache
from .models import ItSystem

SYSTEM_READERS = ["staff", "signedin"]


def load_systems(ids: list) -> list:
    _refresh_concept_memo()
    ids = list(ids)
    if not ids:
        return []
    table = ItSystem.__table__
    systems = _rows(table, table.c.id.in_(ids))
    units = _by_id(Unit, (s.owner_unit_id for s in systems))
    people = _by_id(Person, [s.system_owner_id for s in systems] + [s.technical_contact_id for s in systems])
    for system in systems:
        system.owner_unit = units.get(system.owner_unit_id)
        system.people = [people[p] for p in (system.system_owner_id, system.technical_contact_id) if p in people]
    return systems


def system_document(system) -> dict:
    title = {"nb": system.name}
    doc = _common(system, "system", title, SYSTEM_READERS)
    return {
        **doc, "title_sort": system.name_sort, "description": dict(system.description or {}),
        "short_name": system.short_name, "category": concept(system.category), "hosting": concept(system.hosting),
        "lifecycle": concept(system.lifecycle_status), "classification": concept(system.classification),
        "personal_data": system.processes_personal_data, "unit": unit_ref(system.owner_unit),
        "unit_id": _uuid(system.owner_unit_id), "people": list(dict.fromkeys(p.name for p in system.people)),
        "vendor": " ".join(v for v in (system.vendor, system.product, system.product_version) if v) or None,
    }


def system_dependents(systems) -> list:
    """Flow documents name their source and target systems."""
    ids = [s.id for s in systems]
    if not ids:
        return []
    rows = db.session.scalars(select(DataFlow.id).where(or_(DataFlow.source_system_id.in_(ids),
                                                            DataFlow.target_system_id.in_(ids))))
    return [("flow", str(i)) for i in rows]


def systems_of_units(ids: list[str]):
    rows = db.session.scalars(select(ItSystem.id).where(ItSystem.owner_unit_id.in_([uuid.UUID(i) for i in ids])))
    return [("system", str(i)) for i in rows]


def systems_of_people(ids: list[str]):
    people = [uuid.UUID(i) for i in ids]
    rows = db.session.scalars(select(ItSystem.id).where(or_(ItSystem.system_owner_id.in_(people),
                                                            ItSystem.technical_contact_id.in_(people))))
    return [("system", str(i)) for i in rows]


def systems_of_concepts(uris: list[str]):
    concept_cache.invalidate()
    columns = (ItSystem.category, ItSystem.hosting, ItSystem.lifecycle_status, ItSystem.classification)
    found = set()
    for start in range(0, len(uris), 50):
        chunk = uris[start:start + 50]
        found.update(db.session.scalars(select(ItSystem.id).where(or_(*(cast(c, String).in_(chunk) for c in columns)))))
    return [("system", str(i)) for i in found]


SEARCH_TYPES = [
    SearchType("system", ItSystem, "systems-v3.json", load_systems, system_document, identity_tokens,
               system_dependents, label={"nb": "IT-system", "en": "IT system"},
               page=lambda hit: url_for("portfolio_pages.systems_detail", record_id=hit["id"])),
]

RELATED = [
    Related(Unit, "unit", "id", systems_of_units),
    Related(Person, "person", "id", systems_of_people),
    Related(Concept, "concept", "uri", systems_of_concepts),
]
