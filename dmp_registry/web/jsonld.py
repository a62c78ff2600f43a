"""schema.org `Dataset` JSON-LD for the detail page, so search engines (Google Dataset Search)
understand it. Only public facts of the record; escaped for embedding in a <script> element."""
from __future__ import annotations

import json

from flask import url_for
from markupsafe import Markup

from ..dcat.build import generalised_spatial
from ..dcat.uris import dataset_uri
from ..vocabularies.service import concept_cache
from .i18n import current_language, text


def _in_languages(value: dict | None):
    value = value or {}
    if len(value) <= 1:
        return next(iter(value.values()), None)
    return [{"@language": lang, "@value": v} for lang, v in value.items()]


def _person(person) -> dict:
    item = {"@type": "Person", "name": person.name}
    if person.orcid:
        item["sameAs"] = f"https://orcid.org/{person.orcid}"
    return item


def dataset_jsonld(dataset) -> Markup:
    lang = current_language()
    data = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": dataset_uri(dataset.id),
        "name": text(dataset.title),
        "description": text(dataset.description) or text(dataset.title),
        "url": url_for("dataset_pages.detail", dataset_id=dataset.id, _external=True),
        "dateCreated": dataset.created_at.date().isoformat(),
        "dateModified": dataset.updated_at.date().isoformat(),
        "publisher": {"@type": "Organization", "name": "NTNU Vitenskapsmuseet",
                      "identifier": "https://data.brreg.no/enhetsregisteret/api/enheter/974767880"},
    }
    if dataset.doi:
        data["identifier"] = f"https://doi.org/{dataset.doi}"
    words = (dataset.keywords or {}).get(lang) or next(iter((dataset.keywords or {}).values()), None)
    if words:
        data["keywords"] = words
    if dataset.licence:
        data["license"] = dataset.licence
    if dataset.creators:
        data["creator"] = [_person(p) for p in dataset.creators]
    if dataset.temporal_start or dataset.temporal_end:
        start = dataset.temporal_start.isoformat() if dataset.temporal_start else ".."
        end = dataset.temporal_end.isoformat() if dataset.temporal_end else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    # JSON-LD is for search engines: a sensitive place is generalised as in the public DCAT feed
    spatial = generalised_spatial(dataset.spatial) if dataset.sensitive_location else (dataset.spatial or {})
    if spatial.get("label") or spatial.get("bbox"):
        place = {"@type": "Place", "name": spatial.get("label")}
        if spatial.get("bbox"):
            west, south, east, north = spatial["bbox"]
            place["geo"] = {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"}
        data["spatialCoverage"] = place
    distributions = []
    for dist in dataset.distributions:
        info = concept_cache.get(dist.media_type)
        item = {"@type": "DataDownload", "contentUrl": dist.download_url or dist.access_url}
        if info is not None:
            item["encodingFormat"] = info.notation or info.uri
        if dist.title:
            item["name"] = text(dist.title)
        distributions.append(item)
    if distributions:
        data["distribution"] = distributions
    data["alternateName"] = _in_languages(dataset.title) if len(dataset.title or {}) > 1 else None
    data = {k: v for k, v in data.items() if v is not None}
    body = json.dumps(data, ensure_ascii=False, indent=1)
    # No "</script>" or "<!--" can end the element early.
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(body)  # noqa: S704 - JSON with <, > and & escaped above
