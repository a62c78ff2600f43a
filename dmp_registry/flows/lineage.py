"""Lineage (everything up- or downstream of a node, with depth) and impact analysis.

The walk is breadth-first, one indexed query per level, so its cost follows the part of the graph
it reaches, not the graph's size; a visited set makes cycles harmless. Only flows the identity may
read are walked, so a lineage never shows what a flow listing would hide.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from ..core.db import db, id_chunks, in_ids
from ..core.errors import NotFoundError
from ..core.identity import Identity
from ..datasets.models import Dataset
from ..systems.models import ItSystem, system_dataset
from ..vocabularies.models import pick_label
from .models import DataFlow
from .service import FLOW_ACTIVE, FLOW_PLANNED, SYSTEM_RETIRED, flow_service


@dataclass
class Walk:
    depth: dict = field(default_factory=dict)      # node id → steps from the start
    edges: dict = field(default_factory=dict)      # flow id → (title, source, target)
    truncated: bool = False


def _statuses(include_planned: bool) -> list[str]:
    return [FLOW_ACTIVE, FLOW_PLANNED] if include_planned else [FLOW_ACTIVE]


def _flows_touching(identity: Identity, nodes, column, statuses):
    visible = flow_service.policy.read_filter(identity, DataFlow)
    for chunk in id_chunks(nodes):
        stmt = (select(DataFlow.id, DataFlow.title, DataFlow.source_node, DataFlow.target_node)
                .where(in_ids(column, chunk), DataFlow.status.in_(statuses), visible))
        yield from db.session.execute(stmt)  # rows unpack as (id, title, source, target)


def walk(identity: Identity, start: uuid.UUID, downstream: bool, max_depth: int, statuses) -> Walk:
    result, frontier = Walk(depth={start: 0}), {start}
    near = DataFlow.source_node if downstream else DataFlow.target_node
    depth, edges = result.depth, result.edges
    for level in range(1, max_depth + 1):
        following = set()
        for flow_id, title, source, target in _flows_touching(identity, frontier, near, statuses):
            edges[flow_id] = (title, source, target)
            other = target if downstream else source
            if other not in depth:
                depth[other] = level
                following.add(other)
        frontier = following
        if not frontier:
            return result
    result.truncated = any(True for _ in _flows_touching(identity, frontier, near, statuses))
    return result


def describe_nodes(identity: Identity, ids) -> dict:
    """node id → {kind, id, label}; datasets the identity may not read are left out."""
    from ..datasets.permissions import DatasetPolicy

    out = {}
    readable = DatasetPolicy().read_filter(identity, Dataset)
    for chunk in id_chunks(ids):
        for system_id, name in db.session.execute(select(ItSystem.id, ItSystem.name).where(in_ids(ItSystem.id, chunk))):
            out[system_id] = {"kind": "system", "id": system_id, "label": name}
        for dataset_id, title in db.session.execute(
                select(Dataset.id, Dataset.title).where(in_ids(Dataset.id, chunk), readable)):
            out[dataset_id] = {"kind": "dataset", "id": dataset_id, "label": pick_label(title) or ""}
    return out


def start_node(identity: Identity, node_id: uuid.UUID) -> dict:
    flow_service.policy.require(identity, "lineage")
    described = describe_nodes(identity, [node_id])
    if node_id not in described:
        raise NotFoundError(f"No system or dataset with id {node_id}")
    return described[node_id]


def lineage(identity: Identity, node_id: uuid.UUID, direction: str = "both", max_depth: int = 50,
            include_planned: bool = False) -> dict:
    start = start_node(identity, node_id)
    statuses, walks = _statuses(include_planned), {}
    for name, downstream in (("upstream", False), ("downstream", True)):
        if direction in (name, "both"):
            walks[name] = walk(identity, node_id, downstream, max_depth, statuses)
    nodes = describe_nodes(identity, {n for w in walks.values() for n in w.depth} - {node_id})
    result = {"start": start, "upstream": [], "downstream": [], "flows": [], "truncated": False}
    for name, result_walk in walks.items():
        sign = -1 if name == "upstream" else 1
        result[name] = sorted(({**nodes[n], "depth": sign * d} for n, d in result_walk.depth.items() if n in nodes),
                              key=lambda n: (abs(n["depth"]), n["label"].casefold()))
        result["truncated"] |= result_walk.truncated
    edges = {fid: e for w in walks.values() for fid, e in w.edges.items()}
    result["flows"] = [{"flow_id": fid, "title": title, "source": src, "target": tgt}
                       for fid, (title, src, tgt) in sorted(edges.items(), key=lambda kv: kv[1][0].casefold())]
    return result


def impact(identity: Identity, system_id: uuid.UUID) -> dict:
    """What breaks if the system is retired or down: its flows, flows and nodes downstream that lose
    every input, and datasets for which it holds the only copy."""
    start = start_node(identity, system_id)
    if start["kind"] != "system":
        raise NotFoundError(f"No system with id {system_id}")
    statuses = _statuses(True)
    downstream = walk(identity, system_id, True, 1000, statuses)
    incoming = {}
    for _id, _title, source, target in _flows_touching(identity, set(downstream.depth) - {system_id},
                                                       DataFlow.target_node, statuses):
        incoming.setdefault(target, set()).add(source)
    starved, changed = {system_id}, True
    while changed:
        changed = False
        for node, sources in incoming.items():
            if node not in starved and sources <= starved:
                starved.add(node)
                changed = True
    edges = downstream.edges | {flow_id: (title, source, target) for flow_id, title, source, target
                                in _flows_touching(identity, [system_id], DataFlow.target_node, statuses)}
    brief = lambda fid, e: {"flow_id": fid, "title": e[0], "source": e[1], "target": e[2]}  # noqa: E731
    broken = [brief(f, e) for f, e in edges.items() if system_id in (e[1], e[2])]
    starved_flows = [brief(f, e) for f, e in edges.items() if e[1] in starved and e[1] != system_id]
    nodes = describe_nodes(identity, starved - {system_id})
    return {
        "system": start,
        "broken_flows": sorted(broken, key=lambda f: f["title"].casefold()),
        "starved_flows": sorted(starved_flows, key=lambda f: f["title"].casefold()),
        "datasets_losing_source": _of_kind(nodes, "dataset"),
        "systems_losing_input": _of_kind(nodes, "system"),
        "datasets_losing_only_copy": _only_copies(identity, system_id),
    }


def _of_kind(nodes: dict, kind: str) -> list[dict]:
    return sorted((n for n in nodes.values() if n["kind"] == kind), key=lambda n: n["label"].casefold())


def _only_copies(identity: Identity, system_id) -> list[dict]:
    """Datasets the system holds that no other live system holds and that have no backed-up storage."""
    held = set(db.session.scalars(select(system_dataset.c.dataset_id).where(system_dataset.c.system_id == system_id)))
    if not held:
        return []
    elsewhere = set(db.session.scalars(
        select(system_dataset.c.dataset_id).join(ItSystem, ItSystem.id == system_dataset.c.system_id)
        .where(system_dataset.c.dataset_id.in_(held), system_dataset.c.system_id != system_id,
               ItSystem.lifecycle_status != SYSTEM_RETIRED)))
    from ..datasets.models import StorageLocation

    backed_up = set(db.session.scalars(select(StorageLocation.dataset_id).where(
        StorageLocation.dataset_id.in_(held), StorageLocation.backed_up.is_(True))))
    return _of_kind(describe_nodes(identity, held - elsewhere - backed_up), "dataset")
