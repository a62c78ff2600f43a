"""Documents fit the strict mappings; mapping files are well-formed. No Elasticsearch needed."""
from __future__ import annotations

from dmp_registry.datasets.documents import dataset_document, distribution_document, load_datasets, load_distributions
from dmp_registry.search.analysis import fold, terms
from dmp_registry.search.indices import index_body
from dmp_registry.search.query import parse
from dmp_registry.search.registry import search_type


def _mapped_paths(properties: dict, prefix: str = "") -> set[str]:
    paths = set()
    for name, spec in properties.items():
        paths.add(prefix + name)
        paths |= _mapped_paths(spec.get("properties", {}), f"{prefix}{name}.")
    return paths


def _document_paths(doc, prefix: str = "") -> set[str]:
    paths = set()
    items = doc if isinstance(doc, list) else [doc]
    for node in items:
        if isinstance(node, dict):
            for key, value in node.items():
                paths.add(prefix + key)
                paths |= _document_paths(value, f"{prefix}{key}.")
    return paths


def test_every_document_field_is_mapped(corpus):
    full = corpus["birds"]
    for type_name, doc in (("dataset", dataset_document(load_datasets([full.id])[0])),
                           ("distribution", distribution_document(load_distributions([corpus["birds_csv"].id])[0]))):
        mapped = _mapped_paths(index_body(search_type(type_name))["mappings"]["properties"])
        assert _document_paths(doc) - mapped == set(), type_name


def test_mapping_is_strict_and_has_the_permission_fields():
    body = index_body(search_type("dataset"))
    assert body["mappings"]["dynamic"] == "strict"
    for field in ("readers", "listed", "classification", "unit_id", "custodian_id", "created_by_id"):
        assert field in body["mappings"]["properties"]
    assert "$ref" not in str(body) and "_comment" not in str(body)


def test_fallback_analysis_folds_and_stems():
    assert fold("Tromsø Ærø Café") == "tromso aero cafe"
    assert terms("fugler fuglene fugl") == ["fugl"] * 3
    assert terms("birds") == terms("bird")


def test_query_syntax():
    clauses = parse('fugler "breeding birds" dovre*')
    assert [(c.terms, c.phrase, c.prefix) for c in clauses] == [
        (["fugl"], False, False), (["breed", "bird"], True, False), (["dovr"], False, True)]
