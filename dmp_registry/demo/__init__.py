"""Demo data: a living registry for newcomers. Loaded through the services, like any user's input."""
from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import yaml

from ..auth.service import user_service
from ..core.identity import system_identity
from ..datasets.schemas import DatasetIn, DistributionIn
from ..datasets.service import dataset_service, distribution_service
from ..organisation.schemas import PersonIn, ProjectIn, UnitIn
from ..organisation.service import person_service, project_service, unit_service
from ..vocabularies.service import concept_cache

DEMO_FILE = Path(__file__).with_name("demo.yaml")
DEMO_PASSWORD = "demo-passord"
#: Areas with their own demo.py (`load_demo(today) -> counts`), loaded in this order.
AREAS_WITH_DEMO = ("priorities", "plans", "programme")


def _term(scheme: str, value: str | None) -> str | None:
    if value is None:
        return None
    info = concept_cache.find(scheme, value)
    if info is None:
        raise ValueError(f"demo data: {value!r} is not in vocabulary {scheme}")
    return info.uri


def load_demo(today: dt.date | None = None) -> dict:
    data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    today = today or dt.date.today()
    units, people, projects = {}, {}, {}
    for unit in data["units"]:
        payload = {"code": unit["code"], "name": unit["name"]}
        if unit.get("parent"):
            payload["parent_id"] = str(units[unit["parent"]])
        units[unit["code"]] = unit_service.create(system_identity, UnitIn().load(payload)).id
    for person in data["people"]:
        end = person.get("employment_end")
        if "employment_end_in_days" in person:
            end = (today + dt.timedelta(days=person["employment_end_in_days"])).isoformat()
        payload = {"name": person["name"], "email": person["email"], "unit_id": str(units[person["unit"]]),
                   "orcid": person.get("orcid"), "employment_end": end}
        people[person["key"]] = person_service.create(system_identity, PersonIn().load(_drop_none(payload))).id
    for account in data["users"]:
        payload = {"username": account["username"], "display_name": account["display_name"],
                   "roles": account["roles"], "password": DEMO_PASSWORD}
        if account.get("person"):
            payload["person_id"] = people[account["person"]]
        user_service.create(system_identity, payload)
    for project in data["projects"]:
        payload = {"title": project["title"], "unit_id": str(units[project["unit"]]), "funder": project.get("funder"),
                   "grant_id": project.get("grant_id"), "start_date": project.get("start_date"),
                   "end_date": project.get("end_date"),
                   "leader_id": str(people[project["leader"]]) if project.get("leader") else None}
        projects[project["key"]] = project_service.create(system_identity, ProjectIn().load(_drop_none(payload))).id
    n_distributions = 0
    for item in data["datasets"]:
        dataset = dataset_service.create(system_identity, DatasetIn().load(_dataset_payload(item, units, people, projects)))
        for dist in item.get("distributions", []):
            payload = {"dataset_id": str(dataset.id), "title": dist.get("title"), "access_url": dist["access_url"],
                       "download_url": dist.get("download_url"), "format": _term("eu-file-type", dist.get("format")),
                       "media_type": _term("iana-media-type", dist.get("media_type")),
                       "byte_size": dist.get("byte_size"), "licence": _term("eu-licence", dist.get("licence"))}
            distribution_service.create(system_identity, DistributionIn().load(_drop_none(payload)))
            n_distributions += 1
    n_systems, n_flows = _load_portfolio(data, units, people)
    counts = {"units": len(units), "people": len(people), "users": len(data["users"]), "projects": len(projects),
              "datasets": len(data["datasets"]), "distributions": n_distributions, "systems": n_systems,
              "flows": n_flows}
    for area in AREAS_WITH_DEMO:  # each finds the records above by title, e-mail or username
        counts.update(importlib.import_module(f"dmp_registry.{area}.demo").load_demo(today))
    return counts


