from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, JSONType, RecordMixin


class Unit(RecordMixin, Base):
    __tablename__ = "unit"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[dict] = mapped_column(JSONType)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")


class Person(RecordMixin, Base):
    __tablename__ = "person"

    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    orcid: Mapped[str | None] = mapped_column(String(19), unique=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    employment_end: Mapped[dt.date | None] = mapped_column(Date)

    unit: Mapped[Unit | None] = relationship()


class Project(RecordMixin, Base):
    __tablename__ = "project"

    title: Mapped[dict] = mapped_column(JSONType)
    title_sort: Mapped[str] = mapped_column(String(200), index=True)
    funder: Mapped[str | None] = mapped_column(String(300))
    grant_id: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    leader_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)

    unit: Mapped[Unit | None] = relationship()
    leader: Mapped[Person | None] = relationship()


def sort_key(text: dict | None) -> str:
    """The text used to sort multilingual titles: nb, then nn, then en, lower-cased."""
    from ..vocabularies.models import pick_label

    return (pick_label(text or {}, "nb") or "").casefold()[:200]
