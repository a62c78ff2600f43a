"""The light RDF terms the builders produce (IRIs are plain str), one handler per crosswalk kind,
and the per-request settings. Not rdflib terms: building those dominates rdflib's own cost."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app

from .namespaces import PREFIXES, XSD

P = {name: PREFIXES[prefix] + local for name, (prefix, local) in {
    "type": ("rdf", "type"), "title": ("dct", "title"), "description": ("dct", "description"),
    "identifier": ("dct", "identifier"), "publisher": ("dct", "publisher"), "issued": ("dct", "issued"),
    "modified": ("dct", "modified"), "language": ("dct", "language"), "license": ("dct", "license"),
    "temporal": ("dct", "temporal"), "spatial": ("dct", "spatial"), "creator": ("dct", "creator"),
    "dct_type": ("dct", "type"), "relation": ("dct", "relation"), "accrual": ("dct", "accrualPeriodicity"),
    "dataset": ("dcat", "dataset"), "service": ("dcat", "service"), "distribution": ("dcat", "distribution"),
    "contactPoint": ("dcat", "contactPoint"), "startDate": ("dcat", "startDate"), "endDate": ("dcat", "endDate"),
    "bbox": ("dcat", "bbox"), "servesDataset": ("dcat", "servesDataset"), "hadRole": ("dcat", "hadRole"),
    "qualifiedRelation": ("dcat", "qualifiedRelation"), "endpointURL": ("dcat", "endpointURL"),
    "endpointDescription": ("dcat", "endpointDescription"), "themeTaxonomy": ("dcat", "themeTaxonomy"),
    "homepage": ("foaf", "homepage"), "name": ("foaf", "name"), "fn": ("vcard", "fn"),
    "hasEmail": ("vcard", "hasEmail"), "orgName": ("vcard", "organization-name"),
    "adms_identifier": ("adms", "identifier"), "notation": ("skos", "notation"), "prefLabel": ("skos", "prefLabel"),
    "inScheme": ("skos", "inScheme"), "schemeAgency": ("adms", "schemeAgency"),
    "wasGeneratedBy": ("prov", "wasGeneratedBy"), "wasDerivedFrom": ("prov", "wasDerivedFrom"),
    "qualifiedDerivation": ("prov", "qualifiedDerivation"), "entity": ("prov", "entity"),
    "hadActivity": ("prov", "hadActivity"), "qualifiedAttribution": ("prov", "qualifiedAttribution"),
    "agent": ("prov", "agent"), "checksum": ("spdx", "checksum"), "algorithm": ("spdx", "algorithm"),
    "checksumValue": ("spdx", "checksumValue"), "label": ("rdfs", "label"),
}.items()}
C = {name: PREFIXES[prefix] + local for name, (prefix, local) in {
    "Catalog": ("dcat", "Catalog"), "Dataset": ("dcat", "Dataset"), "Distribution": ("dcat", "Distribution"),
    "DataService": ("dcat", "DataService"), "Relationship": ("dcat", "Relationship"), "Role": ("dcat", "Role"),
    "Organization": ("foaf", "Organization"), "Agent": ("foaf", "Agent"), "Person": ("foaf", "Person"),
    "Kind": ("vcard", "Kind"), "VOrganization": ("vcard", "Organization"), "PeriodOfTime": ("dct", "PeriodOfTime"),
    "Location": ("dct", "Location"), "Identifier": ("adms", "Identifier"), "Activity": ("prov", "Activity"),
    "Derivation": ("prov", "Derivation"), "Attribution": ("prov", "Attribution"), "Checksum": ("spdx", "Checksum"),
    "Concept": ("skos", "Concept"), "ConceptScheme": ("skos", "ConceptScheme"), "Frequency": ("dct", "Frequency"),
    "LinguisticSystem": ("dct", "LinguisticSystem"), "LicenseDocument": ("dct", "LicenseDocument"),
    "Document": ("foaf", "Document"),
}.items()}
XSD_DATE, XSD_DATETIME, XSD_DECIMAL = XSD + "date", XSD + "dateTime", XSD + "decimal"
XSD_NNI, XSD_ANYURI, XSD_HEX = XSD + "nonNegativeInteger", XSD + "anyURI", XSD + "hexBinary"
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
BYTE_SIZE_TYPES = {"dcat-ap-no": XSD_DECIMAL, "dcat-ap": XSD_NNI}


class Lit(NamedTuple):
    value: str
    lang: str | None = None
    datatype: str | None = None


class Blank(str):
    """A blank node label, deterministic (derived from record ids): unchanged records → same bytes."""


@dataclass(frozen=True)
class Settings:
    base: str
    profile: str
    publisher: str
    publisher_name: dict
    catalog_title: dict
    catalog_description: dict
    catalog_homepage: str
    catalog_licence: str
    catalog_issued: str
    languages: tuple

    @property
    def byte_size_type(self) -> str:
        return BYTE_SIZE_TYPES[self.profile]

    @classmethod
    def from_app(cls, profile: str | None = None) -> Settings:
        cfg = current_app.config
        base = cfg["DMP_BASE_URI"].rstrip("/")
        return cls(base, profile or cfg["DMP_DCAT_PROFILE"], cfg["DMP_DCAT_PUBLISHER"], cfg["DMP_DCAT_PUBLISHER_NAME"],
                   cfg["DMP_DCAT_CATALOG_TITLE"], cfg["DMP_DCAT_CATALOG_DESCRIPTION"],
                   cfg["DMP_DCAT_CATALOG_HOMEPAGE"] or base + "/", cfg["DMP_DCAT_CATALOG_LICENCE"],
                   cfg["DMP_DCAT_CATALOG_ISSUED"], tuple(cfg["DMP_DCAT_CATALOG_LANGUAGES"]))


def lang_lits(value: dict | None) -> list[Lit]:
    return [Lit(text, lang) for lang, text in sorted((value or {}).items()) if text]


def date_time(value: dt.datetime) -> Lit:
    return Lit(value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), None, XSD_DATETIME)


def date(value: dt.date) -> Lit:
    return Lit(value.isoformat(), None, XSD_DATE)


def add_row(out: list, subject: str, row, value, concepts: dict) -> None:
    """Emit `value` for one crosswalk row (the simple kinds; `nested` rows are hand-written)."""
    if value is None or value == "" or value == [] or value == {}:
        return
    kind, pred = row.kind, row.predicate
    if kind == "literal":
        out.append((subject, pred, Lit(str(value))))
    elif kind == "lang-literal":
        out.extend((subject, pred, lit) for lit in lang_lits(value))
    elif kind == "lang-list":
        for lang, words in sorted(value.items()):
            out.extend((subject, pred, Lit(w, lang)) for w in dict.fromkeys(words) if w)
    elif kind == "uri":
        out.append((subject, pred, value))
        if row.cls:
            out.append((value, P["type"], row.cls))
    elif kind == "concept":
        for uri in value if isinstance(value, list) else [value]:
            out.append((subject, pred, uri))
            concepts.setdefault(uri, (row.cls, row.scheme))
    elif kind == "date":
        out.append((subject, pred, date_time(value)))
    elif kind == "agent":
        out.append((subject, pred, value))
