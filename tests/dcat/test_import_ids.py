"""Ids an import takes from the document: one a record of another type has, a distribution of
another dataset, or one given twice in the document is a problem of its dataset (reported, the
dataset skipped, everything else imported), never a failed import or a changed record."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from dmp_registry.core.db import db
from dmp_registry.datasets.models import Dataset, Distribution
from dmp_registry.dcat.importer import DISTRIBUTION_ELSEWHERE, ID_GIVEN_TWICE, ID_TAKEN

PREFIXES = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
"""


def _dataset(uri: str, title: str, dists=(), identifier: str | None = None) -> bytes:
    lines = [f'<{uri}> a dcat:Dataset ; dct:title "{title}"@nb ; dct:description "Beskrivelse"@nb ;',
             "  dct:type <https://w3id.org/ntnu-vm/dmp-registry/vocab/dataset-type/research-data> ;",
             "  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/ENVI>"]
    if identifier:
        lines[-1] += f' ; dct:identifier "{identifier}"'
    for dist in dists:
        lines[-1] += f" ; dcat:distribution <{dist}>"
    lines[-1] += " ."
    lines += [f"<{dist}> dcat:accessURL <https://other.example/get> ." for dist in dists]
    return ("\n".join(lines) + "\n").encode()


def _import(client, curator, unit, body: bytes, dry_run: bool = False):
    response = client.post(f"/api/v1/dcat/import?unit={unit.code}" + ("&dry_run=true" if dry_run else ""),
                           data=PREFIXES + body, headers={**curator[2], "Content-Type": "text/turtle"})
    assert response.status_code == 200, response.json
    return response.json, {d["uri"]: d for d in response.json["datasets"]}


def _titles() -> set:
    return {d.title["nb"] for d in db.session.scalars(select(Dataset))}


@pytest.mark.parametrize("dry_run", [False, True])
def test_two_datasets_given_one_distribution(client, create_unit, curator, dry_run):
    shared = "https://other.example/dist/shared"
    body = _dataset("https://other.example/ds/1", "Første", [shared]) + \
        _dataset("https://other.example/ds/2", "Andre", [shared]) + _dataset("https://other.example/ds/3", "Tredje")
    report, by_uri = _import(client, curator, create_unit(), body, dry_run)
    assert report["counts"] == {"create": 2, "update": 0, "skip": 1}
    assert by_uri["https://other.example/ds/2"]["problems"] == {f"distribution {shared}": {"id": [ID_GIVEN_TWICE]}}
    assert _titles() == (set() if dry_run else {"Første", "Tredje"})


@pytest.fixture
def one_id_per_statement(monkeypatch):
    """An empty chunk first, then a statement per id: every chunk of ids must be read."""
    from dmp_registry.core import db as db_module

    monkeypatch.setattr(db_module, "id_chunks", lambda ids: [[]] + [[i] for i in ids])


def test_a_dataset_given_the_id_of_a_record_of_another_type(client, create_unit, curator, create_system,
                                                            one_id_per_statement):
    system = create_system(name="Magasinbasen")
    body = _dataset("https://other.example/ds/1", "Kapret", identifier=str(system.id)) + \
        _dataset("https://other.example/ds/2", "Ærlig")
    for dry_run in (True, False):
        report, by_uri = _import(client, curator, create_unit(), body, dry_run)
        assert report["counts"] == {"create": 1, "update": 0, "skip": 1}
        assert by_uri["https://other.example/ds/1"]["problems"] == {"id": [ID_TAKEN]}
    assert _titles() == {"Ærlig"}
    hits = client.get("/api/v1/search/?q=Magasinbasen", headers=curator[2]).json["items"]
    assert [(h["id"], h["record_type"]) for h in hits] == [(str(system.id), "system")]


def test_a_dataset_given_the_id_it_gives_its_distribution(client, create_unit, curator):
    same = uuid.uuid4()  # …/datasets/<uuid> and …/distributions/<uuid>: one id
    dataset, dist = f"https://other.example/datasets/{same}", f"https://other.example/distributions/{same}"
    own = f"https://other.example/ds/{uuid.uuid4()}"  # its own URI as its distribution's: one uuid5
    report, by_uri = _import(client, curator, create_unit(), _dataset(dataset, "Samme", [dist])
                             + _dataset(own, "Seg selv", [own]) + _dataset("https://other.example/ds/ok", "Grei"))
    assert by_uri[dataset]["problems"] == {f"distribution {dist}": {"id": [ID_GIVEN_TWICE]}}
    assert by_uri[own]["problems"] == {f"distribution {own}": {"id": [ID_GIVEN_TWICE]}}
    assert _titles() == {"Grei"}


def test_a_distribution_of_another_dataset_is_neither_taken_nor_changed(client, create_unit, curator,
                                                                        create_dataset, create_distribution,
                                                                        one_id_per_statement):
    other = create_distribution(dataset=create_dataset(), access_url="https://example.org/theirs")
    theirs = f"https://registry.example/distributions/{other.id}"
    unit = create_unit()
    # a new dataset listing it: before, the bulk insert failed the whole import (409)
    report, by_uri = _import(client, curator, unit, _dataset("https://other.example/ds/new", "Ny", [theirs])
                             + _dataset("https://other.example/ds/ok", "Grei"))
    assert by_uri["https://other.example/ds/new"]["problems"] == {f"distribution {theirs}": {"id": [DISTRIBUTION_ELSEWHERE]}}
    assert report["counts"] == {"create": 1, "update": 0, "skip": 1}
    # an existing dataset listing it: before, the import changed the other dataset's distribution
    mine = "https://other.example/ds/ok"
    report, by_uri = _import(client, curator, unit, _dataset(mine, "Grei", [theirs]))
    assert by_uri[mine]["action"] == "skip"
    assert by_uri[mine]["problems"] == {f"distribution {theirs}": {"id": [DISTRIBUTION_ELSEWHERE]}}
    stored = db.session.get(Distribution, other.id)
    db.session.refresh(stored)
    assert (stored.access_url, stored.version) == ("https://example.org/theirs", other.version)


