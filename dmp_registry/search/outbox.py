"""The transactional outbox: a row per changed searchable record, written in the same transaction
as the change (Indico livesync's queue), drained by worker.drain().

A `before_flush` listener covers every ORM write (services, CLI, loaders, scripts). Core
`insert`/`update` statements bypass ORM events and must call `enqueue()` themselves.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Iterable

from sqlalchemy import Integer, String, Text, event, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.db import Base, BigIntPK, UTCDateTime, utcnow
from .registry import Key, registry

DRAIN_DUE = "dmp_search_drain_due"
_ADDED = "dmp_search_outbox_added"


class OutboxEntry(Base):
    __tablename__ = "search_outbox"
    __table_args__ = {"info": {"derived": True}}  # not exported: rebuilt from the records

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(500))  # uuid, or a concept URI for label changes
    op: Mapped[str] = mapped_column(String(10), default="index")  # index | delete (the drain re-checks)
    version: Mapped[int | None] = mapped_column(Integer)  # record version at enqueue time, if known
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


def enqueue(session: Session, keys: Iterable[Key | tuple], op: str = "index") -> int:
    """Queue (entity_type, id[, version]) keys in the session's transaction. For Core bulk writes."""
    rows = [{"entity_type": k[0], "entity_id": str(k[1]), "op": op, "version": k[2] if len(k) > 2 else None,
             "created_at": utcnow(), "attempts": 0} for k in keys]
    if rows:
        session.execute(insert(OutboxEntry), rows)
        session.info[_ADDED] = True
    return len(rows)


def _keys_for(obj, deleted: bool) -> list[tuple[str, str, str, int | None]]:
    reg = registry()
    keys = []
    search_type = reg.by_model.get(type(obj))
    if search_type is not None:
        if obj.id is None:
            obj.id = uuid.uuid4()  # ids are column defaults, assigned only during the flush
        keys.append((search_type.name, str(obj.id), "delete" if deleted else "index", obj.version))
    for rel in reg.related.get(type(obj), ()):
        value = getattr(obj, rel.key, None)
        if value is None and rel.key.endswith("_id"):  # a new child: only the relationship is set yet
            value = getattr(getattr(obj, rel.key[:-3], None), "id", None)
        if value is not None:
            keys.append((rel.entity_type, str(value), "index", None))
    return keys


def _before_flush(session: Session, _flush_context, _instances) -> None:
    pending: dict[tuple[str, str], tuple[str, int | None]] = {}
    changed = [(o, False) for o in session.new]
    changed += [(o, False) for o in session.dirty if session.is_modified(o)]
    changed += [(o, True) for o in session.deleted]
    for obj, deleted in changed:
        for entity_type, entity_id, op, version in _keys_for(obj, deleted):
            if pending.get((entity_type, entity_id), ("",))[0] != "delete":  # a delete wins
                pending[(entity_type, entity_id)] = (op, version)
    for (entity_type, entity_id), (op, version) in pending.items():
        session.add(OutboxEntry(entity_type=entity_type, entity_id=entity_id, op=op, version=version))
    if pending:
        session.info[_ADDED] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_ADDED, False):
        session.info[DRAIN_DUE] = True


def _after_rollback(session: Session) -> None:
    session.info.pop(_ADDED, None)


def install_listeners(session_class) -> None:
    """Idempotent: the session class is shared by every app in the process."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_rollback", _after_rollback)
