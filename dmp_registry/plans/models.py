"""Models of data management plans: templates (versioned questionnaires), plans, answers, contributors,
linked registry datasets, submission snapshots and review comments (issue 8).

Notes for plans-web and madmp (additions to PLANS-CONTRACT.md, all names of the contract kept):
- relationships: PlanTemplate.versions, TemplateVersion.template, Plan.project, Plan.template_version,
  Plan.contributors, Plan.answers, Plan.dataset_links (PlanDataset, ordered by position; each has `.dataset`),
  Plan.snapshots (by number), Plan.comments (by created_at).
- extra columns: PlanTemplate.title_sort; Plan.title_sort, Plan.created_by_id (user_account), Plan.returned_at;
  TemplateVersion.created_by_id; Answer.updated_by_id; ReviewComment.author_name (name at the time).
- ReviewComment.author_id and PlanSnapshot.created_by_id point at user_account (who acted), contributors at person.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, JSONType, RecordMixin, UTCDateTime
from ..datasets.models import Dataset
from ..organisation.models import Person, Project

TEMPLATE_STATUSES = ("draft", "published", "retired")
PLAN_STATUSES = ("draft", "submitted", "returned", "approved")
CONTRIBUTOR_ROLES = ("owner", "co_author", "reviewer")
PLAN_LANGUAGES = ("nb", "nn", "en")
QUESTION_TYPES = ("text", "richtext", "choice", "yesno", "date", "number", "datasets")


class PlanTemplate(RecordMixin, Base):
    __tablename__ = "plan_template"

    key: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[dict] = mapped_column(JSONType)
    title_sort: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[dict] = mapped_column(JSONType, default=dict)
    funder: Mapped[str | None] = mapped_column(String(300))
    owner_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)

    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="TemplateVersion.number")


class TemplateVersion(RecordMixin, Base):
    """One version of a template's questionnaire; `content` is frozen once the version is published."""

    __tablename__ = "plan_template_version"
    __table_args__ = (UniqueConstraint("template_id", "number", name="uq_plan_template_version_number"),)

    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan_template.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    content: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    template: Mapped[PlanTemplate] = relationship(back_populates="versions")


class Plan(RecordMixin, Base):
    __tablename__ = "plan"
    __table_args__ = (
        Index("ix_plan_updated", "updated_at", "id"),
        Index("ix_plan_title", "title_sort", "id"),
    )

    title: Mapped[str] = mapped_column(String(300))
    title_sort: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2), default="nb")
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    template_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("plan_template_version.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    dmp_identifier: Mapped[str | None] = mapped_column(String(500))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    project: Mapped[Project] = relationship()
    template_version: Mapped[TemplateVersion] = relationship()
    contributors: Mapped[list[PlanContributor]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanContributor.created_at")
    answers: Mapped[list[Answer]] = relationship(back_populates="plan", cascade="all, delete-orphan")
    dataset_links: Mapped[list[PlanDataset]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanDataset.position")
    snapshots: Mapped[list[PlanSnapshot]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanSnapshot.number")
    comments: Mapped[list[ReviewComment]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ReviewComment.created_at")


class PlanContributor(RecordMixin, Base):
    __tablename__ = "plan_contributor"
    __table_args__ = (UniqueConstraint("plan_id", "person_id", name="uq_plan_contributor_person"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    plan: Mapped[Plan] = relationship(back_populates="contributors")
    person: Mapped[Person] = relationship()


class Answer(RecordMixin, Base):
    __tablename__ = "plan_answer"
    __table_args__ = (UniqueConstraint("plan_id", "question_key", name="uq_plan_answer_question"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(100))
    value: Mapped[object | None] = mapped_column(JSONType)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    plan: Mapped[Plan] = relationship(back_populates="answers")


class PlanDataset(RecordMixin, Base):
    __tablename__ = "plan_dataset"
    __table_args__ = (UniqueConstraint("plan_id", "dataset_id", name="uq_plan_dataset_dataset"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    dataset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[Plan] = relationship(back_populates="dataset_links")
    dataset: Mapped[Dataset] = relationship()


class PlanSnapshot(RecordMixin, Base):
    """The plan as it was at one submission; never changed afterwards."""

    __tablename__ = "plan_snapshot"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_snapshot_number"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    content: Mapped[dict] = mapped_column(JSONType)

    plan: Mapped[Plan] = relationship(back_populates="snapshots")


class ReviewComment(RecordMixin, Base):
    __tablename__ = "plan_review_comment"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str | None] = mapped_column(String(100))
    snapshot_number: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    author_name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    plan: Mapped[Plan] = relationship(back_populates="comments")