def _load_portfolio(data, units, people) -> tuple[int, int]:
    from sqlalchemy import select

    from ..core.db import db
    from ..datasets.models import Dataset
    from ..flows.schemas import FlowIn
    from ..flows.service import flow_service
    from ..systems.schemas import ItSystemIn
    from ..systems.service import it_system_service

    datasets = {d.title.get("nb"): d.id for d in db.session.scalars(select(Dataset))}
    systems = {}
    for item in data.get("systems", []):
        payload = {"name": item["name"], "short_name": item.get("short_name"), "description": item.get("description"),
                   "category": _term("system-category", item["category"]),
                   "owner_unit_id": str(units[item["unit"]]) if item.get("unit") else None,
                   "system_owner_id": str(people[item["owner"]]) if item.get("owner") else None,
                   "hosting": _term("hosting", item.get("hosting")),
                   "lifecycle_status": _term("lifecycle-status", item["lifecycle"]),
                   "in_use_from": item.get("in_use_from"), "phase_out_from": item.get("phase_out_from"),
                   "retired_on": item.get("retired_on"), "classification": _term("classification", item.get("classification")),
                   "processes_personal_data": item.get("personal", False),
                   "processing_record_ref": item.get("processing_ref"), "user_count": item.get("users"),
                   "vendor": item.get("vendor"), "product": item.get("product"),
                   "endpoint_urls": item.get("endpoints"), "api_description_url": item.get("api_url"),
                   "dataset_ids": [str(datasets[t]) for t in item.get("datasets", [])]}
        created = it_system_service.create(system_identity, ItSystemIn().load(_drop_none(payload)))
        systems[item["name"]] = created.id
    for item in data.get("flows", []):
        payload = {"title": item["title"], "mechanism": _term("flow-mechanism", item.get("mechanism")),
                   "frequency": _term("eu-frequency", item.get("frequency")), "personal_data": item.get("personal", False),
                   "status": _term("flow-status", item["status"]), "problems": item.get("problems"),
                   "problem_severity": _term("problem-severity", item.get("severity"))}
        for end in ("source", "target"):
            ref = item[end]
            if "system" in ref:
                payload[f"{end}_system_id"] = str(systems[ref["system"]])
            else:
                payload[f"{end}_dataset_id"] = str(datasets[ref["dataset"]])
        flow_service.create(system_identity, FlowIn().load(_drop_none(payload)))
    return len(systems), len(data.get("flows", []))


def _dataset_payload(item, units, people, projects) -> dict:
    person = lambda key: str(people[key]) if key else None  # noqa: E731
    temporal = item.get("temporal") or [None, None]
    return _drop_none({
        "title": item["title"], "description": item.get("description"), "keywords": item.get("keywords"),
        "dataset_type": _term("dataset-type", item["type"]),
        "themes": [_term("eu-data-theme", t) for t in item.get("themes", [])],
        "los_themes": [_term("los-theme", t) for t in item.get("los_themes", [])],
        "access_rights": _term("eu-access-right", item.get("access_rights")),
        "licence": _term("eu-licence", item.get("licence")),
        "classification": _term("classification", item["classification"]),
        "contains_personal_data": item.get("contains_personal_data", False),
        "personal_data_legal_basis": item.get("personal_data_legal_basis"),
        "temporal_start": temporal[0], "temporal_end": temporal[1], "spatial": item.get("spatial"),
        "unit_id": str(units[item["unit"]]),
        "project_id": str(projects[item["project"]]) if item.get("project") else None,
        "custodian_id": person(item.get("custodian")), "contact_point_id": person(item.get("contact")),
        "creator_ids": [person(p) for p in item.get("creators", [])],
        "volume_bytes": item.get("volume_bytes"),
        "documentation_status": _term("documentation-status", item.get("documentation")),
        "publication_status": _term("publication-status", item.get("publication")),
        "doi": item.get("doi"), "landing_page": item.get("landing_page"), "listed": item.get("listed", False),
        "storage_locations": [_drop_none({**loc, "kind": _term("storage-kind", loc["kind"]),
                                          "medium": _term("storage-medium", loc.get("medium"))})
                              for loc in item.get("storage", [])],
    })


def _drop_none(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None}