def _distributions(dataset_uri: str) -> list:
    dataset_id = uuid.uuid5(uuid.NAMESPACE_URL, dataset_uri)  # the id of a foreign dataset URI
    return list(db.session.scalars(select(Distribution).where(Distribution.dataset_id == dataset_id)))


def test_a_new_distribution_of_an_existing_dataset_keeps_the_documents_id(client, create_unit, curator):
    """Before: stored under a random id, so every import added another copy."""
    mine, own = "https://other.example/ds/mine", "https://other.example/dist/own"
    unit = create_unit()
    _import(client, curator, unit, _dataset(mine, "Min"))
    for title in ("Min", "Min igjen", "Min en gang til"):
        report, by_uri = _import(client, curator, unit, _dataset(mine, title, [own]))
        assert by_uri[mine]["action"] == "update" and not by_uri[mine]["problems"], by_uri
    stored = _distributions(mine)
    assert [d.id for d in stored] == [uuid.uuid5(uuid.NAMESPACE_URL, own)]


def test_an_existing_dataset_given_the_id_of_a_record_of_another_type(client, create_unit, curator, create_system):
    system = create_system()
    mine = "https://other.example/ds/mine"
    unit = create_unit()
    _import(client, curator, unit, _dataset(mine, "Min"))
    taken = f"https://other.example/distributions/{system.id}"
    report, by_uri = _import(client, curator, unit, _dataset(mine, "Min igjen", [taken]))
    assert by_uri[mine]["problems"] == {f"distribution {taken}": {"id": [ID_TAKEN]}}
    assert _distributions(mine) == [] and _titles() == {"Min"}


@pytest.mark.parametrize("owner_first", [True, False])
def test_the_owner_of_a_distribution_keeps_it_whatever_the_order(client, create_unit, curator, owner_first):
    """A new dataset listing an existing dataset's distribution is refused, and the owner updated,
    whichever comes first in the document."""
    owner, newcomer, dist = "https://other.example/ds/owner", "https://other.example/ds/new", "https://other.example/d"
    unit = create_unit()
    _import(client, curator, unit, _dataset(owner, "Eier", [dist]))
    parts = [_dataset(owner, "Eier igjen", [dist]), _dataset(newcomer, "Ny", [dist])]
    report, by_uri = _import(client, curator, unit, b"".join(parts if owner_first else parts[::-1]))
    assert (by_uri[owner]["action"], by_uri[owner]["problems"]) == ("update", {})
    assert by_uri[newcomer]["action"] == "skip" and list(by_uri[newcomer]["problems"]) == [f"distribution {dist}"]
    assert _titles() == {"Eier igjen"}


def test_ids_are_checked_across_batches_and_a_refused_dataset_takes_nothing(
        client, create_unit, curator, monkeypatch):
    from dmp_registry.dcat import importer

    monkeypatch.setattr(importer, "BATCH", 2)
    shared, other = "https://other.example/dist/shared", "https://other.example/dist/other"
    doi = '10.18710/ABC123'
    body = b"".join([
        _dataset("https://other.example/ds/1", "En", [shared]),
        _dataset("https://other.example/ds/2", "To"),
        _dataset("https://other.example/ds/3", "Tre", [other, other.replace("other", "x")]),  # batch 2
        _dataset("https://other.example/ds/4", "Fire", [shared]),  # refused: ds/1 has it, a batch before
        _dataset("https://other.example/ds/5", "Fem", [other]),    # refused within batch 3
    ])
    body = body.replace(b'"Fire"@nb ;', b'"Fire"@nb ; <http://www.w3.org/ns/adms#identifier> [ '
                        b'<http://www.w3.org/2004/02/skos/core#notation> "https://doi.org/' + doi.encode() + b'" ] ;')
    body += _dataset("https://other.example/ds/6", "Seks").replace(
        b'"Seks"@nb ;', b'"Seks"@nb ; <http://www.w3.org/ns/adms#identifier> [ '
        b'<http://www.w3.org/2004/02/skos/core#notation> "https://doi.org/' + doi.encode() + b'" ] ;')
    for dry_run in (True, False):
        report, by_uri = _import(client, curator, create_unit(), body, dry_run)
        assert report["counts"] == {"create": 4, "update": 0, "skip": 2}, by_uri
        assert by_uri["https://other.example/ds/4"]["problems"] == {f"distribution {shared}": {"id": [ID_GIVEN_TWICE]}}
        assert by_uri["https://other.example/ds/5"]["problems"] == {f"distribution {other}": {"id": [ID_GIVEN_TWICE]}}
        assert by_uri["https://other.example/ds/6"]["action"] == "create", by_uri  # ds/4's DOI was never taken
    assert _titles() == {"En", "To", "Tre", "Seks"}


def test_the_messages_are_translated(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("nb"):
        for message in (ID_TAKEN, ID_GIVEN_TWICE, DISTRIBUTION_ELSEWHERE):
            assert gettext(message) != message
