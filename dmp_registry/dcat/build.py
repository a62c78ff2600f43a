"""Records → triples (light terms). Simple fields walk the crosswalk; the rest is written out here
(contact point, temporal and spatial coverage, identifiers, distributions, provenance).

Each builder writes the triples about its own subject to `own` and those about other nodes to
`more`, and appends `more` after `own`: every subject's triples stay together, so the writers can
group them by runs instead of hashing 2.6 million triples per 100,000 datasets. Nodes shared by
many records (roles, vocabulary terms) go to `concepts` and are described once per document."""
from __future__ import annotations

import math
from functools import lru_cache

from ..vocabularies.service import concept_cache
from . import uris
from .crosswalk import crosswalk
from .terms import C, P, WKT, XSD_ANYURI, XSD_DATE, XSD_HEX, Blank, Settings, compact_id, date, emitter, lang_lits, lit

NESTED_OR_SPECIAL = {"id", "publisher", "byte_size", "licence", "endpoint_urls"}
AUTHOR_ROLE = "http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/author"
SOURCE_ROLE = "http://www.iana.org/assignments/relation/via"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
LANGUAGE_SCHEME = "http://publications.europa.eu/resource/authority/language"
LICENCES = "http://publications.europa.eu/resource/authority/licence"
THEMES = "http://publications.europa.eu/resource/authority/data-theme"
LANG_CODES = {"nb": "NOB", "nn": "NNO", "en": "ENG", "no": "NOR"}


ROLE = "role"  # `concepts` marker: a node typed dcat:Role once per document, not a skos:Concept


@lru_cache(maxsize=None)
def simple_rows(profile: str, entity: str) -> tuple:
    """The crosswalk rows written by emitters (not nested, not special), compiled once per profile."""
    return tuple(emitter(r) for r in crosswalk(profile, entity) if r.kind != "nested" and r.field not in NESTED_OR_SPECIAL)


@lru_cache(maxsize=None)
def _licence_row(profile: str):
    return emitter(next(r for r in crosswalk(profile, "distribution") if r.field == "licence"))


def catalog_triples(s: Settings, out: list, concepts: dict) -> str:
    """The catalogue node and its publisher (not its dcat:dataset links: those follow each batch)."""
    cat = uris.catalog_uri(s.base)
    out += [(cat, P["type"], C["Catalog"]), (cat, P["identifier"], lit(cat)), (cat, P["publisher"], s.publisher),
            (cat, P["homepage"], s.catalog_homepage), (cat, P["license"], s.catalog_licence),
            (cat, P["issued"], lit(s.catalog_issued, None, XSD_DATE)), (cat, P["themeTaxonomy"], THEMES)]
    out += [(cat, P["title"], value) for value in lang_lits(s.catalog_title)]
    out += [(cat, P["description"], value) for value in lang_lits(s.catalog_description)]
    for code in s.languages:
        language = LANGUAGE + LANG_CODES.get(code, code.upper())
        out.append((cat, P["language"], language))
        concepts.setdefault(language, (C["LinguisticSystem"], LANGUAGE_SCHEME))
    out += [(THEMES, P["type"], C["ConceptScheme"]), (THEMES, P["title"], lit("Data theme", "en")),
            (THEMES, P["title"], lit("Datatema", "nb")), (s.catalog_homepage, P["type"], C["Document"])]
    concepts.setdefault(s.catalog_licence, (C["LicenseDocument"], LICENCES))
    publisher_triples(s, out)
    return cat


def publisher_triples(s: Settings, out: list) -> None:
    pub = s.publisher
    out += [(pub, P["type"], C["Organization"]), (pub, P["type"], C["Agent"]),
            (pub, P["identifier"], lit(pub.rstrip("/").rsplit("/", 1)[-1]))]
    out += [(pub, P["name"], value) for value in lang_lits(s.publisher_name)]


def dataset_triples(s: Settings, rec: dict, out: list, concepts: dict) -> str:
    ds = uris.dataset_uri(rec["id"], s.base)
    own = [(ds, P["type"], C["Dataset"]), (ds, P["identifier"], lit(ds)), (ds, P["publisher"], s.publisher)]
    more: list = []
    for emit in simple_rows(s.profile, "dataset"):
        emit(own, more, ds, rec.get(emit.field), concepts)
    _contact(ds, rec, own, more)
    _creators(s, ds, rec, own, more, concepts)
    _temporal(ds, rec, own, more)
    _spatial(ds, rec, own, more)
    _doi(ds, rec, own, more)
    _project(s, ds, rec, own, more)
    for dist in rec["distributions"]:
        own.append((ds, P["distribution"], uris.distribution_uri(dist["id"], s.base)))
        distribution_triples(s, dist, rec, more, concepts)
    for flow in rec["flows"]:
        flow_triples(s, ds, flow, own, more, concepts)
    out += own
    out += more
    return ds


