"""Documents fit the strict mappings; mapping files are well-formed. No Elasticsearch needed."""
from __future__ import annotations

import pytest

from dmp_registry.datasets.documents import dataset_document, distribution_document, load_datasets, load_distributions
from dmp_registry.search.analysis import fold, terms
from dmp_registry.search.indices import index_body, type_properties
from dmp_registry.search.query import parse
from dmp_registry.search.registry import search_type, search_types


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
        mapped = _mapped_paths(type_properties(search_type(type_name)))
        assert _document_paths(doc) - mapped == set(), type_name


def test_mapping_is_strict_and_has_the_permission_fields():
    body = index_body()
    assert body["mappings"]["dynamic"] == "strict"
    for field in ("readers", "listed", "classification", "unit_id", "custodian_id", "created_by_id"):
        assert field in body["mappings"]["properties"]
    assert "$ref" not in str(body) and "_comment" not in str(body)


def test_the_records_index_maps_every_field_of_every_type_as_the_type_does():
    """One index holds every record type: its mapping is each type's fields merged, subfields of
    objects included, and a field no type maps differently."""
    merged = index_body()["mappings"]["properties"]
    for st in search_types().values():
        own = type_properties(st)
        assert _mapped_paths(own) <= _mapped_paths(merged), st.name
        for name, spec in own.items():
            if "properties" not in spec:
                assert merged[name] == spec, (st.name, name)


def test_two_types_mapping_one_field_differently_are_refused(monkeypatch):
    from dmp_registry.search import indices

    dataset, system = search_type("dataset"), search_type("system")
    real = indices.type_properties
    monkeypatch.setattr(indices, "type_properties", lambda st: {
        **real(st), **({"unit": {"properties": {"code": {"type": "text"}}}} if st is system else {})})
    with pytest.raises(ValueError, match="system maps unit.code unlike another record type"):
        index_body([dataset, system])
    monkeypatch.setattr(indices, "type_properties", lambda st: {
        **real(st), **({"unit": {"type": "nested", "properties": {"code": {"type": "keyword"}}}} if st is system else {})})
    with pytest.raises(ValueError, match="system maps unit unlike another record type"):
        index_body([dataset, system])
    monkeypatch.setattr(indices, "type_properties", lambda st: {
        **real(st), **({"unit": {"properties": {"acronym": {"type": "keyword"}}}} if st is system else {})})
    assert set(index_body([dataset, system])["mappings"]["properties"]["unit"]["properties"]) == {
        "id", "code", "label", "acronym"}


def test_fallback_analysis_folds_and_stems():
    assert fold("Tromsø Ærø Café") == "tromso aero cafe"
    assert terms("fugler fuglene fugl") == ["fugl"] * 3
    assert terms("birds") == terms("bird")


def test_query_syntax():
    clauses = parse('fugler "breeding birds" dovre*')
    assert [(c.terms, c.phrase, c.prefix) for c in clauses] == [
        (["fugl"], False, False), (["breed", "bird"], True, False), (["dovr"], False, True)]


def test_batch_loader_gives_the_documents_the_orm_objects_give(create_unit, create_person, create_project,
                                                               create_dataset, create_distribution):
    """load_datasets / load_distributions read many records per query (set-based, not the ORM); the
    documents they give must be the ones built from the ORM objects with their relationships, field
    for field, lists in the same order (creators by position, storage by position, formats by the
    distributions' creation)."""
    from dmp_registry.core.db import db
    from dmp_registry.datasets.models import Dataset, Distribution
    from dmp_registry.vocabularies.terms import local

    eu = "http://publications.europa.eu/resource/authority"
    unit = create_unit(name={"nb": "Institutt for naturhistorie", "en": "Department of Natural History"})
    people = [create_person(unit=unit) for _ in range(4)]
    project = create_project(unit=unit, title={"nb": "Fjellfugl", "en": "Mountain birds"})
    order = [people[2], people[0], people[3]]  # creators out of creation order
    full = create_dataset(
        unit=unit, description={"nb": "Årlige takseringer", "en": "Annual counts"},
        keywords={"nb": ["fugl", "fjell"], "en": ["birds"]},
        themes=[f"{eu}/data-theme/ENVI", f"{eu}/data-theme/AGRI"], los_themes=["https://psi.norge.no/los/tema/arbeid"],
        access_rights=f"{eu}/access-right/PUBLIC", licence=f"{eu}/licence/CC_BY_4_0",
        spatial={"label": "Dovrefjell", "bbox": [9.0, 62.0, 10.5, 62.5]}, contains_personal_data=True,
        personal_data_legal_basis="GDPR art. 6(1)(e)", listed=True,
        creator_ids=[str(p.id) for p in order], contact_point_id=str(people[1].id), custodian_id=str(people[0].id),
        project_id=str(project.id), doi="10.18710/LOADER1",
        storage_locations=[{"kind": local("storage-kind", "personal-laptop"), "backed_up": False},
                           {"kind": local("storage-kind", "institutional-backed-up"), "backed_up": True}])
    bare = create_dataset(unit=unit)
    dists = [create_distribution(dataset=full, format=f"{eu}/file-type/{f}", title={"nb": f"Fil {f}"})
             for f in ("XML", "CSV", "XML")]
    ids = [full.id, bare.id]

    loaded = {ds.id: dataset_document(ds) for ds in load_datasets(ids)}
    db.session.expire_all()
    from_orm = {i: dataset_document(db.session.get(Dataset, i)) for i in ids}
    assert loaded == from_orm
    assert loaded[full.id]["people"] == [p.name for p in order] + [people[1].name]  # custodian is a creator too
    assert [f["uri"] for f in loaded[full.id]["format"]] == [f"{eu}/file-type/XML", f"{eu}/file-type/CSV"]
    assert [s["backed_up"] for s in loaded[full.id]["storage"]] == [False, True]

    loaded = {d.id: distribution_document(d) for d in load_distributions([d.id for d in dists])}
    assert loaded == {d.id: distribution_document(db.session.get(Distribution, d.id)) for d in dists}
