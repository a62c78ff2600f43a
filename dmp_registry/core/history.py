"""Change history: who changed what, when, field by field, for every record type."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import BigInteger, Index, String, Uuid, select
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, BigIntPK, JSONType, UTCDateTime, db, utcnow
from .identity import Identity


class ChangeRecord(Base):
    __tablename__ = "change_record"
    __table_args__ = (Index("ix_change_record_entity", "entity_type", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(20))  # create | update | delete | import
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    version: Mapped[int | None] = mapped_column(BigInteger)
    changes: Mapped[dict] = mapped_column(JSONType, default=dict)  # field -> [old, new]


def diff(before: dict | None, after: dict | None) -> dict:
    """Field-level difference of two snapshots: {field: [old, new]} for fields that differ."""
    if not before:  # a creation (imports create thousands): every field that is set
        return {key: [None, value] for key, value in (after or {}).items()
                if value is not None and key not in ("updated_at", "version")}
    before, after = before or {}, after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key) and key not in ("updated_at", "version")
    }


def record_change(identity: Identity, entity_type: str, entity_id, action: str, before, after, version=None):
    """Add a history row to the current session (same transaction as the change itself)."""
    changes = diff(before, after)
    if action == "update" and not changes:
        return None
    row = ChangeRecord(
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        actor_id=identity.user_id,
        actor_name=identity.name,
        at=utcnow(),
        version=version,
        changes=changes,
    )
    db.session.add(row)
    return row


def history_of(entity_type: str, entity_id) -> list[ChangeRecord]:
    stmt = (
        select(ChangeRecord)
        .where(ChangeRecord.entity_type == entity_type, ChangeRecord.entity_id == entity_id)
        .order_by(ChangeRecord.id)
    )
    return list(db.session.scalars(stmt))
