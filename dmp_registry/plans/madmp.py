"""maDMP: plans as JSON of the RDA DMP Common Standard 1.2, exported and imported without loss.

Export (`export_plan`): the registry *derives* a maDMP document from the plan, its answers (through the
`madmp_path` of each template question, table in mappings/madmp/paths.yaml) and its registry datasets
(identifiers, flags, distributions, storage). A plan that came from an imported document also has a
`MadmpDocument` (madmp_models.py) with the document as imported and the derived document right after the
import (`baseline`). The export merges the three member by member:

    registry value unchanged since the import  → the imported value (absent stays absent)
    registry value changed since the import    → the registry value (a DOI, a new distribution …)

Lists of records the registry knows (datasets, distributions, contributors, projects) are matched by the
registry id each imported item was linked to (`links`), so their order and unlinked items survive.
So export(import(x)) == x for every valid x, and what happens in the registry later shows up in the
next export. Import (`import_madmp`) creates the plan, finds or creates people, the project and the
datasets, and returns the loss report of the coercions madmp_dmponline.normalise made.
"""
from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.db import db
from ..core.errors import InvalidInput, NotFoundError
from ..core.history import record_change
from ..core.identity import Identity
from ..core.progress import progress_bar
from ..datasets.models import Dataset, Distribution
from ..datasets.permissions import DatasetPolicy
from ..organisation.models import Person, Project
from ..vocabularies.models import Concept, pick_label
from ..vocabularies.terms import CONFIDENTIAL_CLASSIFICATIONS, PUBLICATION_PUBLISHED
from .completeness import answer_values, iter_questions, visible_keys
from .madmp_models import MadmpDocument
from .models import Plan, PlanContributor, PlanDataset, TemplateVersion
from .permissions import plan_policy

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "mappings" / "reference" / "madmp" / "schema" / "maDMP-schema-1.2.json"
MAPPING_DIR = ROOT / "mappings" / "madmp"
NAMESPACE = "ntnu_vm_dmp_registry"  # our member of dmp.extension (DMPRoadmap's convention: [{"<ns>": {...}}])
KEYED_LISTS = ("dataset", "distribution", "contributor", "project", "extension")
MERGED_BY_MEMBER = ("dataset", "distribution")  # other keyed items are replaced whole when changed
_MISSING = object()
DOI_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")


# ---- data tables -------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def path_table() -> dict:
    """madmp_path → what the export does with an answer (mappings/madmp/paths.yaml)."""
    return yaml.safe_load((MAPPING_DIR / "paths.yaml").read_text(encoding="utf-8"))["paths"]


