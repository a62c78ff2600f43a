"""Metadata quality scores in the manner of data.europa.eu's Metadata Quality Assessment (MQA).

Five dimensions with the MQA's indicator weights (405 points in all; see docs/dcat.md). Scores are
computed from what the public feed publishes (the same records and fallbacks as `build`), per dataset and
as the catalogue's mean, each missing indicator with a suggestion "add a licence: +30 points".

Differences from the MQA, which probes URLs and runs SHACL on the harvested graph:
* accessibility scores whether access/download URLs are *given* (no HTTP probe from the registry);
* "DCAT-AP compliance" scores the DCAT-AP-NO mandatory properties (the publishability rule), not a
  full SHACL run per dataset;
* distribution-level indicators score the share of distributions that have the property (as the
  MQA's percentages do), rounded to whole points."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from . import records
from .publishable import missing_for_listing
from .records import Window

FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
# EU file-type authority codes the MQA treats as non-proprietary / machine-readable (subset that matters here)
NON_PROPRIETARY = {"CSV", "JSON", "XML", "RDF", "RDF_XML", "RDF_TURTLE", "TURTLE", "JSON_LD", "N_TRIPLES", "TXT",
                   "TSV", "GEOJSON", "GML", "ODS", "ODT", "PDF", "PNG", "TIFF", "GEOTIFF", "NETCDF", "HDF5",
                   "SHP", "GPKG", "HTML", "ZIP", "TAR", "GZIP", "PARQUET", "JPEG", "WARC", "LAS", "LAZ"}
MACHINE_READABLE = {"CSV", "JSON", "XML", "RDF", "RDF_XML", "RDF_TURTLE", "TURTLE", "JSON_LD", "N_TRIPLES", "TSV",
                    "GEOJSON", "GML", "ODS", "XLSX", "XLS", "NETCDF", "HDF5", "SHP", "GPKG", "PARQUET", "LAS", "LAZ"}


@dataclass(frozen=True)
class Indicator:
    key: str
    dimension: str
    points: int
    suggestion: str
    level: str  # dataset | distribution


# data.europa.eu MQA methodology weights (Findability 100, Accessibility 100, Interoperability 110,
# Reusability 75, Contextuality 20: 405 points).
INDICATORS = (
    Indicator("keywords", "findability", 30, "add keywords", "dataset"),
    Indicator("themes", "findability", 30, "add a theme (category)", "dataset"),
    Indicator("spatial", "findability", 20, "add the spatial coverage", "dataset"),
    Indicator("temporal", "findability", 20, "add the temporal coverage", "dataset"),
    Indicator("access_url", "accessibility", 50, "give each distribution an access URL", "distribution"),
    Indicator("download_url", "accessibility", 50, "add a download URL to each distribution", "distribution"),
    Indicator("format", "interoperability", 20, "state the file format of each distribution", "distribution"),
    Indicator("media_type", "interoperability", 10, "state the media type of each distribution", "distribution"),
    Indicator("format_vocabulary", "interoperability", 10, "take formats from the EU file-type vocabulary",
              "distribution"),
    Indicator("non_proprietary", "interoperability", 20, "offer a non-proprietary format", "distribution"),
    Indicator("machine_readable", "interoperability", 20, "offer a machine-readable format", "distribution"),
    Indicator("dcat_ap_compliance", "interoperability", 30,
              "fill the DCAT-AP-NO mandatory properties (title, description, theme)", "dataset"),
    Indicator("licence", "reusability", 20, "add a licence", "distribution"),
    Indicator("licence_vocabulary", "reusability", 10, "take the licence from the EU licence vocabulary",
              "distribution"),
    Indicator("access_rights", "reusability", 10, "state the access rights", "dataset"),
    Indicator("access_rights_vocabulary", "reusability", 5, "take access rights from the EU vocabulary", "dataset"),
    Indicator("contact_point", "reusability", 20, "add a contact point", "dataset"),
    Indicator("publisher", "reusability", 10, "add a publisher", "dataset"),
    Indicator("rights", "contextuality", 5, "add a rights statement to each distribution", "distribution"),
    Indicator("byte_size", "contextuality", 5, "give the byte size of each distribution", "distribution"),
    Indicator("issued", "contextuality", 5, "add the date of issue", "dataset"),
    Indicator("modified", "contextuality", 5, "add the modification date", "dataset"),
)
DIMENSIONS = {"findability": 100, "accessibility": 100, "interoperability": 110, "reusability": 75,
              "contextuality": 20}
MAXIMUM = sum(DIMENSIONS.values())
RATINGS = ((351, "excellent"), (221, "good"), (121, "sufficient"), (0, "bad"))  # MQA rating bands
# Suggestions that are one action in the registry: a dataset licence fills both licence indicators.
COMBINED = {"licence": ("licence", "licence_vocabulary"), "access_rights": ("access_rights", "access_rights_vocabulary"),
            "format": ("format", "format_vocabulary")}
LICENCES = "http://publications.europa.eu/resource/authority/licence/"
ACCESS_RIGHTS = "http://publications.europa.eu/resource/authority/access-right/"


def _code(uri: str | None) -> str | None:
    return uri[len(FILE_TYPE):] if uri and uri.startswith(FILE_TYPE) else None


def _dataset_checks(rec: dict, profile: str) -> dict[str, bool]:
    spatial = rec.get("spatial") or {}
    return {
        "keywords": any(rec.get("keywords") and rec["keywords"].values()),
        "themes": bool(rec.get("themes") or rec.get("los_themes")),
        "spatial": bool(spatial.get("label") or spatial.get("uri") or spatial.get("bbox")),
        "temporal": bool(rec.get("temporal_start") or rec.get("temporal_end")),
        "dcat_ap_compliance": not missing_for_listing(rec, profile),
        "access_rights": bool(rec.get("access_rights")),
        "access_rights_vocabulary": str(rec.get("access_rights") or "").startswith(ACCESS_RIGHTS),
        "contact_point": bool(rec.get("contact")),
        "publisher": True,  # DMP_DCAT_PUBLISHER on every dataset
        "issued": rec.get("created_at") is not None,
        "modified": rec.get("updated_at") is not None,
    }


def _distribution_checks(dist: dict, rec: dict) -> dict[str, bool]:
    licence = dist.get("licence") or rec.get("licence")
    code = _code(dist.get("format"))
    return {
        "access_url": bool(dist.get("access_url")),
        "download_url": bool(dist.get("download_url")),
        "format": bool(dist.get("format")),
        "media_type": bool(dist.get("media_type")),
        "format_vocabulary": code is not None,
        "non_proprietary": code in NON_PROPRIETARY,
        "machine_readable": code in MACHINE_READABLE,
        "licence": bool(licence),
        "licence_vocabulary": str(licence or "").startswith(LICENCES),
        "rights": False,  # the crosswalk exports no dct:rights yet
        "byte_size": dist.get("byte_size") is not None,
    }


def score_record(rec: dict, profile: str) -> dict:
    """Scores, rating and suggestions of one dataset record (as `records.attach` gives it)."""
    checks = _dataset_checks(rec, profile)
    dists = [_distribution_checks(d, rec) for d in rec.get("distributions") or []]
    earned: dict[str, int] = {}
    for ind in INDICATORS:
        if ind.level == "dataset":
            earned[ind.key] = ind.points if checks[ind.key] else 0
        else:
            share = sum(d[ind.key] for d in dists) / len(dists) if dists else 0
            earned[ind.key] = round(ind.points * share)
    dimensions = {dim: 0 for dim in DIMENSIONS}
    for ind in INDICATORS:
        dimensions[ind.dimension] += earned[ind.key]
    total = sum(dimensions.values())
    return {"id": str(rec["id"]), "total": total, "maximum": MAXIMUM, "rating": rating(total),
            "dimensions": dimensions, "indicators": earned, "suggestions": suggestions(earned, bool(dists))}


def suggestions(earned: dict, has_distributions: bool) -> list[dict]:
    by_key = {ind.key: ind for ind in INDICATORS}
    out, done = [], set()
    if not has_distributions:
        gain = sum(i.points for i in INDICATORS if i.level == "distribution" and i.key != "rights")
        out.append({"indicator": "distribution", "points": gain,
                    "text": f"add a distribution (access URL, format, licence …): up to +{gain} points"})
        done |= {i.key for i in INDICATORS if i.level == "distribution"}
    for key, ind in by_key.items():
        if key in done or key == "rights" or earned[key] >= ind.points:
            continue
        keys = COMBINED.get(key, (key,))
        gain = sum(by_key[k].points - earned[k] for k in keys)
        done |= set(keys)
        out.append({"indicator": key, "points": gain, "text": f"{ind.suggestion}: +{gain} points"})
    return sorted(out, key=lambda s: (-s["points"], s["indicator"]))


def rating(total: int) -> str:
    return next(name for floor, name in RATINGS if total >= floor)


def dataset_quality(dataset_id) -> dict | None:
    rows = records.attach(records.page_rows(Window(ids=(dataset_id,)), 1))
    return score_record(rows[0], current_app.config["DMP_DCAT_PROFILE"]) if rows else None


def catalogue_quality(batch: int = 1000) -> dict:
    """Mean scores of every public dataset, the rating of the mean, and the most common suggestions."""
    profile = current_app.config["DMP_DCAT_PROFILE"]
    n, totals, dims, gains = 0, 0, dict.fromkeys(DIMENSIONS, 0), {}
    for rows in records.iter_batches(Window(), batch):
        for rec in rows:
            scored = score_record(rec, profile)
            n += 1
            totals += scored["total"]
            for dim, value in scored["dimensions"].items():
                dims[dim] += value
            for s in scored["suggestions"]:
                count, points = gains.get(s["indicator"], (0, 0))
                gains[s["indicator"]] = (count + 1, points + s["points"])
    mean = round(totals / n) if n else 0
    top = sorted(gains.items(), key=lambda kv: -kv[1][1])[:10]
    return {"datasets": n, "total": mean, "maximum": MAXIMUM, "rating": rating(mean),
            "dimensions": {d: round(v / n) if n else 0 for d, v in dims.items()},
            "dimension_maxima": DIMENSIONS,
            "suggestions": [{"indicator": k, "datasets": c, "points": round(p / n),
                             "text": f"{k.replace('_', ' ')}: missing in {c} dataset(s), +{round(p / n)} points "
                                     "on the catalogue mean"} for k, (c, p) in top]}
