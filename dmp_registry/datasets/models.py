from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (BigInteger, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, bindparam,
                        event, false, update)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..core.db import Base, JSONType, RecordMixin
from ..organisation.models import Person, Project, Unit

dataset_creator = Table(
    "dataset_creator",
    Base.metadata,
    Column("dataset_id", ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True, index=True),
    Column("position", Integer, nullable=False, default=0),
)


_CREATOR_ORDER = "dmp_dataset_creator_order"  # session.info: dataset id → creator ids, in order


def set_creators(session, dataset, people: list) -> None:
    """Give `dataset` these creators in this order (the first is its dct:creator). The secondary
    relationship writes the link rows but cannot fill their `position`; that follows at the end of
    the flush that writes them."""
    dataset.creators = people
    if dataset.id is None:
        dataset.id = uuid.uuid4()
    session.info.setdefault(_CREATOR_ORDER, {})[dataset.id] = [p.id for p in people]


@event.listens_for(Session, "after_flush")
def _write_creator_positions(session, _context) -> None:
    orders = session.info.pop(_CREATOR_ORDER, None) or {}
    rows = [{"d": d, "p": p, "pos": i} for d, ids in orders.items() for i, p in enumerate(ids)]
    if rows:
        session.connection().execute(
            update(dataset_creator).where(dataset_creator.c.dataset_id == bindparam("d"),
                                          dataset_creator.c.person_id == bindparam("p"))
            .values(position=bindparam("pos")), rows)


class Dataset(RecordMixin, Base):
    __tablename__ = "dataset"
    __table_args__ = (
        # (sort column, id) pairs serve ordered paging in either direction; listed first for the public view
        Index("ix_dataset_updated", "updated_at", "id"),
        Index("ix_dataset_created", "created_at", "id"),
        Index("ix_dataset_title", "title_sort", "id"),
        Index("ix_dataset_listed_updated", "listed", "updated_at", "id"),
        Index("ix_dataset_listed_title", "listed", "title_sort", "id"),  # the public list, by title
        Index("ix_dataset_unit_title", "unit_id", "title_sort", "id"),   # a unit's datasets, by title
    )

    title: Mapped[dict] = mapped_column(JSONType)
    title_sort: Mapped[str] = mapped_column(String(200))
    description: Mapped[dict] = mapped_column(JSONType, default=dict)
    keywords: Mapped[dict] = mapped_column(JSONType, default=dict)
    dataset_type: Mapped[str | None] = mapped_column(String(500), index=True)
    themes: Mapped[list] = mapped_column(JSONType, default=list)
    los_themes: Mapped[list] = mapped_column(JSONType, default=list)
    access_rights: Mapped[str | None] = mapped_column(String(500), index=True)
    licence: Mapped[str | None] = mapped_column(String(500))
    classification: Mapped[str] = mapped_column(String(500), index=True)
    contains_personal_data: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    personal_data_legal_basis: Mapped[str | None] = mapped_column(Text)
    temporal_start: Mapped[dt.date | None] = mapped_column(Date)
    temporal_end: Mapped[dt.date | None] = mapped_column(Date)
    spatial: Mapped[dict | None] = mapped_column(JSONType)
    #: nesting sites, unexcavated archaeological sites …: the public feed generalises the place
    sensitive_location: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)
    contact_point_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    custodian_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    project_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    volume_bytes: Mapped[int | None] = mapped_column(BigInteger)
    documentation_status: Mapped[str | None] = mapped_column(String(500))
    publication_status: Mapped[str] = mapped_column(String(500), index=True)
    landing_page: Mapped[str | None] = mapped_column(String(2000))
    doi: Mapped[str | None] = mapped_column(String(200), unique=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    unit: Mapped[Unit] = relationship()
    project: Mapped[Project | None] = relationship()
    custodian: Mapped[Person | None] = relationship(foreign_keys=[custodian_id])
    contact_point: Mapped[Person | None] = relationship(foreign_keys=[contact_point_id])
    creators: Mapped[list[Person]] = relationship(secondary=dataset_creator, order_by=dataset_creator.c.position)
    storage_locations: Mapped[list[StorageLocation]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", order_by="StorageLocation.position"
    )
    distributions: Mapped[list[Distribution]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", order_by="Distribution.created_at"
    )


class StorageLocation(Base):
    """Where a dataset physically lives; part of the dataset (edited with it)."""

    __tablename__ = "storage_location"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dataset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    copies: Mapped[int] = mapped_column(Integer, default=1)
    medium: Mapped[str | None] = mapped_column(String(500))
    backed_up: Mapped[bool] = mapped_column(Boolean, default=False)
    last_checked: Mapped[dt.date | None] = mapped_column(Date)

    dataset: Mapped[Dataset] = relationship(back_populates="storage_locations")


class Distribution(RecordMixin, Base):
    __tablename__ = "distribution"

    dataset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    title: Mapped[dict] = mapped_column(JSONType, default=dict)
    description: Mapped[dict] = mapped_column(JSONType, default=dict)
    access_url: Mapped[str] = mapped_column(String(2000))
    download_url: Mapped[str | None] = mapped_column(String(2000))
    format: Mapped[str | None] = mapped_column(String(500))
    media_type: Mapped[str | None] = mapped_column(String(500))
    byte_size: Mapped[int | None] = mapped_column(BigInteger)
    licence: Mapped[str | None] = mapped_column(String(500))
    checksum_algorithm: Mapped[str | None] = mapped_column(String(20))
    checksum_value: Mapped[str | None] = mapped_column(String(128))

    dataset: Mapped[Dataset] = relationship(back_populates="distributions")
