"""The light RDF terms the builders produce (IRIs are plain str), one handler per crosswalk kind,
and the per-request settings. Not rdflib terms: building those dominates rdflib's own cost."""
from __future__ import annotations

import datetime as dt
import uuid
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


_tuple_new = tuple.__new__


def lit(value: str, lang: str | None = None, datatype: str | None = None) -> Lit:
    """Lit(...) at half the cost of the NamedTuple constructor: the feed makes over a million."""
    return _tuple_new(Lit, (value, lang, datatype))


def lang_lits(value: dict | None) -> list[Lit]:
    return [_tuple_new(Lit, (text, lang, None)) for lang, text in sorted((value or {}).items()) if text]


def date_time(value: dt.datetime | str) -> Lit:
    if value.__class__ is str:  # the PostgreSQL stream reads timestamps already written as xsd:dateTime
        return _tuple_new(Lit, (value, None, XSD_DATETIME))
    if value.utcoffset():  # naive or aware values come in UTC already; isoformat is 4x strftime
        value = value.astimezone(dt.timezone.utc)
    return _tuple_new(Lit, (value.isoformat(timespec="seconds")[:19] + "Z", None, XSD_DATETIME))


def date(value: dt.date | str) -> Lit:
    return _tuple_new(Lit, (value if value.__class__ is str else value.isoformat(), None, XSD_DATE))


def compact_id(value: uuid.UUID | str) -> str:
    """A UUID's 32 hex digits (blank node labels), from the UUID or its text (the PostgreSQL stream)."""
    return value.replace("-", "") if value.__class__ is str else value.hex


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def emitter(row):
    """One crosswalk row (the simple kinds; `nested` rows are hand-written) compiled to a function
    `emit(own, more, subject, value, concepts)`: triples about `subject` go to `own`, triples about
    other nodes to `more` (so each subject's triples stay together), vocabulary terms to `concepts`.
    Compiled once per profile, since the feed calls each about 100,000 times."""
    kind, pred, cls, scheme = row.kind, row.predicate, row.cls, row.scheme
    rdf_type = P["type"]
    if kind == "literal":
        def emit(own, more, subject, value, concepts):
            if not _empty(value):
                own.append((subject, pred, _tuple_new(Lit, (str(value), None, None))))
    elif kind == "lang-literal":
        def emit(own, more, subject, value, concepts):
            if value:
                own += [(subject, pred, literal) for literal in lang_lits(value)]
    elif kind == "lang-list":
        def emit(own, more, subject, value, concepts):
            if value:
                for lang, words in sorted(value.items()):
                    own += [(subject, pred, _tuple_new(Lit, (w, lang, None))) for w in dict.fromkeys(words) if w]
    elif kind == "uri":
        def emit(own, more, subject, value, concepts):
            if not _empty(value):
                own.append((subject, pred, value))
                if cls:
                    more.append((value, rdf_type, cls))
    elif kind == "concept":
        def emit(own, more, subject, value, concepts):
            if _empty(value):
                return
            for uri in value if isinstance(value, list) else (value,):
                own.append((subject, pred, uri))
                if uri not in concepts:
                    concepts[uri] = (cls, scheme)
    elif kind == "date":
        def emit(own, more, subject, value, concepts):
            if value is not None:
                own.append((subject, pred, date_time(value)))
    elif kind == "agent":
        def emit(own, more, subject, value, concepts):
            if not _empty(value):
                own.append((subject, pred, value))
    else:
        raise ValueError(f"crosswalk kind {kind!r} has no emitter")
    emit.field = row.field
    return emit
