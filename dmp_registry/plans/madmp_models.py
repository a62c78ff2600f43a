"""maDMP (RDA DMP Common Standard 1.2) fields the registry keeps on plans and plan datasets (issue 8).

The registry models a plan's title, language, contributors, project and datasets; the standard defines
much more (handles, affiliations, hosts, costs, metadata standards …). An imported document is kept here
as it arrived, together with what the registry itself said about the plan right after the import
(`baseline`). An export emits, field by field, the registry's value when it changed since the import and
the imported value otherwise, so `export(import(x)) == x` and later registry changes (a DOI, a new
distribution) still flow into the export. See docs/madmp.md.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, JSONType, RecordMixin, UTCDateTime, utcnow
from .models import Plan


class MadmpDocument(RecordMixin, Base):
    """The maDMP document a plan was imported from (one per plan)."""

    __tablename__ = "madmp_document"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), unique=True)
    #: "madmp" (standard 1.2 input) or "dmponline" (DMPonline's RDA export, normalised on import)
    source: Mapped[str] = mapped_column(String(20))
    #: top-level members next to "dmp" (e.g. "$schema"), kept for the export
    root: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: the "dmp" object as imported (after the coercions listed in `losses`)
    original: Mapped[dict] = mapped_column(JSONType)
    #: which registry record each item of the keyed lists (dataset, contributor, project, distribution) became
    links: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: the registry's own export of the plan right after the import
    baseline: Mapped[dict] = mapped_column(JSONType)
    #: the loss report of the import: [{"path", "action", "original", "value", "reason"}]
    losses: Mapped[list] = mapped_column(JSONType, default=list)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    plan: Mapped[Plan] = relationship()
