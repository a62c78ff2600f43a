from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base, JSONType, UTCDateTime, utcnow


class ConceptScheme(Base):
    __tablename__ = "concept_scheme"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uri: Mapped[str] = mapped_column(String(500), unique=True)
    title: Mapped[dict] = mapped_column(JSONType, default=dict)
    source: Mapped[str | None] = mapped_column(String(1000))
    licence: Mapped[str | None] = mapped_column(String(500))
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Concept(Base):
    __tablename__ = "concept"

    uri: Mapped[str] = mapped_column(String(500), primary_key=True)
    scheme_id: Mapped[str] = mapped_column(ForeignKey("concept_scheme.id", ondelete="CASCADE"), index=True)
    notation: Mapped[str | None] = mapped_column(String(200))
    pref_label: Mapped[dict] = mapped_column(JSONType, default=dict)
    alt_labels: Mapped[dict] = mapped_column(JSONType, default=dict)
    definition: Mapped[dict] = mapped_column(JSONType, default=dict)
    broader: Mapped[str | None] = mapped_column(String(500))
    exact_match: Mapped[list] = mapped_column(JSONType, default=list)
    deprecated: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    def label(self, lang: str = "nb") -> str:
        return pick_label(self.pref_label, lang) or self.notation or self.uri


def pick_label(labels: dict | None, lang: str = "nb") -> str | None:
    """The label in `lang`, falling back nb → nn → en → any."""
    if not labels:
        return None
    for candidate in (lang, "nb", "nn", "en"):
        if labels.get(candidate):
            return labels[candidate]
    return next(iter(labels.values()), None)
