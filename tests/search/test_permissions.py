"""Search never shows, counts or suggests a record its reader may not read (DatasetPolicy)."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from dmp_registry.core.db import db
from dmp_registry.core.identity import Identity, anonymous_identity
from dmp_registry.datasets.documents import dataset_readers, identity_tokens
from dmp_registry.datasets.models import Dataset
from dmp_registry.datasets.permissions import DatasetPolicy
from dmp_registry.vocabularies.terms import CLASSIFICATION_OPEN, CLASSIFICATION_RESTRICTED

from .conftest import hits

SECRET = "zyxhemmelig"


def test_reader_tokens_select_exactly_what_read_filter_selects(create_dataset, create_unit, create_user):
    unit, other_unit = create_unit(), create_unit()
    researcher = create_user("researcher", unit=unit)[1]
    outsider = create_user("researcher", unit=other_unit)[1]
    for listed, classification in itertools.product((True, False), (CLASSIFICATION_OPEN, CLASSIFICATION_RESTRICTED)):
        create_dataset(unit=unit, listed=listed, classification=classification)
        create_dataset(unit=other_unit, listed=listed, classification=classification)
    identities = [anonymous_identity, researcher, outsider, Identity(user_id=outsider.user_id, roles=frozenset()),
                  create_user("curator")[1], create_user("programme_lead")[1], create_user("admin")[1],
                  Identity(person_id=researcher.person_id, user_id=researcher.user_id, roles=frozenset({"researcher"}))]
    datasets = db.session.scalars(select(Dataset)).all()
    for identity in identities:
        by_sql = set(db.session.scalars(select(Dataset.id).where(DatasetPolicy().read_filter(identity, Dataset))))
        by_tokens = {d.id for d in datasets if set(dataset_readers(d)) & set(identity_tokens(identity))}
        assert by_tokens == by_sql, identity


def _search(client, headers, **params):
    return client.get("/api/v1/search/", query_string=params, headers=headers or {}).json


@pytest.fixture
def outsider(create_user, create_unit):
    return create_user("researcher", unit=create_unit())[2]


def test_no_leak_through_hits_counts_or_facets(client, indexed_corpus, outsider, engine):
    for headers in ({}, outsider):
        result = _search(client, headers, q=SECRET)
        assert result["total"] == 0 and result["items"] == []
        assert all(buckets == [] for buckets in result["facets"].values())
        assert _search(client, headers, q="insekter malvik")["total"] == 0


def test_anonymous_sees_and_counts_only_listed_records(client, indexed_corpus, engine):
    result = _search(client, None, q="", per_page=100)
    listed = {str(d.id) for key, d in indexed_corpus.items() if key in ("birds", "fish", "lichens", "finds")}
    assert set(hits(result)) == listed | {str(indexed_corpus["birds_csv"].id)}
    counts = {b["value"]: b["count"] for b in result["facets"]["record_type"]}
    assert counts == {"dataset": 4, "distribution": 1} and result["total"] == 5
    assert sum(b["count"] for b in result["facets"]["classification"]) == 5


def test_no_leak_through_suggestions(client, indexed_corpus, outsider, curator, engine):
    for headers in ({}, outsider):
        found = client.get("/api/v1/search/suggest", query_string={"q": "Insekt"}, headers=headers).json
        assert found["suggestions"] == []
        assert str(indexed_corpus["nestboxes"].id) not in [s["id"] for s in client.get(
            "/api/v1/search/suggest", query_string={"q": "Fuglek"}).json["suggestions"]]
    found = client.get("/api/v1/search/suggest", query_string={"q": "Insekt"}, headers=curator[2]).json
    assert [s["id"] for s in found["suggestions"]] == [str(indexed_corpus["insects"].id)]


def test_readers_who_may_see_it_get_highlights(client, indexed_corpus, curator, engine):
    result = _search(client, curator[2], q=SECRET)
    assert hits(result) == [str(indexed_corpus["insects"].id)]
    assert f"<mark>{SECRET}</mark>" in " ".join(result["items"][0]["highlight"]["description"])


@pytest.mark.parametrize("suggesting", [False, True])
@pytest.mark.parametrize("roles", [None, frozenset({"researcher"}), frozenset({"curator"})])
def test_reader_groups_cover_each_type_with_its_own_rule(app, roles, suggesting):
    """Both engines' permission groups: every searchable type under exactly its own reader
    tokens; a group without types only when one rule covers every type (it then needs no type
    condition), never when suggesting leaves a type out."""
    from dmp_registry.search.registry import reader_groups
    from dmp_registry.search.registry import search_types

    import uuid

    identity = anonymous_identity if roles is None else Identity(user_id=uuid.uuid4(), roles=roles, name="someone")
    wanted = {st.name: st.reader_tokens(identity) for st in search_types().values() if st.suggests or not suggesting}
    groups = reader_groups(identity, suggesting=suggesting)
    covered = {}
    for names, tokens in groups:
        for name in names or [st.name for st in search_types().values()]:
            assert name not in covered
            covered[name] = tokens
    assert covered == wanted
    if not suggesting and len({tuple(t) for t in wanted.values()}) == 1:
        assert groups == [([], list(next(iter(wanted.values()))))]


@pytest.mark.parametrize("suggesting", [False, True])
@pytest.mark.parametrize("roles", [None, frozenset(), frozenset({"researcher"}), frozenset({"curator"})])
def test_elasticsearch_permission_filter_is_one_condition_per_reader_group(app, roles, suggesting):
    """Each group's reader tokens, under its types' names unless the group is every type (the
    token sets of today's types never overlap wrongly, so the hit tests above would not notice a
    group losing its types)."""
    import uuid

    from dmp_registry.search.es_search import permission_filter
    from dmp_registry.search.registry import reader_groups

    identity = anonymous_identity if roles is None else Identity(user_id=uuid.uuid4(), roles=roles, name="someone")
    query = permission_filter(identity, suggesting=suggesting)
    clauses = query["bool"]["should"] if "should" in query.get("bool", {}) else [query]
    found = [(c["bool"]["filter"][0]["terms"]["record_type"], c["bool"]["filter"][1]["terms"]["readers"])
             if "bool" in c else ([], c["terms"]["readers"]) for c in clauses]
    assert found == reader_groups(identity, suggesting=suggesting)
    assert all(names or len(found) == 1 for names, _tokens in found)
