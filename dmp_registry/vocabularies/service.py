"""Reading concepts: a small per-engine cache (vocabularies change rarely) and listing for pickers."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import select

from ..core.cache import PerEngineCache
from ..core.db import db
from ..core.errors import NotFoundError
from .models import Concept, ConceptScheme, pick_label


@dataclass(frozen=True)
class ConceptInfo:
    uri: str
    scheme: str
    notation: str | None
    labels: dict
    deprecated: bool

    def label(self, lang: str = "nb") -> str:
        return pick_label(self.labels, lang) or self.notation or self.uri

    @cached_property
    def ref(self) -> dict:
        """The output form, built once per concept (callers must not modify it)."""
        return {"uri": self.uri, "notation": self.notation, "label": dict(self.labels)}


def _load_concepts() -> dict[str, ConceptInfo]:
    rows = db.session.execute(
        select(Concept.uri, Concept.scheme_id, Concept.notation, Concept.pref_label, Concept.deprecated)
    )
    return {r.uri: ConceptInfo(r.uri, r.scheme_id, r.notation, r.pref_label or {}, r.deprecated) for r in rows}


class ConceptCache:
    """uri → ConceptInfo, reloaded after `ttl` seconds or on invalidate() (after a vocabulary load)."""

    def __init__(self, ttl: float = 60.0):
        self._cache = PerEngineCache(_load_concepts, ttl)

    def invalidate(self) -> None:
        self._cache.invalidate()

    def _concepts(self) -> dict[str, ConceptInfo]:
        return self._cache.get()

    def get(self, uri: str | None) -> ConceptInfo | None:
        return self._concepts().get(uri) if uri else None

    def by_notation(self, scheme: str, notation: str) -> ConceptInfo | None:
        for info in self._concepts().values():
            if info.scheme == scheme and info.notation == notation:
                return info
        return None

    def find(self, scheme: str, text: str) -> ConceptInfo | None:
        """A concept of `scheme` whose URI, notation or any label equals `text` (case-insensitive)."""
        wanted = text.strip().casefold()
        for info in self._concepts().values():
            if info.scheme != scheme:
                continue
            names = [info.uri, info.notation or "", *info.labels.values()]
            if any(wanted == name.casefold() for name in names):
                return info
        return None

    def in_scheme(self, scheme: str) -> list[ConceptInfo]:
        return [info for info in self._concepts().values() if info.scheme == scheme]


concept_cache = ConceptCache()


def concept_ref(uri: str | None) -> dict | None:
    """{uri, notation, label} for output; unknown URIs keep their URI as the only information."""
    if not uri:
        return None
    info = concept_cache.get(uri)
    return info.ref if info else {"uri": uri, "notation": None, "label": {}}


class VocabularyService:
    def list_schemes(self, identity):
        return db.session.scalars(select(ConceptScheme).order_by(ConceptScheme.id)).all()

    def list_concepts(self, identity, scheme_id: str, q: str | None = None, include_deprecated: bool = False):
        if db.session.get(ConceptScheme, scheme_id) is None:
            raise NotFoundError(f"No vocabulary {scheme_id!r}")
        concepts = [c for c in concept_cache.in_scheme(scheme_id) if include_deprecated or not c.deprecated]
        if q:
            needle = q.casefold()
            concepts = [c for c in concepts if needle in " ".join([c.notation or "", *c.labels.values()]).casefold()]
        return sorted(concepts, key=lambda c: c.label("nb").casefold())


vocabulary_service = VocabularyService()
