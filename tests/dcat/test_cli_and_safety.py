"""validate-dcat, safe parsing of foreign RDF and the publishability rule."""
from __future__ import annotations

import pytest

from dmp_registry.dcat.safe_parse import UnsafeInput, index, parse

HOSTILE_XML = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://example.org/d"><dct:title>&e;</dct:title></rdf:Description>
</rdf:RDF>"""

XXE_XML = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://example.org/d"><dct:title>&x;</dct:title></rdf:Description>
</rdf:RDF>"""


# Both readers: rdflib's (validate-dcat) and pyoxigraph's (import), which would expand DTD entities.
READERS = pytest.mark.parametrize("read", [parse, index], ids=["rdflib", "pyoxigraph"])
LONG_PROLOG = b'<?xml version="1.0"?>\n<!-- ' + b"x" * 200_000 + b" -->\n" + XXE_XML.split(b"?>", 1)[1]


@READERS
@pytest.mark.parametrize("payload", [HOSTILE_XML, XXE_XML, LONG_PROLOG], ids=["billion-laughs", "xxe", "dtd-after-long-comment"])
def test_hostile_rdfxml_is_refused_before_expansion(read, payload):
    with pytest.raises(UnsafeInput):
        read(payload, "xml")


@READERS
def test_remote_jsonld_context_is_refused(read):
    with pytest.raises(UnsafeInput, match="remote @context"):
        read(b'{"@context": "https://evil.example/ctx.jsonld", "@id": "https://example.org/d"}', "json-ld")


def test_plain_rdfxml_passes_the_prolog_check():
    xml = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           b'xmlns:dct="http://purl.org/dc/terms/"><rdf:Description rdf:about="https://example.org/d">'
           b'<dct:title xml:lang="nb">Fugler &amp; fjell</dct:title></rdf:Description></rdf:RDF>')
    found = index(xml, "xml")
    assert list(found.objects("https://example.org/d", "http://purl.org/dc/terms/title")) == [("Fugler & fjell", "nb", None)]


def test_validate_dcat_reports_clean_catalogue(app, client, demo, tmp_path):
    path = tmp_path / "catalog.rdf"
    path.write_bytes(client.get("/catalog.rdf").data)
    result = app.test_cli_runner().invoke(args=["dmp", "validate-dcat", str(path), "--shapes", "dcat-ap-no"])
    assert result.exit_code == 0, result.output
    assert "dcat-ap-no: 0 violation(s)" in result.output


def test_validate_dcat_names_violations_readably(app, tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<https://example.org/d> a dcat:Dataset .\n")
    result = app.test_cli_runner().invoke(args=["dmp", "validate-dcat", str(path), "--shapes", "dcat-ap-no"])
    assert result.exit_code == 1
    assert "Violation: https://example.org/d dct:title" in result.output


def test_dataset_missing_mandatory_properties_cannot_be_listed(client, create_unit, curator):
    _user, _identity, headers = curator
    unit = create_unit()
    payload = {"title": {"nb": "Uferdig"}, "unit_id": str(unit.id), "listed": True,
               "dataset_type": "https://w3id.org/ntnu-vm/dmp-registry/vocab/dataset-type/research-data",
               "classification": "https://w3id.org/ntnu-vm/dmp-registry/vocab/classification/open"}
    response = client.post("/api/v1/datasets/", json=payload, headers=headers)
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) >= {"description", "themes"}, response.json
    payload["listed"] = False
    assert client.post("/api/v1/datasets/", json=payload, headers=headers).status_code == 201