def _contact(ds: str, rec: dict, own: list, more: list) -> None:
    contact = rec.get("contact")
    if not contact:
        return
    node = Blank(f"c{compact_id(rec['id'])}")
    # An organisational contact (the unit), reached through the contact person's address: no personal name.
    own.append((ds, P["contactPoint"], node))
    more += [(node, P["type"], C["VOrganization"]), (node, P["type"], C["Kind"])]
    more += [(node, P["fn"], value) for value in lang_lits(contact.get("unit") or {})]
    if contact.get("email"):
        more.append((node, P["hasEmail"], f"mailto:{contact['email']}"))


def _creators(s: Settings, ds: str, rec: dict, own: list, more: list, concepts: dict) -> None:
    for n, person in enumerate(rec["creators"]):
        agent = f"https://orcid.org/{person['orcid']}" if person.get("orcid") else uris.person_uri(person["id"], s.base)
        if n == 0:  # DCAT-AP-NO allows one dct:creator; every creator is a qualified attribution
            own.append((ds, P["creator"], agent))
        node = Blank(f"a{compact_id(rec['id'])}n{n}")
        own.append((ds, P["qualifiedAttribution"], node))
        more += [(node, P["type"], C["Attribution"]), (node, P["agent"], agent), (node, P["hadRole"], AUTHOR_ROLE),
                 (agent, P["type"], C["Person"]), (agent, P["type"], C["Agent"]), (agent, P["name"], lit(person["name"]))]
    if rec["creators"]:
        concepts.setdefault(AUTHOR_ROLE, ROLE)


def _temporal(ds: str, rec: dict, own: list, more: list) -> None:
    start, end = rec.get("temporal_start"), rec.get("temporal_end")
    if not (start or end):
        return
    node = Blank(f"t{compact_id(rec['id'])}")
    own.append((ds, P["temporal"], node))
    more.append((node, P["type"], C["PeriodOfTime"]))
    if start:
        more.append((node, P["startDate"], date(start)))
    if end:
        more.append((node, P["endDate"], date(end)))


def generalised_spatial(spatial: dict | None) -> dict:
    """A sensitive place (nesting site, unexcavated archaeological site) as the public may see it: the
    label, and the bounding box rounded outwards to whole degrees (about 50 × 110 km in Norway); no URI,
    since a gazetteer URI can name the exact site."""
    spatial = spatial or {}
    out = {"label": spatial.get("label")} if spatial.get("label") else {}
    if spatial.get("bbox"):
        w, so, e, n = spatial["bbox"]
        out["bbox"] = [max(-180, math.floor(w)), max(-90, math.floor(so)), min(180, math.ceil(e)), min(90, math.ceil(n))]
        if out["bbox"][0] == out["bbox"][2]:
            out["bbox"][2] = min(180, out["bbox"][2] + 1)
        if out["bbox"][1] == out["bbox"][3]:
            out["bbox"][3] = min(90, out["bbox"][3] + 1)
    return out


def _spatial(ds: str, rec: dict, own: list, more: list) -> None:
    spatial = rec.get("spatial") or {}
    if rec.get("sensitive_location"):
        spatial = generalised_spatial(spatial)
    if not (spatial.get("label") or spatial.get("uri") or spatial.get("bbox")):
        return
    place = spatial.get("uri") or f"{ds}#spatial"
    own.append((ds, P["spatial"], place))
    more.append((place, P["type"], C["Location"]))
    if spatial.get("label"):
        more.append((place, P["prefLabel"], lit(spatial["label"])))
    if spatial.get("bbox"):
        w, so, e, n = spatial["bbox"]
        wkt = f"POLYGON(({w} {so},{e} {so},{e} {n},{w} {n},{w} {so}))"
        more.append((place, P["bbox"], lit(wkt, None, WKT)))


def _doi(ds: str, rec: dict, own: list, more: list) -> None:
    if not rec.get("doi"):
        return
    node = Blank(f"i{compact_id(rec['id'])}")
    own.append((ds, P["adms_identifier"], node))
    more += [(node, P["type"], C["Identifier"]),
             (node, P["notation"], lit(f"https://doi.org/{rec['doi']}", None, XSD_ANYURI)),
             (node, P["schemeAgency"], lit("DataCite"))]


def _project(s: Settings, ds: str, rec: dict, own: list, more: list) -> None:
    project = rec.get("project")
    if not project:
        return
    activity = uris.project_uri(project["id"], s.base)
    own.append((ds, P["wasGeneratedBy"], activity))
    more.append((activity, P["type"], C["Activity"]))
    more += [(activity, P["label"], value) for value in lang_lits(project.get("title"))]


