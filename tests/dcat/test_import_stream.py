"""The import reads datasets as the document streams by (rdf_in.Stream): with a window of a few
triples it still reads every dataset complete; a document that describes a node again after its
dataset was read is detected and imported whole instead; a syntax error late in a document writes
nothing."""
from __future__ import annotations

import pytest
from rdflib.compare import isomorphic
from sqlalchemy import func, select

from dmp_registry.core.db import db
from dmp_registry.datasets.models import Dataset
from dmp_registry.dcat import importer, rdf_in, safe_parse

from .rdfutil import parse_rdflib
from .test_import import _empty_datasets, _unit_code, _without_flows_and_services

DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _streamed(data: bytes, fmt: str, window: int) -> list[str]:
    return [node for node, _g in rdf_in.Stream(safe_parse.triples(data, fmt), importer.DCAT + "Dataset",
                                               importer.closure, window)]


@pytest.mark.parametrize("ext, fmt", [("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml"), ("jsonld", "json-ld")])
def test_small_windows_read_each_dataset_once_and_whole(client, demo, full_record, ext, fmt):
    data = client.get(f"/catalog.{ext}").data
    whole = safe_parse.index(data, fmt)
    expected = {node: importer.read_dataset(whole, node) for node in importer.dataset_nodes(whole)}
    for window in (3, 50):
        got = {}
        stream = rdf_in.Stream(safe_parse.triples(data, fmt, streaming=True), importer.DCAT + "Dataset",
                               importer.closure, window)
        for node, graph in stream:
            assert node not in got
            got[node] = importer.read_dataset(graph, node)
        assert got == expected
        assert len(stream.index.nodes) < len(whole.nodes)  # read datasets were dropped


def test_a_node_described_again_later_is_detected(client, demo):
    data = client.get("/catalog.nt").data
    node = sorted(safe_parse.index(data, "nt").subjects_of_type(importer.DCAT + "Dataset"))[0]
    late = data + f'<{node}> <{DCT}description> "Described late"@en .\n'.encode()
    with pytest.raises(rdf_in.NotStreamable):
        _streamed(late, "nt", 5)


def test_import_falls_back_to_the_whole_document(app, client, demo, tmp_path, monkeypatch):
    _without_flows_and_services()
    data = client.get("/catalog.nt").data
    node = sorted(safe_parse.index(data, "nt").subjects_of_type(importer.DCAT + "Dataset"))[0]
    path = tmp_path / "late.nt"
    path.write_bytes(data + f'<{node}> <{DCAT}keyword> "beskrevet sent"@nb .\n'.encode())
    _empty_datasets()
    monkeypatch.setattr(rdf_in, "WINDOW", 5)
    result = app.test_cli_runner().invoke(args=["dmp", "import-dcat", str(path), "--unit", _unit_code()])
    assert result.exit_code == 0, result.output
    assert '"beskrevet sent"@nb' in client.get("/catalog.ttl").get_data(as_text=True)
    assert isomorphic(parse_rdflib(data.decode(), "nt") + parse_rdflib(path.read_text()[len(data.decode()):], "nt"),
                      parse_rdflib(client.get("/catalog.nt").get_data(as_text=True), "nt"))


def test_a_syntax_error_late_in_the_document_writes_nothing(client, demo, curator, monkeypatch):
    _without_flows_and_services()
    body = client.get("/catalog.ttl").data + b"\n<https://example.org/broken> <https://example.org/p> .\n"
    _empty_datasets()
    monkeypatch.setattr(rdf_in, "WINDOW", 5)  # the datasets before the error are read and written first
    response = client.post(f"/api/v1/dcat/import?unit={_unit_code()}", data=body,
                           headers={**curator[2], "Content-Type": "text/turtle"})
    assert response.status_code == 422 and "Not readable" in str(response.json)
    assert db.session.scalar(select(func.count()).select_from(Dataset)) == 0


def test_jsonld_outside_the_streaming_profile_is_imported_whole(client, demo, curator):
    import json

    _without_flows_and_services()
    document = json.loads(client.get("/catalog.jsonld").data)
    count = sum(1 for node in document["@graph"] if "http://www.w3.org/ns/dcat#Dataset" in node.get("@type", ()))
    reordered = json.dumps({"@graph": document["@graph"], "@context": document["@context"]})  # @context last
    _empty_datasets()
    response = client.post(f"/api/v1/dcat/import?unit={_unit_code()}", data=reordered,
                           headers={**curator[2], "Content-Type": "application/ld+json"})
    assert response.status_code == 200, response.json
    assert response.json["counts"] == {"create": count, "update": 0, "skip": 0}


def test_triple_terms_are_passed_over():
    """RDF 1.2 triple terms (pyoxigraph reads them) are nothing the importer reads; never an error."""
    doc = (b'<https://example.org/d> <http://purl.org/dc/terms/title> <<( <https://s> <https://p> <https://o> )>> .\n'
           b'<https://example.org/d> <http://purl.org/dc/terms/title> "Fugler"@nb .\n')
    assert list(safe_parse.triples(doc, "turtle")) == [
        ("https://example.org/d", DCT + "title", ("Fugler", "nb", None))]


def test_a_distribution_two_datasets_share_is_not_read_half():
    """The first dataset read drops the distribution; the second must not then be read without it."""
    a, b, dist = "https://example.org/a", "https://example.org/b", "https://example.org/dist"
    lines = [f"<{a}> <{RDF_TYPE}> <{DCAT}Dataset> .", f"<{a}> <{DCAT}distribution> <{dist}> .",
             f"<{dist}> <{DCAT}accessURL> <https://example.org/get> ."]
    lines += [f"<https://example.org/x{i}> <{DCT}title> \"{i}\" ." for i in range(20)]
    lines += [f"<{b}> <{RDF_TYPE}> <{DCAT}Dataset> .", f"<{b}> <{DCAT}distribution> <{dist}> ."]
    with pytest.raises(rdf_in.NotStreamable):
        _streamed("\n".join(lines).encode(), "nt", 5)
