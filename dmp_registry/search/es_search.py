"""Search on Elasticsearch: the query DSL for a SearchRequest, and the same response shape as the
embedded index. Permissions are a filter on `readers` per group of record types sharing a rule
(never a post-filter), so hits, totals, facet counts, highlights and completion suggestions all
respect them. Hits are highlighted by search/highlight.py, as the embedded index's are."""
from __future__ import annotations

from .facets import FACETS, FACETS_BY_NAME
from .highlight import highlighter
from .indices import alias_name, search_aliases
from .query import SearchRequest, item, result
from .registry import reader_groups, search_types

TITLE = ["title.nb^4", "title.nn^4", "title.en^4"]
TITLE_FOLDED = ["title.nb.folded^3", "title.nn.folded^3", "title.en.folded^3"]
PREFIX = [*TITLE_FOLDED, "text_any"]
SUGGEST_FIELDS = ["title.nb.folded", "title.nn.folded", "title.en.folded"]
HIT_FIELDS = ["id", "record_type", "version", "title", "description", "unit", "dataset", "updated_at"]  # query.item
TEXT = [*TITLE, *TITLE_FOLDED, "text_nb", "text_en", "text_any"]
# One edit from 4 letters on, never two: distance-2 automata cost ~10 ms each on a small machine.
FUZZINESS = "AUTO:4,100"
_SORT = {"relevance": ["_score", {"title_sort": "asc"}, {"id": "asc"}],
         "title": [{"title_sort": "asc"}, {"id": "asc"}], "-title": [{"title_sort": "desc"}, {"id": "asc"}],
         "updated": [{"updated_at": "asc"}, {"id": "asc"}], "-updated": [{"updated_at": "desc"}, {"id": "asc"}]}


def _may_be_typo(clause) -> bool:
    return not (clause.phrase or clause.prefix) and len(clause.text) >= 4  # FUZZINESS: no edits below 4 letters


def clause_query(clause, typos: bool = True) -> dict:
    if clause.phrase:
        return {"multi_match": {"query": clause.text, "type": "phrase_prefix" if clause.prefix else "phrase",
                                "fields": TEXT}}
    if clause.prefix:
        return {"multi_match": {"query": clause.text, "type": "phrase_prefix", "fields": PREFIX}}
    exact = {"multi_match": {"query": clause.text, "fields": TEXT, "type": "best_fields"}}
    if not typos:
        return exact
    # exact/stemmed, or within an edit distance that grows with the word (typo tolerance)
    return {"bool": {"should": [
        exact, {"match": {"text_any": {"query": clause.text, "fuzziness": FUZZINESS, "prefix_length": 1, "boost": 0.3}}},
    ], "minimum_should_match": 1}}


def permission_filter(identity, suggesting: bool = False) -> dict:
    """Each group of types sharing a permission rule (registry.reader_groups): its reader tokens,
    and its types unless it is every type (one `terms` then: 0.15–0.5 ms less per search than a
    condition per type)."""
    groups = [{"terms": {"readers": tokens}} if not names else
              {"bool": {"filter": [{"terms": {"record_type": names}}, {"terms": {"readers": tokens}}]}}
              for names, tokens in reader_groups(identity, suggesting)]
    return groups[0] if len(groups) == 1 else {"bool": {"should": groups, "minimum_should_match": 1}}


def facet_filter(filters: dict) -> list[dict]:
    return [{"terms": {FACETS_BY_NAME[name].path: values}} for name, values in filters.items()]


def body(identity, req: SearchRequest, typos: bool = False) -> dict:
    must = [clause_query(c, typos) for c in req.clauses] or [{"match_all": {}}]
    aggs = {f.name: _facet_agg(f, req.filters_except(f.name)) for f in FACETS}
    return {
        "query": {"bool": {"must": must, "filter": [permission_filter(identity)]}},
        "post_filter": {"bool": {"filter": facet_filter(req.filters)}},
        "aggs": aggs, "sort": _SORT[req.effective_sort],
        "from_": (req.page - 1) * req.per_page, "size": req.per_page, "track_total_hits": True,
        "source_includes": HIT_FIELDS,
    }


def _facet_agg(facet, filters: dict) -> dict:
    """Terms of the facet's field over the query's hits (filter context, no global scan); wrapped
    in a filter aggregation only when other facets are selected (the post_filter does not apply
    to aggregations)."""
    terms = {"terms": {"field": facet.path, "size": 100}}
    if not filters:
        return terms
    return {"filter": {"bool": {"filter": facet_filter(filters)}}, "aggs": {"values": terms}}


def _buckets(agg: dict) -> list:
    return (agg["values"] if "values" in agg else agg)["buckets"]


def search(es, identity, req: SearchRequest) -> dict:
    """Exact (stemmed, folded) matching first; typo tolerance only when that finds nothing: the
    edit-distance automata cost more than the rest of the query, and a query whose words all
    exist does not need them (measured: Elasticsearch's own p50 11 → 9 ms at 100,000 datasets)."""
    indices = search_aliases()
    response = es.search(index=indices, ignore_unavailable=True, **body(identity, req)).body
    if not response["hits"]["total"]["value"] and any(_may_be_typo(c) for c in req.clauses):
        response = es.search(index=indices, ignore_unavailable=True, **body(identity, req, typos=True)).body
    highlight = highlighter(req.clauses)
    items = [item(h["_source"], h.get("_score"), highlight(h["_source"])) for h in response["hits"]["hits"]]
    facets = {name: [{"value": str(b.get("key_as_string", b["key"])), "count": b["doc_count"]}
                     for b in _buckets(agg)] for name, agg in response["aggregations"].items()}
    return result("elasticsearch", False, req, response["hits"]["total"]["value"], items, facets)


def suggest(es, identity, q: str, size: int) -> list[dict]:
    """Titles with a word starting with each word typed ("Dovre" → "Fugler på Dovrefjell"), from the
    titles' prefix index, under the same permission filter as search: a reader is never offered a
    title they may not read. (A completion field with reader contexts did this too, but cost three
    quarters of the time Elasticsearch spent indexing.)"""
    types = [st for st in search_types().values() if st.suggests]
    query = {"bool": {"must": [{"multi_match": {"query": q, "type": "bool_prefix", "fields": SUGGEST_FIELDS,
                                                "operator": "and", "fuzziness": FUZZINESS, "prefix_length": 1}}],
                      "filter": [permission_filter(identity, suggesting=True)]}}
    response = es.search(index=",".join(alias_name(st) for st in types), ignore_unavailable=True, query=query,
                         size=size, source=["id", "record_type", "title"], sort=_SORT["relevance"],
                         track_total_hits=False).body
    return [{"id": h["_source"]["id"], "record_type": h["_source"]["record_type"], "title": h["_source"].get("title") or {}}
            for h in response["hits"]["hits"]]
