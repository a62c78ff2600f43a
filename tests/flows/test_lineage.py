"""Lineage and impact on a graph with a cycle.

    A → B → C → A (cycle)      C → D (dataset)      E → D      B → F (planned)
"""
from __future__ import annotations

import pytest

from dmp_registry.vocabularies.terms import local


@pytest.fixture
def graph(create_system, create_dataset, create_flow):
    a, b, c, e, f = (create_system(name=n) for n in "ABCEF")
    d = create_dataset(title={"nb": "D"})
    flows = {"ab": create_flow(a, b), "bc": create_flow(b, c), "ca": create_flow(c, a), "cd": create_flow(c, d),
             "ed": create_flow(e, d), "bf": create_flow(b, f, status="planned")}
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "flows": flows}


def depths(nodes):
    return {n["label"]: n["depth"] for n in nodes}


def test_downstream_with_depth_and_cycle(client, curator, graph):
    body = client.get(f"/api/v1/flows/lineage/{graph['A'].id}?direction=downstream", headers=curator[2]).json
    assert depths(body["downstream"]) == {"B": 1, "C": 2, "D": 3}, "the start is not listed, even on a cycle"
    assert body["upstream"] == [] and body["truncated"] is False
    assert any(f["target"] == str(graph["A"].id) for f in body["flows"]), "the flow closing the cycle is shown"


def test_upstream_and_planned_flows(client, curator, graph):
    body = client.get(f"/api/v1/flows/lineage/{graph['D'].id}?direction=upstream", headers=curator[2]).json
    assert depths(body["upstream"]) == {"C": -1, "E": -1, "B": -2, "A": -3}
    planned = client.get(f"/api/v1/flows/lineage/{graph['A'].id}?direction=downstream&include_planned=true",
                         headers=curator[2]).json
    assert depths(planned["downstream"])["F"] == 2


def test_depth_limit_is_reported(client, curator, graph):
    body = client.get(f"/api/v1/flows/lineage/{graph['A'].id}?direction=downstream&max_depth=1", headers=curator[2]).json
    assert depths(body["downstream"]) == {"B": 1}
    assert body["truncated"] is True


def test_impact_of_losing_a_system(client, curator, graph, create_system, create_dataset):
    body = client.get(f"/api/v1/flows/impact/{graph['B'].id}", headers=curator[2]).json
    assert {f["title"] for f in body["broken_flows"]} == {graph["flows"][k].title for k in ("ab", "bc", "bf")}
    # C gets input only from B, so it starves; A gets input only from C, so it starves too;
    # D still has E as a source, so it does not lose its source.
    assert {s["label"] for s in body["systems_losing_input"]} == {"A", "C", "F"}
    assert body["datasets_losing_source"] == []
    body_e = client.get(f"/api/v1/flows/impact/{graph['E'].id}", headers=curator[2]).json
    assert body_e["datasets_losing_source"] == []


def test_only_copy(client, curator, create_system, create_dataset):
    alone = create_dataset(title={"nb": "Eneste kopi"})
    shared = create_dataset(title={"nb": "Delt"})
    backed = create_dataset(title={"nb": "Sikret"}, storage_locations=[
        {"kind": local("storage-kind", "institutional-backed-up"), "backed_up": True}])
    system = create_system(dataset_ids=[str(alone.id), str(shared.id), str(backed.id)])
    create_system(dataset_ids=[str(shared.id)])
    body = client.get(f"/api/v1/flows/impact/{system.id}", headers=curator[2]).json
    assert [d["label"] for d in body["datasets_losing_only_copy"]] == ["Eneste kopi"]


def test_graph_and_dot_export(client, curator, graph):
    data = client.get("/api/v1/flows/graph", headers=curator[2]).json
    assert len(data["edges"]) == 6 and {n["label"] for n in data["nodes"]} >= {"A", "B", "C", "D", "E", "F"}
    dot = client.get("/api/v1/flows/graph.dot", headers=curator[2])
    assert dot.mimetype == "text/vnd.graphviz"
    text = dot.get_data(as_text=True)
    assert text.startswith("digraph dataflows {") and text.count("->") == 6 and "style=dashed" in text


def test_lineage_requires_sign_in_and_known_node(client, curator, graph):
    import uuid

    assert client.get(f"/api/v1/flows/lineage/{graph['A'].id}").status_code == 401
    assert client.get(f"/api/v1/flows/lineage/{uuid.uuid4()}", headers=curator[2]).status_code == 404
