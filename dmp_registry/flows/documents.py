"""Search documents for data flows (see search/registry.py).

FlowPolicy: a flow is read by whoever may read every dataset it names. As reader tokens: staff
always; `signedin` when no named dataset is confidential (every signed-in user reads the others);
otherwise the owner tokens the confidential datasets have in common. With two confidential datasets
owned through different tokens (a user who created one and belongs to the other's unit) the index
shows the flow to fewer people than the API does: never to more.
"""
from __future__ import annotations

import uuid
from collections import defaultdict

from flask import url_for
from sqlalchemy import or_, select

from ..core.db import db
from ..datasets.documents import _by_id, _common, _datasets, _refresh_concept_memo, _rows, concept, dataset_readers, \
    identity_tokens
from ..datasets.models import Dataset
from ..organisation.models import Person
from ..search.registry import Related, SearchType
from ..systems.models import ItSystem
from .models import DataFlow, flow_dataset


def flow_readers(datasets) -> list[str]:
    confidential = [set(dataset_readers(d)) - {"staff", "public", "signedin"}
                    for d in datasets if "signedin" not in dataset_readers(d)]
    if not confidential:
        return ["staff", "signedin"]
    return ["staff", *sorted(set.intersection(*confidential))]


def load_flows(ids: list) -> list:
    _refresh_concept_memo()
    ids = list(ids)
    if not ids:
        return []
    table = DataFlow.__table__
    flows = _rows(table, table.c.id.in_(ids))
    links = defaultdict(list)
    for row in db.session.execute(select(flow_dataset.c.flow_id, flow_dataset.c.dataset_id)
                                  .where(flow_dataset.c.flow_id.in_([f.id for f in flows]))):
        links[row.flow_id].append(row.dataset_id)
    dataset_ids = {i for f in flows for i in (f.source_dataset_id, f.target_dataset_id, *links[f.id]) if i}
    datasets = {d.id: d for d in _datasets(dataset_ids, children=False)}
    systems = _by_id(ItSystem, [i for f in flows for i in (f.source_system_id, f.target_system_id)])
    people = _by_id(Person, (f.responsible_id for f in flows))
    for flow in flows:
        flow.named = [datasets[i] for i in dict.fromkeys((flow.source_dataset_id, flow.target_dataset_id, *links[flow.id]))
                      if i in datasets]
        ends = ((flow.source_system_id, flow.source_dataset_id), (flow.target_system_id, flow.target_dataset_id))
        flow.ends = [_end(systems.get(s), datasets.get(d)) for s, d in ends]
        flow.responsible = people.get(flow.responsible_id)
    return flows


def _end(system, dataset) -> dict | None:
    if system is not None:
        return {"id": str(system.id), "kind": "system", "label": {"nb": system.name}}
    if dataset is not None:
        return {"id": str(dataset.id), "kind": "dataset", "label": dict(dataset.title or {})}
    return None


def flow_document(flow) -> dict:
    readers = flow_readers(flow.named)
    return {
        **_common(flow, "flow", {"nb": flow.title}, readers), "title_sort": flow.title_sort,
        "description": dict(flow.description or {}), "source": flow.ends[0], "target": flow.ends[1],
        "datasets": [{"id": str(d.id), "title": dict(d.title or {})} for d in flow.named],
        "mechanism": concept(flow.mechanism), "frequency": concept(flow.frequency), "format": concept(flow.format),
        "flow_status": concept(flow.status), "problem_severity": concept(flow.problem_severity),
        "problems": flow.problems, "personal_data": flow.personal_data,
        "people": [flow.responsible.name] if flow.responsible else [],
    }


def flows_of_datasets(dataset_ids) -> list:
    """Flows naming these datasets: their documents repeat the titles and follow the readers."""
    ids = list(dataset_ids)
    if not ids:
        return []
    linked = select(flow_dataset.c.flow_id).where(flow_dataset.c.dataset_id.in_(ids))
    rows = db.session.scalars(select(DataFlow.id).where(or_(
        DataFlow.source_dataset_id.in_(ids), DataFlow.target_dataset_id.in_(ids), DataFlow.id.in_(linked))))
    return [("flow", str(i)) for i in rows]


def flows_of_people(ids: list[str]):
    rows = db.session.scalars(select(DataFlow.id).where(DataFlow.responsible_id.in_([uuid.UUID(i) for i in ids])))
    return [("flow", str(i)) for i in rows]


SEARCH_TYPES = [
    SearchType("flow", DataFlow, "flows-v3.json", load_flows, flow_document, identity_tokens,
               label={"nb": "Dataflyt", "en": "Data flow"},
               page=lambda hit: url_for("portfolio_pages.flows_detail", record_id=hit["id"])),
]

RELATED = [
    Related(Dataset, "dataset-flows", "id", lambda ids: flows_of_datasets([uuid.UUID(i) for i in ids])),
    Related(Person, "person", "id", flows_of_people),
]
