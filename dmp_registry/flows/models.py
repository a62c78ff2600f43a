from __future__ import annotations

import uuid

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, JSONType, RecordMixin
from ..datasets.models import Dataset
from ..organisation.models import Person
from ..systems.models import ItSystem

flow_dataset = Table(
    "flow_dataset",
    Base.metadata,
    Column("flow_id", ForeignKey("data_flow.id", ondelete="CASCADE"), primary_key=True),
    Column("dataset_id", ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class DataFlow(RecordMixin, Base):
    """A directed flow from a source (system or dataset) to a target (system or dataset).

    `source_node`/`target_node` repeat the id of whichever end is set: lineage walks one indexed
    column instead of two nullable ones (ids are UUIDs, so they never clash between kinds)."""

    __tablename__ = "data_flow"
    __table_args__ = (Index("ix_data_flow_title", "title_sort", "id"),)

    title: Mapped[str] = mapped_column(String(300))
    title_sort: Mapped[str] = mapped_column(String(300))
    description: Mapped[dict] = mapped_column(JSONType, default=dict)
    source_system_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("it_system.id", ondelete="RESTRICT"))
    source_dataset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    target_system_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("it_system.id", ondelete="RESTRICT"))
    target_dataset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    source_node: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    target_node: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    mechanism: Mapped[str | None] = mapped_column(String(500))
    frequency: Mapped[str | None] = mapped_column(String(500))
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    format: Mapped[str | None] = mapped_column(String(500))
    responsible_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(500), index=True)
    problems: Mapped[str | None] = mapped_column(Text)
    problem_severity: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    source_system: Mapped[ItSystem | None] = relationship(foreign_keys=[source_system_id])
    target_system: Mapped[ItSystem | None] = relationship(foreign_keys=[target_system_id])
    source_dataset: Mapped[Dataset | None] = relationship(foreign_keys=[source_dataset_id])
    target_dataset: Mapped[Dataset | None] = relationship(foreign_keys=[target_dataset_id])
    responsible: Mapped[Person | None] = relationship()
    datasets: Mapped[list[Dataset]] = relationship(secondary=flow_dataset, order_by=Dataset.title_sort)
