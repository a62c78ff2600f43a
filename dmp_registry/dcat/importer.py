"""DCAT import: a foreign (or our own) catalogue → datasets and distributions, created or updated by identifier.

The graph comes from `safe_parse` (no DTDs/entities, no remote JSON-LD contexts). Each dcat:Dataset is
read back through the crosswalk's inverse into the API's input shape and checked with the API's own
schemas (`DatasetIn`, `DistributionIn`), so an import cannot store what the API would refuse. New datasets
go through `bulk_create_datasets` (history and search outbox included); existing ones (same id) through
`DatasetService.update` / `DistributionService`.

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

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from .namespaces import PREFIXES

DCAT, DCT = PREFIXES["dcat"], PREFIXES["dct"]
U = lambda ns, local: URIRef(PREFIXES[ns] + local)  # noqa: E731
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
    match = UUID_IN.search(str(uri))
    if match and match.group(1) == kind:
        try:
            return uuid.UUID(match.group(2))
        except ValueError:
            return None
    return None


def dataset_id_for(graph: Graph, node) -> uuid.UUID:
    found = _uuid_from(node, "datasets") if isinstance(node, URIRef) else None
    if found:
        return found
    for ident in graph.objects(node, U("dct", "identifier")):
        try:
            return uuid.UUID(str(ident))
        except ValueError:
            found = _uuid_from(str(ident), "datasets")
            if found:
                return found
    key = str(node) if isinstance(node, URIRef) else str(next(graph.objects(node, U("dct", "identifier")), node))
    return uuid.uuid5(uuid.NAMESPACE_URL, key)


def _lang(graph: Graph, node, pred) -> dict:
    out: dict = {}
    for lit in graph.objects(node, pred):
        if isinstance(lit, Literal):
            lang = (lit.language or "nb").lower().split("-")[0]
            lang = "nb" if lang == "no" else lang
            if lang in LANGS:
                out.setdefault(lang, str(lit))
    return out


def _one(graph: Graph, node, pred):
    values = sorted(graph.objects(node, pred), key=str)
    return values[0] if values else None


def _uri(graph: Graph, node, pred) -> str | None:
    value = _one(graph, node, pred)
    return str(value) if isinstance(value, URIRef) else None


def _date(value) -> str | None:
    if value is None:
        return None
    v = value.toPython() if isinstance(value, Literal) else value
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)[:10] or None


def _datetime(value) -> dt.datetime | None:
    if not isinstance(value, Literal):
        return None
    v = value.toPython()
    if isinstance(v, dt.datetime):
        return v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc)
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day, tzinfo=dt.timezone.utc)
    return None


def _bbox(wkt: str) -> list | None:
    nums = [float(n) for n in WKT_NUM.findall(wkt)]
    if len(nums) < 4 or len(nums) % 2:
        return None
    xs, ys = nums[0::2], nums[1::2]
    return [min(xs), min(ys), max(xs), max(ys)]


def read_dataset(graph: Graph, node) -> tuple[dict, list[dict], dict]:
    """(dataset fields as DatasetIn takes them + extras, distributions, references to resolve)."""
    g = graph
    data: dict = {"title": _lang(g, node, U("dct", "title")), "description": _lang(g, node, U("dct", "description"))}
    keywords: dict = {}
    for lit in sorted(g.objects(node, U("dcat", "keyword")), key=str):
        lang = (getattr(lit, "language", None) or "nb").split("-")[0]
        if lang in LANGS:
            keywords.setdefault(lang, []).append(str(lit))
    if keywords:
        data["keywords"] = keywords
    themes = sorted(str(t) for t in g.objects(node, U("dcat", "theme")) if isinstance(t, URIRef))
    data["themes"] = [t for t in themes if t.startswith(EU_THEMES)]
    data["los_themes"] = [t for t in themes if not t.startswith(EU_THEMES)]
    for key, pred in (("access_rights", U("dct", "accessRights")), ("dataset_type", U("dct", "type")),
                      ("landing_page", U("dcat", "landingPage"))):
        value = _uri(g, node, pred)
        if value:
            data[key] = value
    period = _one(g, node, U("dct", "temporal"))
    if period is not None:
        start, end = _one(g, period, U("dcat", "startDate")), _one(g, period, U("dcat", "endDate"))
        if start is not None:
            data["temporal_start"] = _date(start)
        if end is not None:
            data["temporal_end"] = _date(end)
    place = _one(g, node, U("dct", "spatial"))
    if place is not None:
        spatial: dict = {}
        if isinstance(place, URIRef) and not str(place).endswith("#spatial"):
            spatial["uri"] = str(place)
        label = _one(g, place, U("skos", "prefLabel"))
        if label is not None:
            spatial["label"] = str(label)
        bbox = _one(g, place, U("dcat", "bbox"))
        if bbox is not None and _bbox(str(bbox)):
            spatial["bbox"] = _bbox(str(bbox))
        if spatial:
            data["spatial"] = spatial
    for ident in g.objects(node, U("adms", "identifier")):
        notation = str(_one(g, ident, U("skos", "notation")) or "")
        if "doi.org/" in notation:
            data["doi"] = notation.split("doi.org/", 1)[1]
    extra = {"created_at": _datetime(_one(g, node, U("dct", "issued"))),
             "updated_at": _datetime(_one(g, node, U("dct", "modified")))}
    refs: dict = {"creators": [], "contact_email": None, "project": None}
    first = _uri(g, node, U("dct", "creator"))
    agents = {str(_one(g, a, U("prov", "agent"))) for a in g.objects(node, U("prov", "qualifiedAttribution"))} - {"None"}
    ordered = ([first] if first else []) + sorted(agents - {first})
    for agent in ordered:
        refs["creators"].append({"uri": agent, "name": str(_one(g, URIRef(agent), U("foaf", "name")) or agent)})
    contact = _one(g, node, U("dcat", "contactPoint"))
    if contact is not None:
        email = _one(g, contact, U("vcard", "hasEmail"))
        if email is not None:
            refs["contact_email"] = str(email).removeprefix("mailto:")
    activity = _uri(g, node, U("prov", "wasGeneratedBy"))
    if activity:
        refs["project"] = {"uri": activity, "title": _lang(g, URIRef(activity), U("rdfs", "label"))}
    refs["has_flows"] = any(True for _ in g.objects(node, U("prov", "qualifiedDerivation")))
    dists = [read_distribution(g, d) for d in sorted(g.objects(node, U("dcat", "distribution")), key=str)]
    licences = sorted({d["licence"] for d in dists if d.get("licence")})
    if licences:
        data["licence"] = licences[0]
    return {**data, "_extra": extra}, dists, refs


def read_distribution(g: Graph, node) -> dict:
    dist: dict = {"_uri": str(node),
                  "_id": _uuid_from(node, "distributions") or uuid.uuid5(uuid.NAMESPACE_URL, str(node))}
    for key, pred in (("access_url", U("dcat", "accessURL")), ("download_url", U("dcat", "downloadURL")),
                      ("format", U("dct", "format")), ("media_type", U("dcat", "mediaType")),
                      ("licence", U("dct", "license"))):
        value = _uri(g, node, pred)
        if value:
            dist[key] = value
    for key, pred in (("title", U("dct", "title")), ("description", U("dct", "description"))):
        value = _lang(g, node, pred)
        if value:
            dist[key] = value
    size = _one(g, node, U("dcat", "byteSize"))
    if size is not None:
        try:
            dist["byte_size"] = int(float(str(size)))
        except ValueError:
            pass
    check = _one(g, node, U("spdx", "checksum"))
    if check is not None:
        algorithm = str(_one(g, check, U("spdx", "algorithm")) or "").rsplit("checksumAlgorithm_", 1)[-1]
        value = _one(g, check, U("spdx", "checksumValue"))
        if algorithm and value is not None:
            dist["checksum"] = {"algorithm": algorithm.lower(), "value": str(value).lower()}
    dist["_extra"] = {"created_at": _datetime(_one(g, node, U("dct", "issued"))),
                      "updated_at": _datetime(_one(g, node, U("dct", "modified")))}
    return dist


def dataset_nodes(graph: Graph) -> list:
    return sorted(set(graph.subjects(RDF.type, U("dcat", "Dataset"))), key=str)


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


def import_graph(identity, graph: Graph, unit_id, dry_run: bool = False, progress=None) -> ImportReport:
    """Create or update a dataset per dcat:Dataset of `graph`; `dry_run` writes nothing (the caller rolls back)."""
    from marshmallow import ValidationError

    from ..core.db import db
    from ..core.errors import InvalidInput
    from ..datasets.models import Dataset, Distribution
    from ..datasets.permissions import DatasetPolicy
    from ..datasets.schemas import DatasetIn, DistributionIn
    from ..datasets.service import bulk_create_datasets, dataset_service, distribution_service
    from ..vocabularies.terms import local

    DatasetPolicy().require(identity, "create")
    report = ImportReport(dry_run)
    resolver = _Resolver(identity, unit_id, dry_run)
    dataset_in, dist_in = DatasetIn(), DistributionIn(exclude=("dataset_id",))
    new_items = []
    nodes = dataset_nodes(graph)
    for node in nodes:
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
        if entry.problems:
            entry.action = "skip"
            continue
        loaded["creator_ids"] = [resolver.person(c["uri"], c["name"], entry.notes) for c in refs["creators"]]
        if refs["contact_email"]:
            loaded["contact_point_id"] = resolver.contact(refs["contact_email"], entry.notes)
        if refs["project"]:
            loaded["project_id"] = resolver.project(refs["project"], entry.notes)
        if dry_run:
            continue
        if existing is None:
            item = {**loaded, "id": dataset_id, **{k: v for k, v in extra.items() if v}}
            item["distributions"] = [{**d, "id": raw["_id"], **{k: v for k, v in raw["_extra"].items() if v}}
                                     for raw, d in loaded_dists]
            new_items.append(item)
        else:
            try:
                with db.session.begin_nested():
                    # an import overwrites by identifier: it is based on the version now stored
                    dataset_service.update(identity, dataset_id, loaded, existing.version)
                    for raw, dist in loaded_dists:
                        stored = db.session.get(Distribution, raw["_id"])
                        if stored is not None:
                            distribution_service.update(identity, raw["_id"], dist, stored.version)
                        else:
                            distribution_service.create(identity, {**dist, "dataset_id": dataset_id})
            except InvalidInput as exc:
                entry.action = "skip"
                entry.problems.update(exc.errors or {"record": [exc.message]})
        if progress:
            progress(1)
    if new_items:
        _check_unique_dois(new_items, report)
        new_items = [i for i in new_items if str(i["id"]) not in {d.id for d in report.datasets if d.action == "skip"}]
        for start in range(0, len(new_items), 1000):
            bulk_create_datasets(identity, new_items[start:start + 1000], action="import")
    return report


def _check_unique_dois(items: list, report: ImportReport) -> None:
    from sqlalchemy import select

    from ..core.db import db
    from ..datasets.models import Dataset

    dois = [i["doi"] for i in items if i.get("doi")]
    taken = set(db.session.scalars(select(Dataset.doi).where(Dataset.doi.in_(dois)))) if dois else set()
    seen: set = set()
    by_id = {d.id: d for d in report.datasets}
    for item in items:
        doi = item.get("doi")
        if doi and (doi in taken or doi in seen):
            entry = by_id[str(item["id"])]
            entry.action, entry.problems["doi"] = "skip", ["Another dataset has this DOI."]
        seen.add(doi)


def import_source(identity, source: str, unit_code: str, dry_run: bool = False) -> ImportReport:
    from sqlalchemy import select

    from ..core.db import db
    from ..core.errors import InvalidInput
    from ..organisation.models import Unit
    from .safe_parse import load

    unit_id = db.session.scalar(select(Unit.id).where(Unit.code == unit_code))
    if unit_id is None:
        raise InvalidInput(errors={"unit": [f"Unknown unit code: {unit_code}"]})
    return import_graph(identity, load(source), unit_id, dry_run)
