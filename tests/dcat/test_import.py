"""DCAT import: our own catalogue round-trips (export → import into a registry without datasets → export
is isomorphic), dry runs change nothing, hostile files are refused, curators only."""
from __future__ import annotations

from rdflib.compare import isomorphic
from sqlalchemy import delete, func, select

from dmp_registry.core.db import db
from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.models import Dataset

from .rdfutil import parse_rdflib
from .test_cli_and_safety import HOSTILE_XML


def _without_flows_and_services():
    """Flows and data services are not imported (they belong to the system portfolio): drop them first."""
    from dmp_registry.flows.models import DataFlow
    from dmp_registry.systems.models import system_dataset

    with unit_of_work():
        db.session.execute(delete(DataFlow))
        db.session.execute(delete(system_dataset))


def _empty_datasets():
    with unit_of_work():
        for dataset in db.session.scalars(select(Dataset)).all():
            db.session.delete(dataset)
    assert db.session.scalar(select(func.count()).select_from(Dataset)) == 0


def _unit_code():
    from dmp_registry.organisation.models import Unit

    return db.session.scalar(select(Unit.code).order_by(Unit.code))


def test_demo_catalogue_round_trips_through_import_isomorphically(app, client, demo, tmp_path):
    _without_flows_and_services()
    before = client.get("/catalog.ttl").get_data(as_text=True)
    path = tmp_path / "catalog.ttl"
    path.write_text(before, encoding="utf-8")
    count = len(parse_rdflib(before, "ttl").query("SELECT ?d WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }"))
    _empty_datasets()
    result = app.test_cli_runner().invoke(args=["dmp", "import-dcat", str(path), "--unit", _unit_code()])
    assert result.exit_code == 0, result.output
    assert f"{count} were created, 0 were updated, 0 skipped" in result.output
    after = client.get("/catalog.ttl").get_data(as_text=True)
    assert isomorphic(parse_rdflib(before, "ttl"), parse_rdflib(after, "ttl"))
    # importing the same file again updates the same records instead of duplicating them
    again = app.test_cli_runner().invoke(args=["dmp", "import-dcat", str(path), "--unit", _unit_code()])
    assert again.exit_code == 0, again.output
    assert f"0 were created, {count} were updated" in again.output
    assert isomorphic(parse_rdflib(before, "ttl"), parse_rdflib(client.get("/catalog.ttl").get_data(as_text=True), "ttl"))


def test_rdfxml_and_jsonld_imports_round_trip_too(client, demo, curator):
    _without_flows_and_services()
    headers = curator[2]
    for ext, media in (("rdf", "application/rdf+xml"), ("jsonld", "application/ld+json")):
        before = client.get(f"/catalog.{ext}").data
        _empty_datasets()
        response = client.post(f"/api/v1/dcat/import?unit={_unit_code()}", data=before,
                               headers={**headers, "Content-Type": media})
        assert response.status_code == 200, response.json
        assert response.json["counts"]["skip"] == 0
        after = client.get(f"/catalog.{ext}").get_data(as_text=True)
        assert isomorphic(parse_rdflib(before.decode(), ext), parse_rdflib(after, ext))


def test_dry_run_reports_and_writes_nothing(client, demo, curator):
    body = client.get("/catalog.ttl").data
    _empty_datasets()
    response = client.post(f"/api/v1/dcat/import?unit={_unit_code()}&dry_run=true", data=body,
                           headers={**curator[2], "Content-Type": "text/turtle"})
    assert response.status_code == 200, response.json
    assert response.json["dry_run"] is True
    assert response.json["counts"]["create"] == len(response.json["datasets"]) >= 5
    assert db.session.scalar(select(func.count()).select_from(Dataset)) == 0


def test_problems_are_reported_per_dataset(client, create_unit, curator):
    unit = create_unit()
    ttl = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://other.example/ds/1> a dcat:Dataset ; dct:title "Uten type"@nb .
<https://other.example/ds/2> a dcat:Dataset ; dct:title "Med tema"@nb ; dct:description "Beskrivelse"@nb ;
    dct:type <https://w3id.org/ntnu-vm/dmp-registry/vocab/dataset-type/research-data> ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/ENVI> .
"""
    response = client.post(f"/api/v1/dcat/import?unit={unit.code}&dry_run=true", data=ttl,
                           headers={**curator[2], "Content-Type": "text/turtle"})
    assert response.status_code == 200, response.json
    by_uri = {d["uri"]: d for d in response.json["datasets"]}
    assert by_uri["https://other.example/ds/1"]["action"] == "skip"
    assert "dataset_type" in by_uri["https://other.example/ds/1"]["problems"]
    assert by_uri["https://other.example/ds/2"]["action"] == "create", by_uri
    response = client.post(f"/api/v1/dcat/import?unit={unit.code}", data=ttl,
                           headers={**curator[2], "Content-Type": "text/turtle"})
    assert response.json["counts"] == {"create": 1, "update": 0, "skip": 1}
    assert client.get("/catalog.ttl").get_data(as_text=True).count("Med tema") == 1


def test_hostile_file_is_refused(app, client, create_unit, curator, tmp_path):
    unit = create_unit()
    response = client.post(f"/api/v1/dcat/import?unit={unit.code}", data=HOSTILE_XML,
                           headers={**curator[2], "Content-Type": "application/rdf+xml"})
    assert response.status_code == 422 and "refused" in str(response.json)
    response = client.post(f"/api/v1/dcat/import?unit={unit.code}",
                           data=b'{"@context": "https://evil.example/c.jsonld", "@id": "https://e.example/d"}',
                           headers={**curator[2], "Content-Type": "application/ld+json"})
    assert response.status_code == 422
    path = tmp_path / "evil.rdf"
    path.write_bytes(HOSTILE_XML)
    result = app.test_cli_runner().invoke(args=["dmp", "import-dcat", str(path), "--unit", unit.code])
    assert result.exit_code != 0 and "refused" in result.output


def test_import_is_for_curators_only(client, create_unit, create_user):
    unit = create_unit()
    url = f"/api/v1/dcat/import?unit={unit.code}"
    assert client.post(url, data=b"", headers={"Content-Type": "text/turtle"}).status_code == 401
    researcher = create_user("researcher")[2]
    assert client.post(url, data=b"", headers={**researcher, "Content-Type": "text/turtle"}).status_code == 403
