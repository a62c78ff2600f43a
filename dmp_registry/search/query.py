"""What a search asks for and what it answers, independent of the engine.

Query syntax: words (all must match, each stemmed, folded and typo-tolerant on Elasticsearch),
"quoted phrases", and `word*` prefixes. Facet filters: values within a facet are OR-ed, facets
AND-ed; facet counts ignore the facet's own selection, so checkboxes can add values."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import analysis

SORTS = ("relevance", "title", "-title", "updated", "-updated")
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


@dataclass
class Clause:
    text: str            # as typed (Elasticsearch analyses it itself)
    terms: list[str]     # folded + stemmed (embedded index)
    phrase: bool = False
    prefix: bool = False


def parse(q: str | None, prefix_last: bool = False) -> list[Clause]:
    clauses = []
    for match in _TOKEN.finditer(q or ""):
        phrase = match.group(1) is not None
        raw = match.group(1) if phrase else match.group(2)
        prefix = not phrase and raw.endswith("*")
        raw = raw.rstrip("*")
        terms = analysis.terms(raw)
        if terms:
            clauses.append(Clause(raw, terms, phrase=phrase or len(terms) > 1, prefix=prefix))
    if prefix_last and clauses and not match_is_phrase(q):
        clauses[-1].prefix = True
    return clauses


def match_is_phrase(q: str | None) -> bool:
    return bool(q) and q.rstrip().endswith('"')


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name → values
    page: int = 1
    per_page: int = 25
    sort: str | None = None
    clauses: list[Clause] = field(default_factory=list)

    def __post_init__(self):
        self.clauses = parse(self.q)
        self.filters = {k: list(v) for k, v in self.filters.items() if v}

    @property
    def effective_sort(self) -> str:
        if self.sort and self.sort != "relevance":
            return self.sort
        return "relevance" if self.clauses else "title"

    def filters_except(self, name: str) -> dict[str, list[str]]:
        return {k: v for k, v in self.filters.items() if k != name}


def item(doc: dict, score: float | None, highlight: dict) -> dict:
    """One hit: enough to render a result line; detail pages read the database."""
    return {
        "id": doc["id"], "record_type": doc["record_type"], "version": doc.get("version"),
        "title": doc.get("title") or {}, "description": _short(doc.get("description") or {}),
        "unit": doc.get("unit"), "dataset": doc.get("dataset"), "updated_at": doc.get("updated_at"),
        "score": score, "highlight": highlight,
    }


def _short(texts: dict, limit: int = 300) -> dict:
    return {lang: (t if len(t) <= limit else t[:limit].rsplit(" ", 1)[0] + " …") for lang, t in texts.items()}


def result(engine: str, degraded: bool, req: SearchRequest, total: int, items: list, facets: dict) -> dict:
    return {"engine": engine, "degraded": degraded, "total": total, "page": req.page, "per_page": req.per_page,
            "sort": req.effective_sort, "items": items, "facets": facets}
