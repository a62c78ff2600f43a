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


def test_refusals_are_the_same(forks):
    remote = b'{"@context": "https://example.org/context.jsonld", "@id": "https://example.org/d", "title": "x"}'
    with pytest.raises(safe_parse.UnsafeInput, match="remote @context"):
        list(safe_parse.triples(remote, "json-ld"))
    assert forks
    unordered = b'{"@id": "https://example.org/d", "@context": {"t": "http://purl.org/dc/terms/title"}, "t": "x"}'
    with pytest.raises(rdf_in.NotStreamable):
        list(safe_parse.triples(unordered, "json-ld", streaming=True))


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
