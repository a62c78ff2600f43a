"""The search service: Elasticsearch when configured and reachable, else the embedded index with
`degraded: true` (or `false` when no Elasticsearch is configured: the embedded default)."""
from __future__ import annotations

import logging

from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session

from ..core.cache import PerEngineCache
from ..core.db import db
from ..organisation.models import Unit
from ..vocabularies.service import concept_cache
from . import client as es_client
from . import es_search, fallback
from .facets import FACETS_BY_NAME
from .outbox import DRAIN_DUE, OutboxEntry
from .query import SearchRequest
from .registry import search_types

log = logging.getLogger(__name__)


def _engine_call(es_function, fallback_function, *args):
    """(answer, engine, degraded): Elasticsearch first; on an outage the embedded index."""
    es = es_client.client()
    if es is not None:
        try:
            answer = es_function(es, *args)
            _converge_if_behind()
            return answer, "elasticsearch", False
        except Exception as exc:
            if not es_client.is_outage(exc):
                raise
            es_client.mark_down(exc)
    return fallback_function(*args), None, es_client.configured()


def search(identity, req: SearchRequest) -> dict:
    answer, engine, degraded = _engine_call(es_search.search, fallback.search, identity, req)
    answer["degraded"] = degraded
    answer["engine"] = engine or answer["engine"]
    answer["facets"] = {name: _labelled(name, buckets) for name, buckets in answer["facets"].items()}
    return answer


def suggest(identity, q: str, size: int = 10) -> dict:
    answer, engine, degraded = _engine_call(es_search.suggest, fallback.suggest, identity, q, size)
    return {"engine": engine or db.dialect, "degraded": degraded, "suggestions": answer}


def _converge_if_behind() -> None:
    """Elasticsearch answers again but entries failed while it was down: drain after this request."""
    if not es_client.backlog_check_due():
        return
    if db.session.scalar(select(OutboxEntry.id).where(OutboxEntry.attempts > 0).limit(1)) is not None:
        db.session.info[DRAIN_DUE] = True


def _labelled(name: str, buckets: list[dict]) -> list[dict]:
    kind = FACETS_BY_NAME[name].kind
    if kind == "unit":
        names = _unit_labels([b["value"] for b in buckets])
    for bucket in buckets:
        if kind == "concept":
            info = concept_cache.get(bucket["value"])
            bucket["label"] = dict(info.labels) if info else {}
        elif kind == "unit":
            bucket["label"] = names.get(bucket["value"], {})
        elif kind == "record_type":
            st = search_types().get(bucket["value"])
            bucket["label"] = dict(st.label) if st else {}
        else:
            bucket["label"] = {"nb": "Ja", "en": "Yes"} if bucket["value"] == "true" else {"nb": "Nei", "en": "No"}
    return buckets


def _load_unit_names() -> dict[str, dict]:
    return {str(unit_id): dict(name or {}) for unit_id, name in db.session.execute(select(Unit.id, Unit.name))}


# Unit id → name for the unit facet's labels: one query per minute instead of one per search (~0.5 ms).
# A unit changed in this process clears it at once; elsewhere the label follows within the minute.
unit_names = PerEngineCache(_load_unit_names, ttl=60.0)


_UNITS_CHANGED = "dmp_units_changed"


@event.listens_for(Unit, "after_insert")
@event.listens_for(Unit, "after_update")
@event.listens_for(Unit, "after_delete")
def _unit_changed(mapper, connection, target) -> None:
    unit_names.invalidate()
    session = object_session(target)
    if session is not None:  # again at commit: a search between flush and commit reloaded the old names
        session.info[_UNITS_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _units_committed(session) -> None:
    if session.info.pop(_UNITS_CHANGED, False):
        unit_names.invalidate()


def _unit_labels(ids: list[str]) -> dict:
    names = unit_names.get()
    if any(i not in names for i in ids):  # a unit newer than the cache (created by another process)
        names = unit_names.get(max_age=1.0)
    return {i: names[i] for i in ids if i in names}
