"""Search type `assessment` (see search/registry.py): one document per assessment with both scores
and bands (as assessment-term concepts, so facets get nb/en labels).

Readers: `staff` (curators, admins, programme leads) and the dataset's owners (creator, custodian,
unit) — never `public` or `signedin`: AssessmentPolicy shows an assessment only to those."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

from sqlalchemy import select

from ..core.db import db
from ..datasets.documents import _common, _rows, _uuid, concept, identity_tokens, unit_ref
from ..datasets.models import Dataset
from ..organisation.models import Unit
from ..search.registry import Related, SearchType
from ..vocabularies.terms import local
from .models import Assessment, PriorityScore


def band_uri(band: str | None) -> str | None:
    return local("assessment-term", f"band-{band}") if band else None


def assessment_readers(dataset) -> list[str]:
    tokens = ["staff"]
    for prefix, value in (("user", dataset.created_by_id), ("person", dataset.custodian_id), ("unit", dataset.unit_id)):
        if value is not None:
            tokens.append(prefix + value.hex)
    return tokens


def load_assessments(ids: list) -> list[SimpleNamespace]:
    from ..datasets.documents import _refresh_concept_memo

    _refresh_concept_memo()
    ids = list(ids)
    if not ids:
        return []
    table = Assessment.__table__
    found = _rows(table, table.c.id.in_(ids))
    dataset_ids = [a.dataset_id for a in found]
    datasets = {d.id: d for d in _rows(Dataset.__table__, Dataset.__table__.c.id.in_(dataset_ids))} if found else {}
    units = {u.id: u for u in _rows(Unit.__table__, Unit.__table__.c.id.in_({d.unit_id for d in datasets.values()}))} \
        if datasets else {}
    scores = {}
    if found:
        for row in db.session.execute(select(PriorityScore.dataset_id, PriorityScore.kind, PriorityScore.score,
                                             PriorityScore.band).where(PriorityScore.dataset_id.in_(dataset_ids))):
            scores[(row.dataset_id, row.kind)] = row
    for a in found:
        a.dataset = datasets[a.dataset_id]
        a.dataset.unit = units.get(a.dataset.unit_id)
        a.securing = scores.get((a.dataset_id, "securing"))
        a.publishing = scores.get((a.dataset_id, "publishing"))
    return found


def assessment_document(a) -> dict:
    ds = a.dataset
    readers = assessment_readers(ds)
    doc = {
        **_common(a, "assessment", ds.title, readers),
        "title_sort": ds.title_sort, "description": {"en": a.notes} if a.notes else {},
        "dataset": {"id": str(ds.id), "title": dict(ds.title or {})},
        "unit": unit_ref(ds.unit), "type": concept(ds.dataset_type), "classification": concept(ds.classification),
        "state": a.state, "listed": False,
        "securing_score": a.securing.score if a.securing else None,
        "publishing_score": a.publishing.score if a.publishing else None,
        "securing_band": concept(band_uri(a.securing.band if a.securing else None)),
        "publishing_band": concept(band_uri(a.publishing.band if a.publishing else None)),
        "unit_id": _uuid(ds.unit_id), "custodian_id": _uuid(ds.custodian_id), "created_by_id": _uuid(ds.created_by_id),
        "assignee_id": _uuid(a.assignee_id), "due_date": a.due_date.isoformat() if a.due_date else None,
    }
    return doc


def assessments_of_datasets(ids: list[str]):
    rows = db.session.scalars(select(Assessment.id).where(Assessment.dataset_id.in_([uuid.UUID(i) for i in ids])))
    return [("assessment", str(i)) for i in rows]


SEARCH_TYPES = [
    SearchType("assessment", Assessment, "assessments-v3.json", load_assessments, assessment_document,
               identity_tokens, label={"nb": "Vurdering", "en": "Assessment"},
               suggests=False),  # autocomplete offers the dataset's title once, from the dataset
]

RELATED = [
    # a dataset's title, unit or owners appear in (and restrict) its assessment's document
    Related(Dataset, "assessment-of-dataset", "id", assessments_of_datasets),
]
