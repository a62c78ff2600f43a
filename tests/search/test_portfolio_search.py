"""IT systems and data flows in search: found by name, faceted by lifecycle, and a flow shown only
to those who may read every dataset it names (FlowPolicy), also after the datasets change."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from dmp_registry.core.db import db
from dmp_registry.core.identity import anonymous_identity, system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.documents import identity_tokens
from dmp_registry.datasets.service import dataset_service
from dmp_registry.flows.documents import flow_readers, load_flows
from dmp_registry.flows.models import DataFlow
from dmp_registry.flows.permissions import FlowPolicy
from dmp_registry.vocabularies.terms import CLASSIFICATION_OPEN, CLASSIFICATION_RESTRICTED, local

from .conftest import hits


def _search(client, headers, **params):
    response = client.get("/api/v1/search/", query_string=params, headers=headers or {})
    assert response.status_code == 200, response.json
    return response.json


@pytest.fixture
def portfolio(create_unit, create_dataset, create_system, create_flow):
    unit, other = create_unit(), create_unit()
    secret = create_dataset(unit=unit, title={"nb": "Hekkeplasser for hubro"}, classification=CLASSIFICATION_RESTRICTED)
    open_ds = create_dataset(unit=unit, title={"nb": "Fugletellinger"}, classification=CLASSIFICATION_OPEN)
    musit = create_system(name="MUSIT Gjenstandsbase", owner_unit_id=unit.id, processes_personal_data=True)
    old = create_system(name="Gammel fotoserver", lifecycle="phasing-out")
    return {
        "unit": unit, "other": other, "secret": secret, "open": open_ds, "musit": musit, "old": old,
        "open_flow": create_flow(musit, open_ds, title="Eksport av fugletellinger"),
        "secret_flow": create_flow(secret, musit, title="Import av hubrolokaliteter"),
        "system_flow": create_flow(musit, old, title="Speiling til fotoserver"),
    }


def test_systems_are_found_by_name_and_faceted_by_lifecycle(client, portfolio, create_user, drain, engine):
    drain()
    headers = create_user("researcher", unit=portfolio["other"])[2]
    result = _search(client, headers, q="gjenstandsbase", record_type="system")
    assert hits(result) == [str(portfolio["musit"].id)] and result["engine"] == engine
    both = _search(client, headers, q="gjenstandsbase", per_page=50)
    assert {b["value"]: b["count"] for b in both["facets"]["record_type"]} == {"system": 1, "flow": 2}
    result = _search(client, headers, q="", record_type="system", per_page=50)
    lifecycle = {b["value"]: b["count"] for b in result["facets"]["lifecycle"]}
    assert lifecycle == {local("lifecycle-status", "in-use"): 1, local("lifecycle-status", "phasing-out"): 1}
    result = _search(client, headers, q="", record_type="system", personal_data="true")
    assert hits(result) == [str(portfolio["musit"].id)]
    retired = _search(client, headers, q="", lifecycle=local("lifecycle-status", "phasing-out"))
    assert hits(retired) == [str(portfolio["old"].id)]


def test_anonymous_finds_no_portfolio_records(client, portfolio, drain, engine):
    drain()
    result = _search(client, None, q="", per_page=100)
    assert not {"system", "flow"} & {item["record_type"] for item in result["items"]}


def test_flow_visible_only_to_readers_of_every_dataset_it_names(client, portfolio, create_user, curator, drain, engine):
    drain()
    outsider = create_user("researcher", unit=portfolio["other"])[2]
    found = set(hits(_search(client, outsider, q="", record_type="flow", per_page=50)))
    assert found == {str(portfolio["open_flow"].id), str(portfolio["system_flow"].id)}
    assert _search(client, outsider, q="hubrolokaliteter")["total"] == 0
    assert hits(_search(client, curator[2], q="hubrolokaliteter")) == [str(portfolio["secret_flow"].id)]
    insider = create_user("researcher", unit=portfolio["unit"])[2]
    assert hits(_search(client, insider, q="hubrolokaliteter")) == [str(portfolio["secret_flow"].id)]


def test_flow_follows_its_dataset(client, portfolio, create_user, drain, engine):
    """Opening the dataset opens the flow in search; deleting it removes the flow from the index."""
    drain()
    outsider = create_user("researcher", unit=portfolio["other"])[2]
    secret = portfolio["secret"]
    with unit_of_work():
        dataset_service.update(system_identity, secret.id, {"classification": CLASSIFICATION_OPEN}, secret.version)
    drain()
    assert hits(_search(client, outsider, q="hubrolokaliteter")) == [str(portfolio["secret_flow"].id)]
    with unit_of_work():
        dataset_service.delete(system_identity, secret.id)
    drain()
    assert db.session.get(DataFlow, portfolio["secret_flow"].id) is None
    assert _search(client, outsider, q="hubrolokaliteter")["total"] == 0
    assert _search(client, outsider, q="", record_type="flow")["total"] == 2


def test_renaming_a_system_reindexes_its_flows(client, portfolio, create_user, drain, engine):
    from dmp_registry.systems.service import it_system_service

    drain()
    headers = create_user("curator")[2]
    musit = portfolio["musit"]
    with unit_of_work():
        it_system_service.update(system_identity, musit.id, {"name": "Samlingsportalen"}, musit.version)
    drain()
    found = set(hits(_search(client, headers, q="samlingsportalen", record_type="flow", per_page=50)))
    assert found == {str(portfolio[k].id) for k in ("open_flow", "secret_flow", "system_flow")}


def test_flow_reader_tokens_never_show_more_than_the_policy(portfolio, create_user, curator):
    """Tokens may show a flow to fewer people than FlowPolicy (see flows/documents.py), never to more."""
    identities = [anonymous_identity, curator[1], create_user("researcher", unit=portfolio["unit"])[1],
                  create_user("researcher", unit=portfolio["other"])[1], create_user("admin")[1]]
    flows = load_flows([f.id for f in db.session.scalars(select(DataFlow))])
    policy = FlowPolicy()
    for identity in identities:
        readable = set(db.session.scalars(select(DataFlow.id).where(policy.read_filter(identity, DataFlow))))
        by_tokens = {f.id for f in flows if set(flow_readers(f.named)) & set(identity_tokens(identity))}
        assert by_tokens == readable, identity
