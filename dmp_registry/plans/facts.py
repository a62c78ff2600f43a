""""Do not ask again what the registry already knows": the facts a plan shows for each linked dataset,
computed from the registry records (dataset, storage locations, distributions) at the time of reading.

Storage cost estimate: volume (decimal TB) × stored copies × STORAGE_COST_NOK_PER_TB_YEAR per year,
and for the project's period when the project has start and end dates. The rate is NTNU's internal
price level for managed research storage with backup (order of magnitude, 2026), kept here as a
documented constant rather than configuration; docs/plans.md explains it.
"""
from __future__ import annotations

from ..vocabularies.service import concept_cache

#: NOK per terabyte (10^12 bytes) per year for one stored copy.
STORAGE_COST_NOK_PER_TB_YEAR = 1200
TB = 10**12


def _label(uri: str | None, lang: str) -> str | None:
    if not uri:
        return None
    info = concept_cache.get(uri)
    return info.label(lang) if info else uri


def _concept(uri: str | None, lang: str) -> dict | None:
    return None if not uri else {"uri": uri, "label": _label(uri, lang)}


def human_bytes(value: int | None) -> str | None:
    if value is None:
        return None
    size, unit = float(value), "B"
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if size < 1000 or unit == "PB":
            break
        size /= 1000
    return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"


def storage_cost(dataset, project=None) -> dict | None:
    """Estimated cost of keeping the dataset's copies, or None when the volume is unknown."""
    if dataset.volume_bytes is None:
        return None
    copies = sum(max(loc.copies or 1, 1) for loc in dataset.storage_locations) or 1
    per_year = round(dataset.volume_bytes / TB * copies * STORAGE_COST_NOK_PER_TB_YEAR, 2)
    years = None
    if project is not None and project.start_date and project.end_date and project.end_date >= project.start_date:
        years = round(((project.end_date - project.start_date).days + 1) / 365.25, 2)
    return {"currency": "NOK", "per_year": per_year, "copies": copies, "rate_per_tb_year": STORAGE_COST_NOK_PER_TB_YEAR,
            "project_years": years, "project_total": round(per_year * years, 2) if years else None}


def dataset_facts(dataset, lang: str = "nb", project=None) -> dict:
    """The registry's facts of one dataset, as the plan shows and the snapshot keeps them."""
    from ..dcat.uris import dataset_uri
    from ..vocabularies.models import pick_label

    return {
        "id": str(dataset.id),
        "uri": dataset_uri(dataset.id),
        "title": pick_label(dataset.title, lang) or "",
        "title_i18n": dict(dataset.title or {}),
        "access_rights": _concept(dataset.access_rights, lang),
        "licence": _concept(dataset.licence, lang),
        "classification": _concept(dataset.classification, lang),
        "contains_personal_data": bool(dataset.contains_personal_data),
        "personal_data_legal_basis": dataset.personal_data_legal_basis,
        "sensitive_location": bool(dataset.sensitive_location),
        "storage_locations": [
            {"kind": _concept(loc.kind, lang), "description": loc.description, "copies": loc.copies,
             "medium": _concept(loc.medium, lang), "backed_up": bool(loc.backed_up)}
            for loc in dataset.storage_locations],
        "volume_bytes": dataset.volume_bytes,
        "volume": human_bytes(dataset.volume_bytes),
        "distributions": [
            {"id": str(d.id), "title": pick_label(d.title, lang), "access_url": d.access_url,
             "download_url": d.download_url, "format": _concept(d.format, lang), "media_type": d.media_type,
             "byte_size": d.byte_size, "licence": _concept(d.licence, lang)}
            for d in dataset.distributions],
        "doi": dataset.doi,
        "landing_page": dataset.landing_page,
        "publication_status": _concept(dataset.publication_status, lang),
        "estimated_storage_cost": storage_cost(dataset, project),
    }


def plan_dataset_facts(identity, plan, lang: str | None = None) -> list[dict]:
    """Facts of every dataset linked to the plan; a dataset `identity` may not read shows only that it
    exists (so the plan's table stays complete without leaking a confidential record)."""
    from ..datasets.permissions import DatasetPolicy

    lang = lang or plan.language
    policy = DatasetPolicy()
    out = []
    for link in plan.dataset_links:
        if identity is not None and not policy.can_read(identity, link.dataset):
            out.append({"id": str(link.dataset_id), "hidden": True})
        else:
            out.append(dataset_facts(link.dataset, lang, plan.project))
    return out


def total_storage_cost(facts: list[dict]) -> float:
    return round(sum((f.get("estimated_storage_cost") or {}).get("per_year") or 0 for f in facts), 2)
