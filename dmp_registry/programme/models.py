"""The programme: measures made of activities, result goals (entered or computed by an indicator),
daily goal snapshots, hours per person/activity/ISO week, benefits and immutable status reports."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, JSONType, RecordMixin, UTCDateTime, utcnow
from ..organisation.models import Person, Unit

activity_dependency = Table(
    "activity_dependency",
    Base.metadata,
    Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    Column("depends_on_id", ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Measure(RecordMixin, Base):
    """A measure (tiltak) of an action plan, e.g. 25 "Digital infrastructure"."""

    __tablename__ = "measure"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    programme: Mapped[dict] = mapped_column(JSONType, default=dict)  # the action plan's name {nb, en}
    title: Mapped[dict] = mapped_column(JSONType)
    description: Mapped[dict] = mapped_column(JSONType, default=dict)
    responsible_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    further_plans: Mapped[str | None] = mapped_column(Text)

    responsible: Mapped[Person | None] = relationship()
    activities: Mapped[list[Activity]] = relationship(back_populates="measure", order_by="Activity.code_sort")


class ActivityUnit(Base):
    """A unit taking part in an activity, with the hours planned for it."""

    __tablename__ = "activity_unit"

    activity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), primary_key=True, index=True)
    planned_hours: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    unit: Mapped[Unit] = relationship()


class Activity(RecordMixin, Base):
    __tablename__ = "activity"
    __search_type__ = "activity"
    __table_args__ = (Index("ix_activity_code", "code_sort", "id"), Index("ix_activity_updated", "updated_at", "id"))

    measure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("measure.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    code_sort: Mapped[str] = mapped_column(String(60))
    title: Mapped[dict] = mapped_column(JSONType)
    description: Mapped[dict] = mapped_column(JSONType, default=dict)
    responsible_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    planned_hours: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    status: Mapped[str] = mapped_column(String(500), index=True)
    status_date: Mapped[dt.date | None] = mapped_column(Date)  # "will be completed by" / completion period
    results: Mapped[str | None] = mapped_column(Text)  # results or products that show the work
    risks: Mapped[list] = mapped_column(JSONType, default=list)  # [{title, level, mitigation}]
    links: Mapped[list] = mapped_column(JSONType, default=list)  # [{kind, id}] records the activity concerns
    example: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)  # invented for the demo

    measure: Mapped[Measure] = relationship(back_populates="activities")
    responsible: Mapped[Person | None] = relationship()
    units: Mapped[list[ActivityUnit]] = relationship(cascade="all, delete-orphan", order_by=ActivityUnit.unit_id)
    depends_on: Mapped[list[Activity]] = relationship(
        secondary=activity_dependency, primaryjoin=lambda: Activity.id == activity_dependency.c.activity_id,
        secondaryjoin=lambda: Activity.id == activity_dependency.c.depends_on_id, order_by=lambda: Activity.code_sort)
    goals: Mapped[list[Goal]] = relationship(back_populates="activity", order_by="Goal.created_at")
    benefits: Mapped[list[Benefit]] = relationship(back_populates="activity", order_by="Benefit.created_at")


class Goal(RecordMixin, Base):
    """A result goal: `indicator` names a registry indicator (computed), else `current_value` is entered."""

    __tablename__ = "goal"

    activity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    title: Mapped[dict] = mapped_column(JSONType)
    indicator: Mapped[str | None] = mapped_column(String(80), index=True)
    target: Mapped[float] = mapped_column(Float)
    baseline: Mapped[float] = mapped_column(Float, default=0, nullable=False)
    current_value: Mapped[float | None] = mapped_column(Float)
    current_date: Mapped[dt.date | None] = mapped_column(Date)
    due: Mapped[dt.date | None] = mapped_column(Date)

    activity: Mapped[Activity] = relationship(back_populates="goals")


class GoalSnapshot(Base):
    """A goal's value on one day (one row per goal and day; `dmp programme snapshot` upserts)."""

    __tablename__ = "goal_snapshot"
    __table_args__ = (UniqueConstraint("goal_id", "day", name="uq_goal_snapshot_goal_day"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    taken_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TimeEntry(RecordMixin, Base):
    """Hours one person spent on one activity in one ISO week (`week` = "2026-W47")."""

    __tablename__ = "time_entry"
    __table_args__ = (UniqueConstraint("person_id", "activity_id", "week", name="uq_time_entry_person_activity_week"),
                      Index("ix_time_entry_activity_week", "activity_id", "week"))

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    activity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    week: Mapped[str] = mapped_column(String(8))
    week_start: Mapped[dt.date] = mapped_column(Date, index=True)
    hours: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(String(500))

    person: Mapped[Person] = relationship()
    activity: Mapped[Activity] = relationship()


class Benefit(RecordMixin, Base):
    """An expected benefit of an activity (cost–benefit) and how it will be measured."""

    __tablename__ = "benefit"

    activity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(500))
    description: Mapped[dict] = mapped_column(JSONType, default=dict)
    measured_by: Mapped[str] = mapped_column(Text)
    expected_value: Mapped[float | None] = mapped_column(Float)
    value_unit: Mapped[str | None] = mapped_column(String(60))  # "hours per year", "datasets" …
    realisations: Mapped[list[BenefitRealisation]] = relationship(
        back_populates="benefit", cascade="all, delete-orphan", order_by="BenefitRealisation.realised_on")

    activity: Mapped[Activity] = relationship(back_populates="benefits")


class BenefitRealisation(Base):
    """A realised benefit recorded on a date (benefit realisation over time)."""

    __tablename__ = "benefit_realisation"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    benefit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("benefit.id", ondelete="CASCADE"), index=True)
    realised_on: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(String(500))

    benefit: Mapped[Benefit] = relationship(back_populates="realisations")


class StatusReport(Base):
    """One saved version of a status report; never updated (a new save is a new row)."""

    __tablename__ = "status_report"
    __search_type__ = "status_report"
    __table_args__ = (UniqueConstraint("subject_id", "number", name="uq_status_report_subject_number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    scope: Mapped[str] = mapped_column(String(20))  # measure | activity
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # the measure or activity
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … per subject
    period_end: Mapped[dt.date] = mapped_column(Date)
    sections: Mapped[dict] = mapped_column(JSONType)  # form section key → text
    figures: Mapped[dict] = mapped_column(JSONType)  # indicator values, hours … as computed at save time
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))

    # What search documents and the outbox read from every record: an immutable row never changes.
    version = 1

    @property
    def updated_at(self) -> dt.datetime:
        return self.created_at
