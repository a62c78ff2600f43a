"""Priorities: the scoring model (versioned weights), one current assessment per dataset, the
computed scores (one row per dataset and kind, so a worklist is one indexed query), comments,
workflow state changes (for the dashboard over time) and rescue intakes ("seniordata")."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, BigIntPK, JSONType, RecordMixin, UTCDateTime, utcnow
from ..datasets.models import Dataset

KINDS = ("securing", "publishing")
STATES = ("identified", "assessed", "in_progress", "secured", "published", "verified")


class ScoringModel(RecordMixin, Base):
    """One row per model version; the highest `number` is in force. Weights as loaded from the YAML."""

    __tablename__ = "priority_model"

    number: Mapped[int] = mapped_column(Integer, unique=True)
    weights: Mapped[dict] = mapped_column(JSONType)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))


class Assessment(RecordMixin, Base):
    __tablename__ = "assessment"
    __table_args__ = (Index("ix_assessment_state_updated", "state", "updated_at"),)

    dataset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), unique=True)
    # risk of loss (the rest is derived from the dataset: storage, custodian)
    custodian_status: Mapped[str | None] = mapped_column(String(500))  # None: derived from employment_end
    format_risk: Mapped[str | None] = mapped_column(String(500))
    regenerable: Mapped[bool | None] = mapped_column(Boolean)
    # value
    scientific_value: Mapped[str | None] = mapped_column(String(500))
    cultural_value: Mapped[str | None] = mapped_column(String(500))
    archival_value: Mapped[str | None] = mapped_column(String(500))
    uniqueness: Mapped[str | None] = mapped_column(String(500))
    external_demand: Mapped[str | None] = mapped_column(String(500))
    obligation_keep: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    obligation_publish: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # readiness to publish (metadata completeness, personal data, documentation come from the dataset)
    rights_clear: Mapped[bool | None] = mapped_column(Boolean)
    needs_withholding: Mapped[bool | None] = mapped_column(Boolean)
    # effort
    effort_secure_days: Mapped[float | None] = mapped_column(Float)
    effort_publish_days: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    # overrides: a curator's score replaces the computed one, with a written reason
    securing_override: Mapped[int | None] = mapped_column(Integer)
    securing_override_reason: Mapped[str | None] = mapped_column(Text)
    publishing_override: Mapped[int | None] = mapped_column(Integer)
    publishing_override_reason: Mapped[str | None] = mapped_column(Text)
    # worklist
    state: Mapped[str] = mapped_column(String(20), default="assessed", nullable=False)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    assessed_by: Mapped[str | None] = mapped_column(String(200))

    dataset: Mapped[Dataset] = relationship()
    comments: Mapped[list[AssessmentComment]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="AssessmentComment.id")


class AssessmentComment(Base):
    __tablename__ = "assessment_comment"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="comments")


class PriorityScore(Base):
    """The computed (or overridden) score of a dataset for one kind; rewritten in bulk on recompute."""

    __tablename__ = "priority_score"
    __table_args__ = (Index("ix_priority_score_rank", "kind", "score", "dataset_id"),
                      Index("ix_priority_score_band_rank", "kind", "band", "score", "dataset_id"),
                      Index("ix_priority_score_changed", "changed_at"))

    dataset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)          # effective: override when given
    computed: Mapped[int] = mapped_column(Integer)       # what the model says
    band: Mapped[str] = mapped_column(String(20))
    overridden: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    contributions: Mapped[list] = mapped_column(JSONType, default=list)
    model_number: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)  # when score/band last moved


class StateChange(Base):
    """A workflow step of a dataset (assessed, secured, published …): the dashboard's time series."""

    __tablename__ = "priority_state_change"
    __table_args__ = (Index("ix_priority_state_change_at", "at", "state"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    dataset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RescueIntake(RecordMixin, Base):
    """A researcher's quick list of holdings before leaving; each item became a draft dataset."""

    __tablename__ = "rescue_intake"

    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    retirement_date: Mapped[dt.date] = mapped_column(Date, index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    items: Mapped[list] = mapped_column(JSONType, default=list)
    dataset_ids: Mapped[list] = mapped_column(JSONType, default=list)


class ScoreRefresh(Base):
    """One row: changes of datasets and people up to `through` are reflected in the score table."""

    __tablename__ = "priority_refresh"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    through: Mapped[dt.datetime] = mapped_column(UTCDateTime)
