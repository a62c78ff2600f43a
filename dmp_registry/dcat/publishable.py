"""Which DCAT-AP-NO mandatory dataset properties a record still lacks before it may be listed.

Identifier and publisher are always supplied by the feed (URI, configured publisher); the rest must
come from the record. Compiled from the crosswalk's `mandatory` rows so the two cannot drift."""
from __future__ import annotations

from flask import current_app

from .crosswalk import mandatory_fields

SUPPLIED_BY_FEED = {"id", "publisher"}
MESSAGE = "Required by DCAT-AP-NO before the dataset can be listed in the public catalogue."


def missing_for_listing(values: dict, profile: str | None = None) -> list[str]:
    """Field names (as the API spells them) that are mandatory and empty in `values`."""
    profile = profile or current_app.config["DMP_DCAT_PROFILE"]
    fields = [f for f in mandatory_fields(profile, "dataset") if f not in SUPPLIED_BY_FEED]
    return [f for f in fields if not _present(values.get(f))]


def _present(value) -> bool:
    if isinstance(value, dict):
        return any(str(v).strip() for v in value.values() if v)
    if isinstance(value, list):
        return bool(value)
    return value is not None and str(value).strip() != ""
