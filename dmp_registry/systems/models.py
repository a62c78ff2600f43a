from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, JSONType, RecordMixin
from ..datasets.models import Dataset
from ..organisation.models import Person, Unit

system_dataset = Table(
    "system_dataset",
    Base.metadata,
    Column("system_id", ForeignKey("it_system.id", ondelete="CASCADE"), primary_key=True),
    Column("dataset_id", ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ItSystem(RecordMixin, Base):
    __tablename__ = "it_system"
    __table_args__ = (Index("ix_it_system_name", "name_sort", "id"), Index("ix_it_system_updated", "updated_at", "id"))

    name: Mapped[str] = mapped_column(String(200))
    name_sort: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[dict] = mapped_column(JSONType, default=dict)
    category: Mapped[str] = mapped_column(String(500), index=True)
    owner_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    system_owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    technical_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    vendor: Mapped[str | None] = mapped_column(String(200))
    product: Mapped[str | None] = mapped_column(String(200))
    product_version: Mapped[str | None] = mapped_column(String(60))
    hosting: Mapped[str | None] = mapped_column(String(500))
    lifecycle_status: Mapped[str] = mapped_column(String(500), index=True)
    in_use_from: Mapped[dt.date | None] = mapped_column(Date)
    phase_out_from: Mapped[dt.date | None] = mapped_column(Date)
    retired_on: Mapped[dt.date | None] = mapped_column(Date)
    classification: Mapped[str | None] = mapped_column(String(500), index=True)
    processes_personal_data: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    processing_record_ref: Mapped[str | None] = mapped_column(String(500))
    user_count: Mapped[int | None] = mapped_column(Integer)
    endpoint_urls: Mapped[list] = mapped_column(JSONType, default=list)
    api_description_url: Mapped[str | None] = mapped_column(String(2000))
    documentation_links: Mapped[list] = mapped_column(JSONType, default=list)

    owner_unit: Mapped[Unit | None] = relationship()
    system_owner: Mapped[Person | None] = relationship(foreign_keys=[system_owner_id])
    technical_contact: Mapped[Person | None] = relationship(foreign_keys=[technical_contact_id])
    datasets: Mapped[list[Dataset]] = relationship(secondary=system_dataset, order_by=Dataset.title_sort)
