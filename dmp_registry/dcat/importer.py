"""DCAT import: a foreign (or our own) catalogue → datasets and distributions, created or updated by identifier.

The triples come from `safe_parse.triples` (pyoxigraph's parser; no DTDs or entities, no remote
JSON-LD contexts) and are read one dataset at a time as the document streams by (`rdf_in.Stream`).
Each dcat:Dataset is read back through the crosswalk's inverse into the API's input shape and
checked with the API's own schemas (`DatasetIn`, `DistributionIn`), so an import cannot store what
the API would refuse. New datasets go through `bulk_create_datasets` (history and search outbox
included), a thousand at a time; existing ones (same id) through `DatasetService.update` /
`DistributionService`.

Identity of a dataset: a URI of the form …/datasets/<uuid> gives that uuid (our own feed round-trips
to the same records); otherwise dct:identifier if it is a uuid; otherwise a uuid5 of the dataset URI, so
importing the same foreign catalogue twice updates instead of duplicating.

Not imported (reported as notes): data flows (prov:qualifiedDerivation) and data services — they
describe systems, which the IT-system portfolio owns."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

from .namespaces import PREFIXES, RDF_TYPE
from .rdf_in import Index


class _Namespace:
    """`dct.title` → "http://purl.org/dc/terms/title", the same string object every time: the reader
    looks up ~40 predicates per dataset, and a string made by `+` is hashed anew at each lookup."""

    def __init__(self, base: str):
        self._base = base

    def __getattr__(self, name: str) -> str:
        value = self._base + name
        setattr(self, name, value)
        return value


DCAT = PREFIXES["dcat"]
dcat, dct, skos, adms, foaf, vcard, rdfs, spdx, prov = (
    _Namespace(PREFIXES[p]) for p in ("dcat", "dct", "skos", "adms", "foaf", "vcard", "rdfs", "spdx", "prov"))
XSD_DATETIME, XSD_DATE = PREFIXES["xsd"] + "dateTime", PREFIXES["xsd"] + "date"
EU_THEMES = "http://publications.europa.eu/resource/authority/data-theme/"
UUID_IN = re.compile(r"/(datasets|distributions|people|projects)/([0-9a-fA-F-]{36})$")
WKT_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
LANGS = ("nb", "nn", "en")
CONTACT_NAME = "Kontaktpunkt"


@dataclass
class DatasetReport:
    uri: str
    id: str
    action: str  # create | update | skip
    title: str = ""
    problems: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"uri": self.uri, "id": self.id, "action": self.action, "title": self.title,
                "problems": self.problems, "notes": self.notes}


@dataclass
class ImportReport:
    dry_run: bool
    datasets: list = field(default_factory=list)

    @property
    def counts(self) -> dict:
        out = {"create": 0, "update": 0, "skip": 0}
        for d in self.datasets:
            out[d.action] += 1
        return out

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "counts": self.counts, "datasets": [d.as_dict() for d in self.datasets]}


def _uuid_from(uri: str, kind: str) -> uuid.UUID | None:
    match = UUID_IN.search(uri)
    if match and match.group(1) == kind:
        try:
            return uuid.UUID(match.group(2))
        except ValueError:
            return None
    return None


# Terms as rdf_in.Index holds them: IRIs as str, blank nodes as "_:label", literals as
# (value, lang, datatype) tuples.
def _text(term) -> str:
    return term if term.__class__ is str else term[0]


def _is_iri(term) -> bool:
    return term.__class__ is str and not term.startswith("_:")


def dataset_id_for(g: Index, node: str) -> uuid.UUID:
    found = _uuid_from(node, "datasets") if _is_iri(node) else None
    if found:
        return found
    identifiers = list(g.objects(node, dct.identifier))
    for ident in identifiers:
        try:
            return uuid.UUID(_text(ident))
        except ValueError:
            found = _uuid_from(_text(ident), "datasets")
            if found:
                return found
    key = node if _is_iri(node) else _text(identifiers[0]) if identifiers else node
    return uuid.uuid5(uuid.NAMESPACE_URL, key)


def _lang(g: Index, node, pred: str) -> dict:
    out: dict = {}
    for value in g.objects(node, pred):
        if value.__class__ is tuple:
            lang = (value[1] or "nb").lower().split("-")[0]
            lang = "nb" if lang == "no" else lang
            if lang in LANGS:
                out.setdefault(lang, value[0])
    return out


def _one(g: Index, node, pred: str):
    values = g.objects(node, pred)
    if len(values) < 2:
        return next(iter(values), None)
    return min(values, key=_text)


def _uri(g: Index, node, pred: str) -> str | None:
    value = _one(g, node, pred)
    return value if value is not None and _is_iri(value) else None


def _date(value) -> str | None:
    """The date part of an xsd:date or xsd:dateTime (as written: its own time zone's date)."""
    return None if value is None else _text(value)[:10] or None


def _datetime(value) -> dt.datetime | None:
    if value is None or value.__class__ is not tuple or value[2] not in (XSD_DATETIME, XSD_DATE):
        return None
    text, datatype = value[0], value[2]
    try:
        parsed = dt.datetime.fromisoformat(text[:10] if datatype == XSD_DATE else text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _bbox(wkt: str) -> list | None:
    nums = [float(n) for n in WKT_NUM.findall(wkt)]
    if len(nums) < 4 or len(nums) % 2:
        return None
    xs, ys = nums[0::2], nums[1::2]
    return [min(xs), min(ys), max(xs), max(ys)]


def read_dataset(g: Index, node: str) -> tuple[dict, list[dict], dict]:
    """(dataset fields as DatasetIn takes them + extras, distributions, references to resolve)."""
    data: dict = {"title": _lang(g, node, dct.title), "description": _lang(g, node, dct.description)}
    keywords: dict = {}
    for word in sorted(g.objects(node, dcat.keyword), key=_text):
        lang = ((word[1] if word.__class__ is tuple else None) or "nb").split("-")[0]
        if lang in LANGS:
            keywords.setdefault(lang, []).append(_text(word))
    if keywords:
        data["keywords"] = keywords
    themes = sorted(t for t in g.objects(node, dcat.theme) if _is_iri(t))
    data["themes"] = [t for t in themes if t.startswith(EU_THEMES)]
    data["los_themes"] = [t for t in themes if not t.startswith(EU_THEMES)]
    for key, pred in (("access_rights", dct.accessRights), ("dataset_type", dct.type),
                      ("landing_page", dcat.landingPage)):
        value = _uri(g, node, pred)
        if value:
            data[key] = value
    period = _one(g, node, dct.temporal)
    if period is not None:
        start, end = _one(g, period, dcat.startDate), _one(g, period, dcat.endDate)
        if start is not None:
            data["temporal_start"] = _date(start)
        if end is not None:
            data["temporal_end"] = _date(end)
    place = _one(g, node, dct.spatial)
    if place is not None:
        spatial: dict = {}
        if _is_iri(place) and not place.endswith("#spatial"):
            spatial["uri"] = place
        label = _one(g, place, skos.prefLabel)
        if label is not None:
            spatial["label"] = _text(label)
        bbox = _one(g, place, dcat.bbox)
        if bbox is not None and _bbox(_text(bbox)):
            spatial["bbox"] = _bbox(_text(bbox))
        if spatial:
            data["spatial"] = spatial
    for ident in g.objects(node, adms.identifier):
        notation = _text(_one(g, ident, skos.notation) or "")
        if "doi.org/" in notation:
            data["doi"] = notation.split("doi.org/", 1)[1]
    extra = {"created_at": _datetime(_one(g, node, dct.issued)),
             "updated_at": _datetime(_one(g, node, dct.modified))}
    refs: dict = {"creators": [], "contact_email": None, "project": None}
    first = _uri(g, node, dct.creator)
    agents = {_text(a) for a in (_one(g, attribution, prov.agent)
                                 for attribution in g.objects(node, prov.qualifiedAttribution)) if a is not None}
    ordered = ([first] if first else []) + sorted(agents - {first})
    for agent in ordered:
        refs["creators"].append({"uri": agent, "name": _text(_one(g, agent, foaf.name) or agent)})
    contact = _one(g, node, dcat.contactPoint)
    if contact is not None:
        email = _one(g, contact, vcard.hasEmail)
        if email is not None:
            refs["contact_email"] = _text(email).removeprefix("mailto:")
    activity = _uri(g, node, prov.wasGeneratedBy)
    if activity:
        refs["project"] = {"uri": activity, "title": _lang(g, activity, rdfs.label)}
    refs["has_flows"] = bool(g.objects(node, prov.qualifiedDerivation))
    dists = [read_distribution(g, d) for d in sorted(g.objects(node, dcat.distribution), key=_text)]
    licences = sorted({d["licence"] for d in dists if d.get("licence")})
    if licences:
        data["licence"] = licences[0]
    return {**data, "_extra": extra}, dists, refs


def read_distribution(g: Index, node: str) -> dict:
    dist: dict = {"_uri": node, "_id": _uuid_from(node, "distributions") or uuid.uuid5(uuid.NAMESPACE_URL, node)}
    for key, pred in (("access_url", dcat.accessURL), ("download_url", dcat.downloadURL),
                      ("format", dct.format), ("media_type", dcat.mediaType), ("licence", dct.license)):
        value = _uri(g, node, pred)
        if value:
            dist[key] = value
    for key, pred in (("title", dct.title), ("description", dct.description)):
        value = _lang(g, node, pred)
        if value:
            dist[key] = value
    size = _one(g, node, dcat.byteSize)
    if size is not None:
        try:
            dist["byte_size"] = int(float(_text(size)))
        except ValueError:
            pass
    check = _one(g, node, spdx.checksum)
    if check is not None:
        algorithm = _text(_one(g, check, spdx.algorithm) or "").rsplit("checksumAlgorithm_", 1)[-1]
        value = _one(g, check, spdx.checksumValue)
        if algorithm and value is not None:
            dist["checksum"] = {"algorithm": algorithm.lower(), "value": _text(value).lower()}
    dist["_extra"] = {"created_at": _datetime(_one(g, node, dct.issued)),
                      "updated_at": _datetime(_one(g, node, dct.modified))}
    return dist


def dataset_nodes(g: Index) -> list[str]:
    return sorted(g.subjects_of_type(dcat.Dataset), key=_text)


def closure(g: Index, node: str) -> tuple[list, list, bool]:
    """The nodes `read_dataset` reads for `node`: (its own: the dataset, its blank nodes, distributions
    and their checksums; shared with other datasets: agents, projects, places and contacts with an
    IRI; whether all its own nodes are described yet). For rdf_in.Stream."""
    own, shared = [node], []
    for pred in (dct.temporal, adms.identifier, prov.qualifiedAttribution):
        own += [n for n in g.objects(node, pred) if n.__class__ is str]
    for pred in (dct.spatial, dcat.contactPoint):
        for n in g.objects(node, pred):
            if n.__class__ is str:
                (own if n.startswith(("_:", node + "#")) else shared).append(n)
    for attribution in g.objects(node, prov.qualifiedAttribution):
        shared += [a for a in g.objects(attribution, prov.agent) if a.__class__ is str]
    shared += [n for pred in (dct.creator, prov.wasGeneratedBy) for n in g.objects(node, pred)
               if n.__class__ is str]
    for dist in g.objects(node, dcat.distribution):
        if dist.__class__ is str:
            own.append(dist)
            own += [n for n in g.objects(dist, spdx.checksum) if n.__class__ is str]
    nodes = g.nodes
    return own, shared, all(n in nodes for n in own)


# The predicates read above: the parser keeps only these (rdf_in.index).
READ = frozenset({RDF_TYPE} | {getattr(ns, name) for ns, names in (
    (dct, ("title", "description", "accessRights", "type", "temporal", "spatial", "issued", "modified", "creator",
           "identifier", "format", "license")),
    (dcat, ("keyword", "theme", "landingPage", "startDate", "endDate", "bbox", "contactPoint", "distribution",
            "accessURL", "downloadURL", "mediaType", "byteSize")),
    (skos, ("prefLabel", "notation")), (adms, ("identifier",)), (foaf, ("name",)), (vcard, ("hasEmail",)),
    (rdfs, ("label",)), (spdx, ("checksum", "algorithm", "checksumValue")),
    (prov, ("qualifiedAttribution", "agent", "wasGeneratedBy", "qualifiedDerivation"))) for name in names})


# ---- writing -------------------------------------------------------------------------------
class _Resolver:
    """Find (or, when not a dry run, create) the people and projects a dataset refers to."""

    def __init__(self, identity, unit_id, dry_run: bool):
        self.identity, self.unit_id, self.dry_run = identity, unit_id, dry_run

    def person(self, uri: str, name: str, notes: list):
        from sqlalchemy import select

        from ..core.db import db
        from ..organisation.models import Person

        orcid = uri.rsplit("/", 1)[-1] if "orcid.org/" in uri else None
        person_id = _uuid_from(uri, "people")
        found = None
        if orcid:
            found = db.session.scalar(select(Person).where(Person.orcid == orcid))
        elif person_id:
            found = db.session.get(Person, person_id)
        if found is not None:
            return found.id
        notes.append(f"new person {name!r} ({uri})")
        if self.dry_run:
            return uuid.uuid4()
        person = Person(id=person_id or uuid.uuid5(uuid.NAMESPACE_URL, uri), name=name[:200], orcid=orcid,
                        unit_id=self.unit_id)
        db.session.add(person)
        db.session.flush()
        return person.id

    def contact(self, email: str, notes: list):
        from sqlalchemy import select

        from ..core.db import db
        from ..organisation.models import Person

        found = db.session.scalar(select(Person.id).where(Person.email == email))
        if found is not None:
            return found
        notes.append(f"new contact point {email}")
        if self.dry_run:
            return uuid.uuid4()
        person = Person(id=uuid.uuid5(uuid.NAMESPACE_URL, f"mailto:{email}"), name=email.split("@")[0][:200] or CONTACT_NAME,
                        email=email, unit_id=self.unit_id)
        db.session.add(person)
        db.session.flush()
        return person.id

    def project(self, ref: dict, notes: list):
        from ..core.db import db
        from ..organisation.models import Project, sort_key

        project_id = _uuid_from(ref["uri"], "projects") or uuid.uuid5(uuid.NAMESPACE_URL, ref["uri"])
        if db.session.get(Project, project_id) is not None:
            return project_id
        notes.append(f"new project {ref['uri']}")
        if not self.dry_run:
            title = ref["title"] or {"nb": ref["uri"]}
            db.session.add(Project(id=project_id, title=title, title_sort=sort_key(title), unit_id=self.unit_id))
            db.session.flush()
        return project_id


def import_graph(identity, graph: Index, unit_id, dry_run: bool = False, progress=None) -> ImportReport:
    """Create or update a dataset per dcat:Dataset of `graph`; `dry_run` writes nothing (the caller rolls back)."""
    return import_datasets(identity, ((node, graph) for node in dataset_nodes(graph)), unit_id, dry_run, progress)


def import_document(identity, triples, unit_id, dry_run: bool = False, progress=None, whole=None) -> ImportReport:
    """Import the datasets of a document as they are read (`rdf_in.Stream` over `triples`). A document
    whose order does not allow that is imported again from `whole()` (an `Index` of all of it), after
    what the stream wrote is rolled back."""
    from ..core.db import db
    from ..core.gc_pause import gc_paused
    from .rdf_in import NotStreamable, Stream

    try:
        with db.session.begin_nested():
            # the collector paused while each dataset is parsed (a fifth of the time: millions of acyclic objects)
            datasets = gc_paused(Stream(triples, dcat.Dataset, closure))
            return import_datasets(identity, datasets, unit_id, dry_run, progress)
    except NotStreamable:
        if whole is None:
            raise
        _close(triples)  # a parsing child ends before the document is parsed again
        return import_graph(identity, whole(), unit_id, dry_run, progress)
    finally:
        _close(triples)


def _close(triples) -> None:
    close = getattr(triples, "close", None)
    if close is not None:
        close()


BATCH = 1000  # new datasets per bulk insert


def import_datasets(identity, datasets, unit_id, dry_run: bool = False, progress=None) -> ImportReport:
    """Create or update a dataset per (node, index) of `datasets`."""
    from marshmallow import ValidationError

    from ..core.db import db
    from ..core.errors import InvalidInput
    from ..datasets.models import Dataset, Distribution
    from ..datasets.permissions import DatasetPolicy
    from ..datasets.schemas import DatasetIn, DistributionIn
    from ..datasets.service import dataset_service, distribution_service
    from ..vocabularies.terms import local

    DatasetPolicy().require(identity, "create")
    report = ImportReport(dry_run)
    resolver = _Resolver(identity, unit_id, dry_run)
    dataset_in, dist_in = DatasetIn(), DistributionIn(exclude=("dataset_id",))
    new_items: list = []
    seen_dois: set = set()
    given: set = set()  # ids given so far in this document
    for node, graph in datasets:
        data, dists, refs = read_dataset(graph, node)
        extra = data.pop("_extra")
        dataset_id = dataset_id_for(graph, node)
        existing = db.session.get(Dataset, dataset_id)
        entry = DatasetReport(str(node), str(dataset_id), "update" if existing else "create",
                              next(iter(data["title"].values()), ""))
        report.datasets.append(entry)
        if refs["has_flows"]:
            entry.notes.append("data flows (prov:qualifiedDerivation) are not imported")
        data.update(unit_id=str(unit_id), classification=local("classification", "open"), listed=True)
        if existing is not None:
            data.update(unit_id=str(existing.unit_id), classification=existing.classification)
        try:
            loaded = dataset_in.load(data)
        except ValidationError as exc:
            entry.problems.update(exc.normalized_messages())
            loaded = None
        loaded_dists = []
        for dist in dists:
            payload = {k: v for k, v in dist.items() if not k.startswith("_")}
            try:
                loaded_dists.append((dist, dist_in.load(payload)))
            except ValidationError as exc:
                entry.problems[f"distribution {dist['_uri']}"] = exc.normalized_messages()
        if existing is not None and not entry.problems:  # a new dataset's ids: by batch, in `_create`
            dists = _dist_ids(loaded_dists)
            entry.problems.update(_id_problems(dataset_id, dists, given, *_holders(d for d, _uri in dists)))
        if entry.problems:
            entry.action = "skip"
            continue
        loaded["creator_ids"] = [resolver.person(c["uri"], c["name"], entry.notes) for c in refs["creators"]]
        if refs["contact_email"]:
            loaded["contact_point_id"] = resolver.contact(refs["contact_email"], entry.notes)
        if refs["project"]:
            loaded["project_id"] = resolver.project(refs["project"], entry.notes)
        if existing is None:
            item = {**loaded, "id": dataset_id, **{k: v for k, v in extra.items() if v}}
            item["distributions"] = [{**d, "id": raw["_id"], **{k: v for k, v in raw["_extra"].items() if v}}
                                     for raw, d in loaded_dists]
            new_items.append((item, entry, _dist_ids(loaded_dists)))
            if len(new_items) >= BATCH:
                _create(identity, new_items, seen_dois, given, dry_run)
                new_items = []
        else:
            if not dry_run:
                try:
                    with db.session.begin_nested():
                        # an import overwrites by identifier: it is based on the version now stored
                        dataset_service.update(identity, dataset_id, loaded, existing.version)
                        for raw, dist in loaded_dists:
                            stored = db.session.get(Distribution, raw["_id"])
                            if stored is not None:
                                distribution_service.update(identity, raw["_id"], dist, stored.version)
                            else:  # under the document's id, so the next import updates it
                                distribution_service.create(identity, {**dist, "dataset_id": dataset_id,
                                                                       "id": raw["_id"]})
                except InvalidInput as exc:
                    entry.action = "skip"
                    entry.problems.update(exc.errors or {"record": [exc.message]})
            if not entry.problems:
                given.update((dataset_id, *(raw["_id"] for raw, _d in loaded_dists)))
        if progress:
            progress(1)
    _create(identity, new_items, seen_dois, given, dry_run)
    return report


# Ids come from the document (see the module docstring), so one may already be a record's, or be
# given twice in the document. Each such id is a problem of its dataset: unchecked, the bulk insert
# failed the whole import (409), an update changed another dataset's distribution, and records of
# two types shared a document in the search index (record ids are its document ids).
ID_TAKEN = "Another record has this identifier."
ID_GIVEN_TWICE = "Another dataset or distribution in this document has this identifier."
DISTRIBUTION_ELSEWHERE = "This distribution belongs to another dataset."


def _dist_ids(loaded_dists: list) -> list[tuple]:
    return [(raw["_id"], raw["_uri"]) for raw, _d in loaded_dists]


def _holders(ids) -> tuple[dict, dict]:
    """(distribution id → its dataset's id, other id → the type of the record that has it)."""
    from sqlalchemy import select

    from ..core.db import db, id_chunks, in_ids
    from ..datasets.models import Distribution
    from ..search.registry import types_holding

    ids, owners = list(set(ids)), {}
    for chunk in id_chunks(ids):
        owners.update(db.session.execute(select(Distribution.id, Distribution.dataset_id)
                                         .where(in_ids(Distribution.id, chunk))).all())
    rest = [i for i in ids if i not in owners]
    return owners, (types_holding(rest) if rest else {})


def _id_problems(dataset_id, dists: list[tuple], given: set, owners: dict, held: dict) -> dict:
    """A dataset's problems with the ids the document gives it and its distributions ((id, URI)):
    given to an accepted dataset or distribution before, one record of another type has, or (a
    distribution) one of another dataset has."""
    problems = {}
    if dataset_id in given:
        problems["id"] = [ID_GIVEN_TWICE]
    elif dataset_id in owners or dataset_id in held:  # (an existing dataset's own id is not looked up)
        problems["id"] = [ID_TAKEN]
    own = {dataset_id}
    for dist_id, uri in dists:
        if dist_id in given or dist_id in own:
            problems[f"distribution {uri}"] = {"id": [ID_GIVEN_TWICE]}
        elif dist_id in owners and owners[dist_id] != dataset_id:
            problems[f"distribution {uri}"] = {"id": [DISTRIBUTION_ELSEWHERE]}
        elif held.get(dist_id) is not None:
            problems[f"distribution {uri}"] = {"id": [ID_TAKEN]}
        own.add(dist_id)
    return problems


def _create(identity, batch: list, seen_dois: set, given: set, dry_run: bool) -> None:
    """Bulk-create a batch of (new dataset, its report entry, its distributions' (id, URI)), in
    document order skipping those whose DOI or ids are taken (by records, or by datasets accepted
    earlier in the document); a dry run only reports."""
    from sqlalchemy import select

    from ..core.db import db
    from ..datasets.models import Dataset
    from ..datasets.service import bulk_create_datasets

    dois = [item["doi"] for item, _entry, _dists in batch if item.get("doi")]
    taken = set(db.session.scalars(select(Dataset.doi).where(Dataset.doi.in_(dois)))) if dois else set()
    owners, held = _holders(i for item, _entry, dists in batch for i in (item["id"], *(d for d, _uri in dists)))
    items = []
    for item, entry, dists in batch:
        doi = item.get("doi")
        if doi and (doi in taken or doi in seen_dois):
            entry.problems["doi"] = ["Another dataset has this DOI."]
        entry.problems.update(_id_problems(item["id"], dists, given, owners, held))
        if entry.problems:
            entry.action = "skip"
            continue
        items.append(item)
        given.update((item["id"], *(d for d, _uri in dists)))
        if doi:
            seen_dois.add(doi)
    if items and not dry_run:
        bulk_create_datasets(identity, items, action="import")


def import_bytes(identity, data: bytes, fmt: str, unit_id, dry_run: bool = False, base_iri: str | None = None,
                 progress=None) -> ImportReport:
    """Import a document in `fmt` (safe_parse's names), streamed; UnsafeInput or ValueError for input
    that is refused or unreadable (nothing is written then)."""
    from . import safe_parse

    return import_document(identity, safe_parse.triples(data, fmt, base_iri, progress, streaming=True), unit_id, dry_run,
                           whole=lambda: safe_parse.index(data, fmt, base_iri))