@functools.lru_cache(maxsize=None)
def registry_table() -> dict:
    return yaml.safe_load((MAPPING_DIR / "registry.yaml").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def _validator():
    from jsonschema import Draft202012Validator

    # formats too (date, date-time, email, uri): a "created" that is not a time must not be stored as one
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def json_path(parts) -> str:
    """["dmp", "dataset", 0, "title"] → "dmp.dataset[0].title" (the paths of the loss report)."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "$"


def schema_errors(document) -> dict[str, list[str]]:
    """The document's violations of the official 1.2 schema, by JSON path (empty when valid)."""
    errors: dict[str, list[str]] = {}
    for error in sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        errors.setdefault(json_path(error.absolute_path), []).append(error.message[:500])
    return errors


# ---- identifiers -------------------------------------------------------------------------------------
def bare_doi(value: str | None) -> str | None:
    match = DOI_RE.match((value or "").strip())
    return match.group(1) if match else None


def bare_orcid(value: str | None) -> str | None:
    match = ORCID_RE.match((value or "").strip())
    return match.group(1) if match else None


def identifier_object(value: str) -> dict:
    """A registry identifier as a 1.2 identifier object: DOI, ORCID, URL or other."""
    if bare_doi(value):
        return {"identifier": f"https://doi.org/{bare_doi(value)}", "type": "doi"}
    if value.startswith(("http://", "https://")):
        return {"identifier": value, "type": "url"}
    return {"identifier": value, "type": "other"}


def person_id_object(person: Person) -> dict:
    if person.orcid:
        return {"identifier": f"https://orcid.org/{person.orcid}", "type": "orcid"}
    from ..dcat.uris import person_uri

    return {"identifier": person_uri(person.id), "type": "url"}


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plan_uri(plan_id) -> str:
    from ..dcat.uris import base_uri

    return f"{base_uri()}/plans/{plan_id}"


def funder_id_object(funder: str) -> dict:
    for entry in registry_table()["funders"]:
        if funder.casefold() in (name.casefold() for name in entry["names"]):
            return {"identifier": entry["identifier"], "type": "fundref"}
    return identifier_object(funder)


# ---- template questions ------------------------------------------------------------------------------
def questions(version: TemplateVersion):
    """(section, question) of a template version, in order."""
    return iter_questions(version.content)


def answered(value) -> bool:
    return value is not None and value != "" and value != []


# ---- derive: the registry's own maDMP document of a plan ---------------------------------------------
class Deriver:
    """Builds the derived document; keyed list items carry `_key` (the registry id) for the merge."""

    def __init__(self, identity: Identity):
        self.identity = identity
        self.datasets = DatasetPolicy()
        self._labels: dict[str, dict] = {}
        self._matches: dict[str, list] = {}

    # -- concepts (one query per batch, not per label)
    def prime(self, uris) -> None:
        wanted = {u for u in uris if u and u not in self._labels}
        if wanted:
            for concept in db.session.scalars(select(Concept).where(Concept.uri.in_(wanted))):
                self._labels[concept.uri] = concept.pref_label or {}
                self._matches[concept.uri] = concept.exact_match or []
            for uri in wanted:
                self._labels.setdefault(uri, {})

    def label(self, uri: str | None, lang: str) -> str | None:
        if not uri:
            return None
        self.prime([uri])
        return pick_label(self._labels[uri], lang) or uri.rsplit("/", 1)[-1]

    def licence_url(self, uri: str) -> str:
        """The licence's own URL (e.g. creativecommons.org) when the vocabulary aligns one, else the concept URI."""
        self.prime([uri])
        for match in self._matches.get(uri, []):
            if "creativecommons.org" in match or "opendatacommons.org" in match:
                return match
        return uri

    # -- the plan
    def plan(self, plan: Plan) -> dict:
        lang = plan.language
        dmp: dict = {"title": plan.title, "language": registry_table()["languages"].get(lang, "eng"),
                     "created": timestamp(plan.created_at), "modified": timestamp(self.modified(plan)),
                     "dmp_id": identifier_object(plan.dmp_identifier or plan_uri(plan.id))}
        dmp["contact"] = self.contact(plan)
        contributors = self.contributors(plan)
        if contributors:
            dmp["contributor"] = contributors
        if plan.project is not None:
            dmp["project"] = [self.project(plan.project, lang)]
        datasets = [link.dataset for link in plan.dataset_links if self.datasets.can_read(self.identity, link.dataset)]
        dmp["dataset"] = [self.dataset(d, lang) for d in datasets]
        dmp["ethical_issues_exist"] = "unknown"
        self.apply_answers(plan, dmp)
        return dmp

    def modified(self, plan: Plan) -> dt.datetime:
        """The latest change of the plan, its answers, contributors or the registry data it shows."""
        times = [plan.updated_at] + [a.updated_at for a in plan.answers] + [c.updated_at for c in plan.contributors]
        for link in plan.dataset_links:
            times += [link.updated_at, link.dataset.updated_at] + [d.updated_at for d in link.dataset.distributions]
        return max(times)

    def contact(self, plan: Plan) -> dict:
        people = sorted(plan.contributors, key=lambda c: (c.role != "owner", c.created_at))
        person = next((c.person for c in people if c.person.email), None) or (people[0].person if people else None)
        mbox = current_app.config.get("DMP_MAIL_FROM") or "dmp-registry@localhost"
        if person is None:
            from ..dcat.uris import base_uri

            return {"name": "DMP registry", "mbox": mbox, "contact_id": {"identifier": base_uri(), "type": "url"}}
        return {"name": person.name, "mbox": person.email or mbox, "contact_id": person_id_object(person)}

    def contributors(self, plan: Plan) -> list[dict]:
        roles = registry_table()["roles"]
        items: dict[uuid.UUID, dict] = {}
        for contributor in plan.contributors:
            person = contributor.person
            item = items.setdefault(person.id, {"_key": str(person.id), "name": person.name,
                                                "contributor_id": person_id_object(person), "role": []})
            if person.email:
                item["mbox"] = person.email
            role = roles.get(contributor.role, contributor.role)
            if role not in item["role"]:
                item["role"].append(role)
        return list(items.values())

    def project(self, project: Project, lang: str) -> dict:
        from ..dcat.uris import project_uri

        item = {"_key": str(project.id), "title": pick_label(project.title, lang) or "",
                "project_id": [{"identifier": project_uri(project.id), "type": "url"}]}
        if project.start_date:
            item["start"] = project.start_date.isoformat()
        if project.end_date:
            item["end"] = project.end_date.isoformat()
        if project.funder or project.grant_id:
            funding = {"funder_id": funder_id_object(project.funder or "unknown")}
            if project.grant_id:
                funding["grant_id"] = identifier_object(project.grant_id)
            item["funding"] = [funding]
        return item

    # -- datasets
    def dataset(self, dataset: Dataset, lang: str) -> dict:
        from ..dcat.uris import dataset_uri

        dataset_id = ({"identifier": f"https://doi.org/{dataset.doi}", "type": "doi"} if dataset.doi
                      else {"identifier": dataset_uri(dataset.id), "type": "url"})
        item = {"_key": str(dataset.id), "title": pick_label(dataset.title, lang) or "", "dataset_id": dataset_id,
                "language": registry_table()["languages"].get(lang, "eng"),
                "personal_data": "yes" if dataset.contains_personal_data else "no",
                "sensitive_data": "yes" if (dataset.classification in CONFIDENTIAL_CLASSIFICATIONS
                                            or dataset.sensitive_location) else "no"}
        description = pick_label(dataset.description, lang)
        if description:
            item["description"] = description
        keywords = (dataset.keywords or {}).get(lang) or [w for words in (dataset.keywords or {}).values() for w in words]
        if keywords:
            item["keyword"] = list(dict.fromkeys(keywords))
        if dataset.dataset_type:
            item["type"] = self.label(dataset.dataset_type, lang)
        if dataset.publication_status == PUBLICATION_PUBLISHED and dataset.distributions:
            item["issued"] = min(d.created_at for d in dataset.distributions).date().isoformat()
        if dataset.landing_page and not dataset.doi:
            item["alternate_identifier"] = [identifier_object(dataset.landing_page)]
        item["distribution"] = ([self.distribution(dataset, d, lang) for d in dataset.distributions]
                                + [self.storage(dataset, loc, lang) for loc in dataset.storage_locations])
        return item

    def data_access(self, dataset: Dataset) -> str:
        if dataset.access_rights:
            return registry_table()["data_access"].get(dataset.access_rights, "closed")
        return "open" if dataset.listed else "closed"

    def distribution(self, dataset: Dataset, dist: Distribution, lang: str) -> dict:
        from urllib.parse import urlsplit

        item = {"_key": str(dist.id), "title": pick_label(dist.title, lang) or pick_label(dataset.title, lang) or "",
                "data_access": self.data_access(dataset), "access_url": dist.access_url}
        description = pick_label(dist.description, lang)
        if description:
            item["description"] = description
        if dist.download_url:
            item["download_url"] = dist.download_url
        media = dist.media_type.rsplit("media-types/", 1)[-1] if dist.media_type else None
        formats = [media] if media else ([self.label(dist.format, "en")] if dist.format else [])
        if formats:
            item["format"] = formats
        if dist.byte_size is not None:
            item["byte_size"] = dist.byte_size
        licence = dist.licence or dataset.licence
        if licence:
            item["license"] = [{"license_ref": self.licence_url(licence), "start_date": dist.created_at.date().isoformat()}]
        parts = urlsplit(dist.access_url)
        if parts.scheme and parts.netloc:
            item["host"] = {"title": parts.netloc, "url": f"{parts.scheme}://{parts.netloc}"}
        return item

    def storage(self, dataset: Dataset, location, lang: str) -> dict:
        """A storage location is where a copy of the data is kept: a distribution with that host."""
        kind = self.label(location.kind, lang)
        host = {"title": kind, "url": location.kind}
        if location.description:
            host["description"] = location.description
        if location.medium:
            host["storage_type"] = self.label(location.medium, lang)
        if location.backed_up:
            host["backup_type"] = "backed up"
        item = {"_key": f"storage:{location.position}", "title": f"{pick_label(dataset.title, lang) or ''} ({kind})",
                "data_access": self.data_access(dataset), "host": host}
        if dataset.volume_bytes is not None:
            item["byte_size"] = dataset.volume_bytes
        return item

    # -- answers through madmp_path
    def apply_answers(self, plan: Plan, dmp: dict) -> None:
        lang, table = plan.language, path_table()
        values = {a.question_key: a.value for a in plan.answers}
        shown = visible_keys(plan.template_version.content, answer_values(plan))
        kept, costs = [], {}
        for section, question in questions(plan.template_version):
            path, value = question.get("madmp_path"), values.get(question["key"])
            rule = table.get(path) if path else None
            if not answered(value) or (rule and rule["target"] == "datasets"):
                continue
            text = pick_label(question.get("text"), lang) or question["key"]
            if question["key"] not in shown:  # its condition no longer holds: not in the standard's fields (the
                # plan does not say it), but the written answer is kept, marked, in our extension
                kept.append({"question": question["key"], "text": text, "madmp_path": path, "value": value,
                             "shown": False})
            elif rule is None or rule["target"] == "extension" or not self.place(rule, value, text, section, lang, dmp, costs):
                kept.append({"question": question["key"], "text": text, "madmp_path": path, "value": value})
        if costs:
            dmp["cost"] = list(costs.values())
        version = plan.template_version
        ours = {"template": {"key": version.template.key, "version": version.number}}
        if kept:
            ours["answers"] = kept
        dmp["extension"] = [{"_key": NAMESPACE, NAMESPACE: ours}]

    def place(self, rule, value, text, section, lang, dmp, costs) -> bool:
        """Write one answer where its madmp_path says; False when there is no place for it in this plan."""
        value = convert(rule["as"], value)
        if value is None:
            return False
        target = rule["target"]
        if target == "dmp":
            dmp[rule["field"]] = value
        elif target == "cost":
            item = costs.setdefault(section["key"], {"title": pick_label(section.get("title"), lang) or section["key"],
                                                     "currency_code": current_app.config["DMP_MADMP_CURRENCY"]})
            item[rule["field"]] = value
        elif target == "dataset":
            if not dmp["dataset"]:
                return False
            for dataset in dmp["dataset"]:
                if rule.get("list"):
                    dataset.setdefault(rule["list"], []).append(list_item(rule["list"], text, rule["field"], value, dmp))
                else:
                    dataset[rule["field"]] = value
        elif target == "host":
            hosts = [d["host"] for ds in dmp["dataset"] for d in ds.get("distribution", [])
                     if d["_key"].startswith("storage:")]
            for host in hosts:
                host[rule["field"]] = value
            return bool(hosts)
        return True


def list_item(name: str, text: str, field_name: str, value, dmp: dict) -> dict:
    """A new item of a per-dataset list with the members 1.2 requires of it."""
    if name == "metadata":  # the standard used is not a template question: say so rather than guess
        return {field_name: value, "language": dmp["language"],
                "metadata_standard_id": {"identifier": "unspecified", "type": "other"}}
    if name == "technical_resource":
        return {"name": text, field_name: value}
    return {"title": text, field_name: value}


def convert(kind: str, value):
    if kind == "booleanish":
        return ("yes" if value else "no") if isinstance(value, bool) else None
    if kind == "number":
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return [text] if kind == "string_list" else text


# ---- merge: derived now × derived at import × imported ----------------------------------------------
def strip_keys(value):
    if isinstance(value, dict):
        return {k: strip_keys(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [strip_keys(v) for v in value]
    return value


def merge_object(original: dict, links: dict, baseline: dict, now: dict) -> dict:
    out = {}
    for key in list(original) + [k for k in now if k not in original and not k.startswith("_")]:
        if key in KEYED_LISTS and (key in now or key in baseline) and isinstance(original.get(key, []), list):
            merged = merge_list(key, original.get(key), (links or {}).get(key), baseline.get(key) or [], now.get(key) or [])
            if merged is not None:
                out[key] = merged
        elif key in now or key in baseline:
            if now.get(key, _MISSING) == baseline.get(key, _MISSING):
                if key in original:
                    out[key] = original[key]
            elif key in now:
                out[key] = strip_keys(now[key])
        else:
            out[key] = original[key]
    return out


def merge_list(name: str, original: list | None, links: list | None, baseline: list, now: list) -> list | None:
    before = {item["_key"]: item for item in baseline}
    current = {item["_key"]: item for item in now}
    out, seen = [], set()
    for item, link in zip(original or [], links or [None] * len(original or [])):
        if not link:
            out.append(item)  # an item the registry has no record of: kept as imported
            continue
        key = link["key"]
        if key not in current:
            continue  # the record left the plan (or the reader may not see it)
        seen.add(key)
        if name in MERGED_BY_MEMBER:
            out.append(merge_object(item, link.get("links") or {}, before.get(key, {}), current[key]))
        else:
            out.append(item if current[key] == before.get(key) else strip_keys(current[key]))
    for key, item in current.items():
        if key not in seen and before.get(key) != item:
            out.append(strip_keys(item))  # new in the registry since the import (or changed)
    return out if (out or original is not None) else None


# ---- export ------------------------------------------------------------------------------------------
PLAN_OPTIONS = (
    selectinload(Plan.answers), selectinload(Plan.contributors).selectinload(PlanContributor.person),
    selectinload(Plan.project), selectinload(Plan.template_version).selectinload(TemplateVersion.template),
    selectinload(Plan.dataset_links).selectinload(PlanDataset.dataset).options(
        selectinload(Dataset.distributions), selectinload(Dataset.storage_locations)),
)


def read_plan(identity: Identity, plan_id) -> Plan:
    plan = db.session.get(Plan, plan_id, options=PLAN_OPTIONS) if isinstance(plan_id, uuid.UUID) else None
    if plan is None or not plan_policy.can_read(identity, plan):
        raise NotFoundError(f"No plan with id {plan_id}")
    return plan


def import_report(identity: Identity, plan_id) -> MadmpDocument | None:
    """How the plan was imported (source, when, by whom, loss report); None for a plan written here."""
    plan = read_plan(identity, plan_id)
    return db.session.scalar(select(MadmpDocument).where(MadmpDocument.plan_id == plan.id))


def export_plan(identity: Identity, plan_id) -> dict:
    """The plan as a maDMP 1.2 document ({"dmp": …}), valid against the official schema."""
    plan = read_plan(identity, plan_id)
    document = db.session.scalar(select(MadmpDocument).where(MadmpDocument.plan_id == plan.id))
    return render(Deriver(identity), plan, document)


def render(deriver: Deriver, plan: Plan, document: MadmpDocument | None) -> dict:
    now = deriver.plan(plan)
    if document is None:
        return {"dmp": strip_keys(now)}
    dmp = merge_object(document.original, document.links, document.baseline, now)
    return {**document.root, "dmp": dmp}


def export_plans(identity: Identity, plan_ids=None, batch: int = 100):
    """(plan, document) for many plans, loaded in batches (CLI, benchmark)."""
    if plan_ids is None:
        plan_ids = db.session.scalars(select(Plan.id).where(plan_policy.read_filter(identity, Plan)).order_by(Plan.id)).all()
    deriver = Deriver(identity)
    for start in range(0, len(plan_ids), batch):
        chunk = plan_ids[start:start + batch]
        plans = {p.id: p for p in db.session.scalars(select(Plan).where(Plan.id.in_(chunk)).options(*PLAN_OPTIONS))}
        documents = {d.plan_id: d for d in db.session.scalars(select(MadmpDocument).where(MadmpDocument.plan_id.in_(chunk)))}
        for plan_id in chunk:
            plan = plans.get(plan_id)
            if plan is not None and plan_policy.can_read(identity, plan):
                yield plan, render(deriver, plan, documents.get(plan_id))
        db.session.expunge_all()  # keep memory flat over thousands of plans


# ---- import ------------------------------------------------------------------------------------------
@dataclass
class ImportResult:
    plan: Plan
    losses: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = "madmp"


MAX_DEPTH = 64  # maDMP 1.2 itself nests about 8 levels; deeper input would only exhaust Python's recursion


def storage_problems(document) -> dict[str, list[str]]:
    """What the registry cannot keep although JSON allows it, by JSON path: nesting deeper than MAX_DEPTH
    (Python's recursion) and NUL characters (PostgreSQL refuses them in text and JSON). Checked without recursion."""
    stack, problems = [(document, [])], {}
    while stack and len(problems) < 50:
        item, path = stack.pop()
        if isinstance(item, (dict, list)):
            if len(path) >= MAX_DEPTH:
                return {json_path(path) or "$": [f"Nested deeper than {MAX_DEPTH} levels; no maDMP document is."]}
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str) and "\x00" in key:
                    problems[json_path(path) or "$"] = ["A member name contains a NUL character."]
                stack.append((child, path + [key]))
        elif isinstance(item, str) and "\x00" in item:
            problems[json_path(path)] = ["Text must not contain NUL characters."]
    return problems


def import_madmp(identity: Identity, data, *, project_id=None, unit_id=None, template_key: str | None = None,
                 source: str | None = None) -> ImportResult:
    """Create a plan (and its people, project and datasets) from a maDMP 1.2 or DMPonline RDA document."""
    from . import madmp_dmponline

    plan_policy.require(identity, "create")
    if not isinstance(data, dict):
        raise InvalidInput("The document is not valid maDMP 1.2", errors={"$": ["A JSON object with a 'dmp' member."]})
    problems = storage_problems(data)
    if problems:
        raise InvalidInput("The document is not valid maDMP 1.2", errors=problems)
    source = source or madmp_dmponline.detect_source(data)
    data, losses = madmp_dmponline.normalise(copy.deepcopy(data), source)
    errors = schema_errors(data)
    if errors:
        raise InvalidInput("The document is not valid maDMP 1.2", errors=errors)
    dmp = data["dmp"]
    importer = Importer(identity, unit_id)
    plan, links = importer.run(dmp, project_id, template_key)
    losses += importer.losses
    db.session.flush()
    db.session.expire(plan)
    plan = read_plan(identity, plan.id)
    baseline = Deriver(identity).plan(plan)
    document = MadmpDocument(plan_id=plan.id, source=source, root={k: v for k, v in data.items() if k != "dmp"},
                             original=dmp, links=links, baseline=baseline, losses=losses, imported_by_id=identity.user_id)
    db.session.add(document)
    db.session.flush()
    record_change(identity, "plan", plan.id, "update", {"madmp_import": None},
                  {"madmp_import": {"source": source, "losses": len(losses)}}, plan.version)
    notes = madmp_dmponline.notes(source)
    return ImportResult(plan, losses, notes, source)


class Importer:
    """Finds or creates the registry records a document names; remembers which item became which record."""

    def __init__(self, identity: Identity, unit_id=None):
        self.identity = identity
        self.unit_id = unit_id
        self.people: dict[str, Person] = {}
        self.losses: list[dict] = []  # what the registry's records could not hold, as the normaliser reports

    def fit(self, path: str, text: str, limit: int) -> str:
        """`text` cut to a registry column's `limit`, reported in the loss report (the stored
        original document, and so the export, keeps it whole)."""
        if len(text) <= limit:
            return text
        self.report(path, "shortened", text, text[:limit],
                    f"the registry keeps {limit} characters here; the maDMP export keeps the original")
        return text[:limit]

    def report(self, path: str, action: str, original, value, reason: str) -> None:
        if all(loss["path"] != path for loss in self.losses):  # the contact is read twice
            self.losses.append({"path": path, "action": action, "original": original, "value": value,
                                "reason": reason})

    def run(self, dmp: dict, project_id, template_key) -> tuple[Plan, dict]:
        from .service import plan_service

        lang = registry_table()["import_languages"].get(dmp["language"], "en")
        self.lang = lang
        project, project_links = self.projects(dmp.get("project"), project_id)
        version = import_template_version(template_key)
        data = {"title": self.fit("dmp.title", dmp["title"], 300) or "maDMP", "language": lang,
                "project_id": project.id, "template_version_id": version.id,
                "dmp_identifier": self.fit("dmp.dmp_id.identifier", dmp["dmp_id"]["identifier"], 500)}
        if self.identity.person_id is None:  # a curator or the system imports: the contact owns the plan
            contact = dmp["contact"]
            owner = self.person(contact["name"], contact.get("mbox"), contact.get("contact_id"), "dmp.contact")
            if owner is not None:
                data["owner_id"] = owner.id
        plan = plan_service.create(self.identity, data)
        links = {"project": project_links}
        links["contributor"] = self.contributors(plan, dmp)
        links["dataset"] = self.datasets(plan, dmp["dataset"], project)
        self.answers(plan, version, dmp)
        links["extension"] = [{"key": NAMESPACE} if isinstance(e, dict) and NAMESPACE in e else None
                              for e in dmp.get("extension") or []] if isinstance(dmp.get("extension"), list) else None
        return plan, links

    # -- project
    def projects(self, items: list | None, project_id) -> tuple[Project, list]:
        from ..organisation.service import project_service

        items = items or []
        if project_id is not None:
            try:
                project = project_service.read(self.identity, project_id)
            except NotFoundError:
                raise InvalidInput(errors={"project_id": [f"Unknown project: {project_id}"]}) from None
        else:
            project = self.find_project(items[0]) if items else None
            if project is None:
                project = self.create_project(items[0] if items else None)
        return project, [{"key": str(project.id)}] + [None] * (len(items) - 1) if items else []

    def find_project(self, item: dict) -> Project | None:
        for funding in item.get("funding") or []:
            grant = (funding.get("grant_id") or {}).get("identifier")
            if grant:
                found = db.session.scalar(select(Project).where(Project.grant_id == grant).limit(1))
                if found is not None:
                    return found
        from ..dcat.uris import project_uri

        for ident in item.get("project_id") or []:
            for project in db.session.scalars(select(Project).where(Project.id.in_(_uuids_in(ident["identifier"])))):
                if project_uri(project.id) == ident["identifier"]:
                    return project
        return None

    def create_project(self, item: dict | None) -> Project:
        from ..organisation.schemas import ProjectIn
        from ..organisation.service import project_service

        payload = {"title": {self.lang: self.fit("dmp.project[0].title", (item or {}).get("title") or self.dmp_title(),
                                                 2000)},
                   "unit_id": str(self.unit()) if self.unit() else None}
        funding = next(iter((item or {}).get("funding") or []), None)
        if funding:
            payload["funder"] = self.fit("dmp.project[0].funding[0].funder_id", _funder_name(funding["funder_id"]), 300)
            if funding.get("grant_id"):
                payload["grant_id"] = self.fit("dmp.project[0].funding[0].grant_id.identifier",
                                               funding["grant_id"]["identifier"], 200)
        for ours, theirs in (("start_date", "start"), ("end_date", "end")):
            if item and _iso_date(item.get(theirs)):
                payload[ours] = item[theirs]
        if payload.get("start_date") and payload.get("end_date") and payload["start_date"] > payload["end_date"]:
            payload.pop("end_date")
        return project_service.create(self.identity, _load(ProjectIn(), payload, "dmp.project[0]"))

    def dmp_title(self) -> str:
        return "maDMP import"

    def unit(self):
        return self.unit_id or self.identity.unit_id

    # -- people
    def person(self, name: str, mbox: str | None, ids, path: str) -> Person | None:
        from ..organisation.permissions import PersonPolicy
        from ..organisation.schemas import PersonIn
        from ..organisation.service import person_service

        ids = ids if isinstance(ids, list) else [ids] if ids else []
        orcid = next((bare_orcid(i.get("identifier")) for i in ids if bare_orcid(i.get("identifier"))), None)
        if orcid and _valid_orcid(orcid):
            found = db.session.scalar(select(Person).where(Person.orcid == orcid))
            if found is not None:
                return found
        else:
            orcid = None
        if mbox:
            found = db.session.scalar(select(Person).where(func.lower(Person.email) == mbox.lower()))
            if found is not None:
                return found
        if not PersonPolicy().can_create(self.identity):
            return None  # kept as imported in the document; a curator can link the person later
        payload = {"name": self.fit(f"{path}.name", name or mbox or "?", 200),
                   "email": mbox if mbox and len(mbox) <= 320 else None,
                   "orcid": orcid}
        try:
            data = PersonIn().load(payload)
        except Exception:  # an e-mail address the registry would refuse: keep the person without it
            data = PersonIn().load({**payload, "email": None})
        if mbox and not data.get("email"):
            self.report(f"{path}.mbox", "dropped", mbox, None,
                        "not an e-mail address the registry accepts; the person was created without it")
        return person_service.create(self.identity, data)

    def contributors(self, plan: Plan, dmp: dict) -> list | None:
        from .service import plan_service

        existing = {c.person_id for c in plan.contributors}
        manages = plan_policy.can_manage(self.identity, plan)

        def add(person: Person | None, role: str):
            if person is None or person.id in existing:
                return
            existing.add(person.id)
            if manages:
                plan_service.add_contributor(self.identity, plan.id, person.id, role)
            else:  # a curator importing for someone else: the document names the contributors
                plan.contributors.append(PlanContributor(person_id=person.id, role=role))
                db.session.flush()

        contact = dmp["contact"]
        add(self.person(contact["name"], contact.get("mbox"), contact.get("contact_id"), "dmp.contact"), "co_author")
        links = None
        if "contributor" in dmp:
            links = []
            for i, item in enumerate(dmp["contributor"]):
                person = self.person(item["name"], item.get("mbox"), item.get("contributor_id"), f"dmp.contributor[{i}]")
                roles = " ".join(item.get("role") or []).casefold()
                add(person, "reviewer" if "review" in roles else "co_author")
                links.append({"key": str(person.id)} if person is not None else None)
            links = _first_only(links)
        return links

    # -- datasets
    def datasets(self, plan: Plan, items: list, project: Project) -> list:
        from . import madmp_dmponline
        from .service import plan_service

        links, linked = [], set()
        for index, item in enumerate(items):
            dataset = madmp_dmponline.find_dataset(self.identity, item) or self.register(item, project, index)
            if dataset.id in linked:
                links.append(None)  # the document lists one registry dataset twice: the second stays as imported
                continue
            linked.add(dataset.id)
            plan_service.add_dataset(self.identity, plan.id, dataset.id)
            by_url = {}
            for dist in dataset.distributions:
                by_url.setdefault(dist.access_url, dist)
                if dist.download_url:
                    by_url.setdefault(dist.download_url, dist)
            dist_links, used = [], set()
            for dist_item in item.get("distribution") or []:
                match = by_url.get(dist_item.get("access_url")) or by_url.get(dist_item.get("download_url"))
                if match is not None and match.id not in used:
                    used.add(match.id)
                    dist_links.append({"key": str(match.id)})
                else:
                    dist_links.append(None)
            links.append({"key": str(dataset.id), "links": {"distribution": dist_links}})
        return links

    def register(self, item: dict, project: Project, index: int) -> Dataset:
        from . import madmp_dmponline
        from ..datasets.schemas import DatasetIn
        from ..datasets.service import dataset_service

        unit = self.unit() or project.unit_id
        if unit is None:
            raise InvalidInput(errors={f"dmp.dataset[{index}]": [
                "The dataset is not in the registry and there is no unit to register it in: give unit_id."]})
        payload = madmp_dmponline.dataset_payload(item, self.lang, unit, project.id)
        return dataset_service.create(self.identity, _load(DatasetIn(), payload, f"dmp.dataset[{index}]",
                                                           optional=("landing_page", "doi", "keywords", "description")))

    # -- answers the template keys to a dmp-level path
    def answers(self, plan: Plan, version: TemplateVersion, dmp: dict) -> None:
        from .service import plan_service

        table = path_table()
        for _section, question in questions(version):
            rule = table.get(question.get("madmp_path") or "")
            if not rule or not rule.get("import") or rule["field"] not in dmp:
                continue
            value = dmp[rule["field"]]
            if rule["as"] == "booleanish":
                if value not in ("yes", "no"):
                    continue
                value = value == "yes"
            if question.get("type") in ("text", "richtext") or rule["as"] == "booleanish":
                try:
                    plan_service.save_answer(self.identity, plan.id, question["key"], value, None)
                except InvalidInput:
                    continue  # e.g. control characters: the answer stays empty, the document keeps the text
        self.kept_answers(plan, version, dmp)

    def kept_answers(self, plan: Plan, version: TemplateVersion, dmp: dict) -> None:
        """Answers our own export kept in its extension come back as answers when the template is the same."""
        from .service import plan_service

        ours = next((e[NAMESPACE] for e in dmp.get("extension") or [] if isinstance(e, dict)
                     and isinstance(e.get(NAMESPACE), dict)), None) if isinstance(dmp.get("extension"), list) else None
        if not ours or (ours.get("template") or {}).get("key") != version.template.key:
            return
        keys = {q["key"] for _s, q in questions(version) if q.get("type") != "datasets"}
        keys -= {a.question_key for a in plan.answers}  # answered from a standard field: that field wins
        for item in ours.get("answers") or []:
            if isinstance(item, dict) and item.get("question") in keys and answered(item.get("value")):
                try:
                    plan_service.save_answer(self.identity, plan.id, item["question"], item["value"], None)
                except InvalidInput:
                    continue  # an answer this template version would not take: it stays in the document
                keys.discard(item["question"])  # a repeated question: the first answer counts, the document keeps all


def import_template_version(template_key: str | None) -> TemplateVersion:
    """The newest published version of the template imports go to (DMP_MADMP_IMPORT_TEMPLATE, else
    Science Europe): its questions keyed to dmp.description / ethical issues receive the imported text."""
    from .models import PlanTemplate

    key = template_key or current_app.config["DMP_MADMP_IMPORT_TEMPLATE"]
    version = db.session.scalar(
        select(TemplateVersion).join(PlanTemplate).where(PlanTemplate.key == key, TemplateVersion.status == "published")
        .order_by(TemplateVersion.number.desc()).limit(1))
    if version is None:
        raise InvalidInput(errors={"template": [f"No published version of the template '{key}' to import into."]})
    return version


def _load(schema, payload: dict, path: str, optional=()) -> dict:
    """Validated service input; members in `optional` the registry refuses are left out (the document keeps them)."""
    from marshmallow import ValidationError

    payload = {k: v for k, v in payload.items() if v is not None}
    try:
        return schema.load(payload)
    except ValidationError as exc:
        if optional and set(exc.messages) <= set(optional):
            return _load(schema, {k: v for k, v in payload.items() if k not in exc.messages}, path)
        raise InvalidInput("The document cannot be registered",
                           errors={f"{path}.{k}": v if isinstance(v, list) else [str(v)] for k, v in exc.messages.items()})


def _uuids_in(text: str) -> list[uuid.UUID]:
    found = []
    for match in re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text or "", re.I):
        found.append(uuid.UUID(match))
    return found


def _first_only(links: list) -> list:
    """A person listed twice links only the first item; the second is kept as imported."""
    seen, out = set(), []
    for link in links:
        if link and link["key"] in seen:
            out.append(None)
        else:
            out.append(link)
            if link:
                seen.add(link["key"])
    return out


def _valid_orcid(orcid: str) -> bool:
    from marshmallow import ValidationError

    from ..organisation.schemas import valid_orcid

    try:
        valid_orcid(orcid)
    except ValidationError:
        return False
    return True


def _funder_name(funder_id: dict) -> str:
    for entry in registry_table()["funders"]:
        if funder_id.get("identifier", "").endswith(entry["identifier"]):
            return entry["names"][0]
    return funder_id.get("identifier", "")


def _iso_date(value) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


# ---- CLI bodies (to be wired as `dmp plans export-madmp DIR` / `dmp plans import-madmp FILE…`) ---------
def export_to_directory(identity: Identity, directory: Path, progress=None) -> int:
    """Write <plan id>.json for every plan `identity` may read; returns the count."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ids = db.session.scalars(select(Plan.id).where(plan_policy.read_filter(identity, Plan)).order_by(Plan.id)).all()
    count = 0
    with progress_bar(progress, len(ids), "Exporting plans as maDMP") as bar:
        for plan, document in export_plans(identity, ids):
            (directory / f"{plan.id}.json").write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
            count += 1
            bar.update(1)
    return count


def import_files(identity: Identity, paths, progress=None, **options) -> list[tuple[Path, ImportResult | Exception]]:
    """Import each file in its own transaction; a bad file is reported, not fatal."""
    from ..core.uow import unit_of_work

    results = []
    with progress_bar(progress, len(paths), "Importing maDMP files") as bar:
        for path in map(Path, paths):
            try:
                with unit_of_work():
                    results.append((path, import_madmp(identity, json.loads(path.read_text(encoding="utf-8")), **options)))
            except (InvalidInput, NotFoundError, ValueError) as exc:
                results.append((path, exc))
            bar.update(1)
    return results
