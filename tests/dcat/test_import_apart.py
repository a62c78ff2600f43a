"""A large document is parsed in a child process (safe_parse.PARSE_APART_FROM, pipeline.forked):
the importer must see exactly what parsing in its own process gives — the same triples in the same
order, the same progress, the same errors and refusals — and an import through it round-trips."""
from __future__ import annotations

import pytest
from rdflib.compare import isomorphic

from dmp_registry.core import pipeline
from dmp_registry.dcat import rdf_in, safe_parse

from .rdfutil import parse_rdflib
from .test_import import _empty_datasets, _unit_code, _without_flows_and_services

FORMATS = [("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml"), ("jsonld", "json-ld")]


@pytest.fixture
def forks(monkeypatch):
    """Parse every document apart, and count the child processes started."""
    started = []
    real = pipeline.forked

    def counting(produce, *args, **kwargs):
        started.append(produce)
        return real(produce, *args, **kwargs)

    monkeypatch.setattr(pipeline, "forked", counting)
    monkeypatch.setattr(safe_parse, "PARSE_APART_FROM", 0)
    return started


def _parsed(data: bytes, fmt: str, **kwargs) -> tuple[list, int]:
    seen = []
    triples = list(safe_parse.triples(data, fmt, progress=seen.append, **kwargs))
    return triples, sum(seen)


@pytest.mark.parametrize("ext, fmt", FORMATS)
def test_the_same_triples_in_the_same_order_and_the_same_progress(client, demo, full_record, monkeypatch, ext, fmt):
    data = client.get(f"/catalog.{ext}").data
    here, read_here = _parsed(data, fmt, streaming=True)
    monkeypatch.setattr(rdf_in, "BATCH", 7)  # many messages, and a last one that is not full
    started = []
    real = pipeline.forked
    monkeypatch.setattr(pipeline, "forked", lambda produce, **kw: started.append(1) or real(produce, **kw))
    monkeypatch.setattr(safe_parse, "PARSE_APART_FROM", 0)
    apart, read_apart = _parsed(data, fmt, streaming=True)
    assert started == [1]
    assert len(here) > 100 and apart == here
    assert read_here == read_apart == len(data)


def test_a_syntax_error_is_the_same_error(forks, client, demo):
    body = client.get("/catalog.ttl").data + b"\n<https://example.org/broken> <https://example.org/p> .\n"
    with pytest.raises(ValueError) as apart:
        list(safe_parse.triples(body, "turtle"))
    assert forks
    safe_parse.PARSE_APART_FROM = 10**12
    with pytest.raises(ValueError) as here:
        list(safe_parse.triples(body, "turtle"))
    assert str(apart.value) == str(here.value) and "not readable as turtle" in str(here.value)


@pytest.mark.parametrize("document, streaming, error, match", [
    (b'{"@context": "https://example.org/context.jsonld", "@id": "https://example.org/d", "title": "x"}', False,
     safe_parse.UnsafeInput, "remote @context"),
    (b'{"@id": "https://example.org/d", "@context": {"t": "http://purl.org/dc/terms/title"}, "t": "x"}', True,
     rdf_in.NotStreamable, None),  # @context after @id: outside the streaming profile
])
def test_refusals_are_the_same(forks, document, streaming, error, match):
    with pytest.raises(error, match=match) as apart:
        list(safe_parse.triples(document, "json-ld", streaming=streaming))
    assert forks
    safe_parse.PARSE_APART_FROM = 10**12
    with pytest.raises(error, match=match) as here:
        list(safe_parse.triples(document, "json-ld", streaming=streaming))
    assert str(apart.value) == str(here.value)


def test_an_import_parsed_apart_round_trips(forks, app, client, demo, tmp_path):
    _without_flows_and_services()
    before = client.get("/catalog.rdf").get_data(as_text=True)
    path = tmp_path / "catalog.rdf"
    path.write_text(before, encoding="utf-8")
    _empty_datasets()
    result = app.test_cli_runner().invoke(args=["dmp", "import-dcat", str(path), "--unit", _unit_code()])
    assert result.exit_code == 0, result.output
    assert forks
    assert isomorphic(parse_rdflib(before, "rdf"), parse_rdflib(client.get("/catalog.rdf").get_data(as_text=True), "rdf"))


def test_the_api_takes_a_document_over_the_general_body_limit(forks, client, demo, curator):
    """The import endpoint has its own limit (200 MiB), above the 2 MiB of other requests: a 5 MiB
    document (here the demo catalogue and comments) is read, and parsed apart."""
    _without_flows_and_services()
    body = client.get("/catalog.ttl").data
    body += b"".join(b"# " + b"padding " * 120 + b"\n" for _ in range(5 * 2**20 // 960))
    assert len(body) > 5 * 2**20 > client.application.config["MAX_CONTENT_LENGTH"]
    response = client.post(f"/api/v1/dcat/import?unit={_unit_code()}&dry_run=true", data=body,
                           headers={**curator[2], "Content-Type": "text/turtle"})
    assert response.status_code == 200, response.status_code
    assert response.json["counts"]["update"] > 0 and forks