def distribution_triples(s: Settings, dist: dict, rec: dict, out: list, concepts: dict) -> str:
    node = uris.distribution_uri(dist["id"], s.base)
    own = [(node, P["type"], C["Distribution"])]
    more: list = []
    for emit in simple_rows(s.profile, "distribution"):
        emit(own, more, node, dist.get(emit.field), concepts)
    _licence_row(s.profile)(own, more, node, dist.get("licence") or rec.get("licence"), concepts)
    if dist.get("byte_size") is not None:
        own.append((node, "http://www.w3.org/ns/dcat#byteSize", lit(str(dist["byte_size"]), None, s.byte_size_type)))
    if _checksum_allowed(s, dist):
        check = Blank(f"k{compact_id(dist['id'])}")
        # SEMIC's 3.0.1 shapes demand the https form of the SPDX namespace; DCAT-AP-NO the real (http) one
        spdx = "http://spdx.org/rdf/terms#" if s.profile == "dcat-ap-no" else "https://spdx.org/rdf/terms#"
        algorithm = spdx + "checksumAlgorithm_" + dist["checksum_algorithm"].lower().replace("-", "")
        own.append((node, P["checksum"], check))
        more += [(check, P["type"], C["Checksum"]), (check, P["algorithm"], algorithm),
                 (check, P["checksumValue"], lit(dist["checksum_value"].lower(), None, XSD_HEX)),
                 (algorithm, P["type"], "http://spdx.org/rdf/terms#ChecksumAlgorithm")]
    out += own
    out += more
    return node


def _checksum_allowed(s: Settings, dist: dict) -> bool:
    """DCAT-AP-NO 2.0 admits SHA-1 checksums only; DCAT-AP 3 any SPDX algorithm."""
    if not (dist.get("checksum_value") and dist.get("checksum_algorithm")):
        return False
    return s.profile != "dcat-ap-no" or dist["checksum_algorithm"].lower() == "sha1"


def flow_triples(s: Settings, ds: str, flow: dict, own: list, more: list, concepts: dict) -> None:
    """A flow into a dataset: PROV-O derivation (qualified by mechanism and frequency) + DCAT 3 relation."""
    if flow["source_dataset_id"]:
        source = uris.dataset_uri(flow["source_dataset_id"], s.base)
    else:
        source = uris.data_service_uri(flow["source_system_id"], s.base)
    activity = uris.flow_uri(flow["id"], s.base)
    derivation, relation = Blank(f"d{compact_id(flow['id'])}"), Blank(f"r{compact_id(flow['id'])}")
    own += [(ds, P["wasDerivedFrom"], source), (ds, P["qualifiedDerivation"], derivation),
            (ds, P["qualifiedRelation"], relation)]
    more += [(derivation, P["type"], C["Derivation"]), (derivation, P["entity"], source),
             (derivation, P["hadActivity"], activity),
             (relation, P["type"], C["Relationship"]), (relation, P["relation"], source), (relation, P["hadRole"], SOURCE_ROLE),
             (activity, P["type"], C["Activity"]), (activity, P["label"], lit(flow["title"]))]
    if flow.get("mechanism"):
        more.append((activity, P["dct_type"], flow["mechanism"]))
        concepts.setdefault(flow["mechanism"], (C["Concept"], "https://w3id.org/ntnu-vm/dmp-registry/vocab/flow-mechanism"))
    if flow.get("frequency"):
        more.append((activity, P["accrual"], flow["frequency"]))
        concepts.setdefault(flow["frequency"], (C["Frequency"], "http://publications.europa.eu/resource/authority/frequency"))
    concepts.setdefault(SOURCE_ROLE, ROLE)


def service_triples(s: Settings, svc: dict, out: list, concepts: dict) -> str:
    node = uris.data_service_uri(svc["id"], s.base)
    own = [(node, P["type"], C["DataService"]), (node, P["identifier"], lit(node)), (node, P["publisher"], s.publisher)]
    more: list = []
    for emit in simple_rows(s.profile, "data-service"):
        emit(own, more, node, svc.get(emit.field), concepts)
    own.append((node, P["endpointURL"], svc["endpoint_urls"][0]))  # DCAT-AP-NO: exactly one
    own += [(node, P["servesDataset"], uris.dataset_uri(d, s.base)) for d in svc["datasets"]]
    out += own
    out += more
    return node


def concept_triples(concepts: dict, out: list) -> None:
    """Type each vocabulary term used, with its scheme and labels: the shapes check these."""
    for uri in sorted(concepts):
        if concepts[uri] == ROLE:
            out.append((uri, P["type"], C["Role"]))
            continue
        cls, scheme = concepts[uri]
        out += [(uri, P["type"], C["Concept"]), (uri, P["inScheme"], scheme)]
        if cls and cls != C["Concept"]:
            out.append((uri, P["type"], cls))
        info = concept_cache.get(uri)
        if info is not None:
            out += [(uri, P["prefLabel"], lit(text, lang)) for lang, text in sorted(info.labels.items())
                    if lang in ("nb", "nn", "en") and text]
