"""DMPonline's RDA export and NTNU's DataverseNO collection: what maDMP import needs beyond the standard.

DMPonline (DMPRoadmap) writes maDMP JSON that is close to, but not exactly, 1.2: access values outside
the enum (`embargoed`, `restricted`), 1.1-style single affiliation objects, role strings instead of lists,
booleans for yes/no/unknown, two-letter languages, missing required members. `normalise` maps each such
value to the nearest standard one and lists every change in the loss report (JSON path, original value,
new value, why). For a document that is already valid 1.2 it changes nothing and reports nothing.
The original values are also kept in the document itself (`dmp.extension[] → ntnu_vm_dmp_registry_import`),
so the export still shows that a distribution was "embargoed" until a date.

DataverseNO (https://dataverse.no, NTNU's collection; DOIs 10.18710/…): a dataset published there is
found in the registry by its DOI or its landing page and linked, or registered with that DOI and landing
page — never under a new identifier.
"""
from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import func, select

from ..core.db import db
from ..core.errors import InvalidInput
from ..core.identity import Identity
from ..datasets.models import Dataset
from ..datasets.permissions import DatasetPolicy
from ..vocabularies.terms import CLASSIFICATION_INTERNAL, CLASSIFICATION_OPEN, CLASSIFICATION_RESTRICTED, \
    PUBLICATION_PUBLISHED, local

DATAVERSENO_PREFIX = "10.18710/"
DATAVERSENO_HOSTS = ("dataverse.no", "www.dataverse.no")
IMPORT_NAMESPACE = "ntnu_vm_dmp_registry_import"
ACCESS_COERCIONS = {
    "embargoed": ("closed", "1.2 has no embargo value: closed until the licence's start date (kept as start_date)"),
    "embargo": ("closed", "1.2 has no embargo value: closed until the licence's start date (kept as start_date)"),
    "restricted": ("shared", "1.2 calls restricted access 'shared'"),
    "public": ("open", "1.2 calls public access 'open'"),
    "private": ("closed", "1.2 calls private access 'closed'"),
}


def detect_source(data) -> str:
    """"dmponline" for DMPonline/DMPRoadmap exports (their extension or dmp_id), else "madmp"."""
    dmp = data.get("dmp") if isinstance(data, dict) else None
    if not isinstance(dmp, dict):
        return "madmp"
    extensions = dmp.get("extension") if isinstance(dmp.get("extension"), list) else []
    if any(isinstance(e, dict) and "dmproadmap" in e for e in extensions):
        return "dmponline"
    identifier = str((dmp.get("dmp_id") or {}).get("identifier", "")) if isinstance(dmp.get("dmp_id"), dict) else ""
    return "dmponline" if "dmponline" in identifier.casefold() else "madmp"


def notes(source: str) -> list[str]:
    if source == "dmponline":
        return ["DMPonline's RDA export leaves out the plan's narrative answers: answer the template's "
                "questions in the imported plan."]
    return []


# ---- normalise: nearest 1.2 value, every change reported ----------------------------------------------
class Normaliser:
    def __init__(self):
        self.losses: list[dict] = []

    def change(self, path: str, action: str, original, value, reason: str) -> None:
        self.losses.append({"path": path, "action": action, "original": original, "value": value, "reason": reason})

    def run(self, data: dict) -> dict:
        dmp = data.get("dmp")
        if not isinstance(dmp, dict):
            return data  # the schema check reports it
        self.language(dmp, "dmp")
        self.booleanish(dmp, "ethical_issues_exist", "dmp", required=True)
        for key, id_key in (("contact", "contact_id"),):
            if isinstance(dmp.get(key), dict):
                self.person(dmp[key], f"dmp.{key}", id_key)
        for i, item in enumerate(_dicts(dmp.get("contributor"))):
            self.person(item, f"dmp.contributor[{i}]", "contributor_id")
            if isinstance(item.get("role"), str):
                self.change(f"dmp.contributor[{i}].role", "coerced", item["role"], [item["role"]], "1.2 roles are a list")
                item["role"] = [item["role"]]
        for i, project in enumerate(_dicts(dmp.get("project"))):
            for key in ("start", "end"):
                self.date(project, key, f"dmp.project[{i}]")
            for j, funding in enumerate(_dicts(project.get("funding"))):
                self.funding(funding, f"dmp.project[{i}].funding[{j}]")
        for i, cost in enumerate(_dicts(dmp.get("cost"))):
            self.upper(cost, "currency_code", f"dmp.cost[{i}]")
            if "title" not in cost:
                cost["title"] = "Cost"
                self.change(f"dmp.cost[{i}].title", "added", None, "Cost", "required in 1.2; the source gave none")
        for i, dataset in enumerate(_dicts(dmp.get("dataset"))):
            self.dataset(dataset, f"dmp.dataset[{i}]", dmp)
        if self.losses:  # keep the original values inside the document too
            extensions = dmp.get("extension") if isinstance(dmp.get("extension"), list) else None
            if extensions is None and "extension" in dmp:
                return data  # a non-list extension: leave the document as it is, the report says it all
            dmp.setdefault("extension", []).append({IMPORT_NAMESPACE: {"changes": [dict(c) for c in self.losses]}})
        return data

    def language(self, obj: dict, path: str) -> None:
        from .madmp import registry_table, schema

        value = obj.get("language")
        allowed = schema()["$defs"]["LanguageCode"]["enum"]
        if isinstance(value, str) and value not in allowed:
            code = registry_table()["two_letter_languages"].get(value.casefold()[:2]) if len(value) in (2, 5) else None
            if code is None and value.casefold() in allowed:
                code = value.casefold()
            if code:
                self.change(f"{path}.language", "coerced", value, code, "1.2 languages are ISO 639-3 codes")
                obj["language"] = code

    def booleanish(self, obj: dict, key: str, path: str, required: bool = False) -> None:
        value = obj.get(key)
        if isinstance(value, bool):
            obj[key] = "yes" if value else "no"
            self.change(f"{path}.{key}", "coerced", value, obj[key], "1.2 uses yes/no/unknown")
        elif isinstance(value, str) and value.casefold() in ("yes", "no", "unknown") and value != value.casefold():
            obj[key] = value.casefold()
            self.change(f"{path}.{key}", "coerced", value, obj[key], "1.2 uses lower-case yes/no/unknown")
        elif value is None and required:
            obj[key] = "unknown"
            self.change(f"{path}.{key}", "added", None, "unknown", "required in 1.2; the source did not say")

    def person(self, obj: dict, path: str, id_key: str) -> None:
        if isinstance(obj.get("affiliation"), dict):
            self.change(f"{path}.affiliation", "coerced", obj["affiliation"], [obj["affiliation"]],
                        "1.2 affiliations are a list")
            obj["affiliation"] = [obj["affiliation"]]
        for i, affiliation in enumerate(_dicts(obj.get("affiliation"))):
            if "affiliation_id" not in affiliation and affiliation.get("name"):
                affiliation["affiliation_id"] = {"identifier": affiliation["name"], "type": "other"}
                self.change(f"{path}.affiliation[{i}].affiliation_id", "added", None, affiliation["affiliation_id"],
                            "required in 1.2; the name stands in as an identifier of type other")

    def funding(self, obj: dict, path: str) -> None:
        if "funder_id" not in obj and obj.get("name"):
            obj["funder_id"] = {"identifier": obj["name"], "type": "other"}
            self.change(f"{path}.funder_id", "added", None, obj["funder_id"],
                        "required in 1.2; the funder's name stands in as an identifier of type other")
        status = obj.get("funding_status")
        if isinstance(status, str) and status.casefold() in ("planned", "applied", "granted", "rejected") \
                and status != status.casefold():
            self.change(f"{path}.funding_status", "coerced", status, status.casefold(), "1.2 values are lower case")
            obj["funding_status"] = status.casefold()

    def dataset(self, obj: dict, path: str, dmp: dict) -> None:
        self.language(obj, path)
        for key in ("personal_data", "sensitive_data"):
            self.booleanish(obj, key, path, required=True)
        for key in ("keyword", "data_quality_assurance"):
            if isinstance(obj.get(key), str):
                self.change(f"{path}.{key}", "coerced", obj[key], [obj[key]], "a list of strings in 1.2")
                obj[key] = [obj[key]]
        self.date(obj, "issued", path)
        for i, dist in enumerate(_dicts(obj.get("distribution"))):
            self.distribution(dist, f"{path}.distribution[{i}]", dmp)

    def distribution(self, obj: dict, path: str, dmp: dict) -> None:
        value = obj.get("data_access")
        if isinstance(value, str) and value.casefold() in ACCESS_COERCIONS and value not in ("open", "shared", "closed"):
            new, reason = ACCESS_COERCIONS[value.casefold()]
            licences = [lic for lic in _dicts(obj.get("license")) if lic.get("start_date")]
            if value.casefold().startswith("embargo") and licences:
                reason += f"; embargo until {min(str(lic['start_date'])[:10] for lic in licences)}"
            self.change(f"{path}.data_access", "coerced", value, new, reason)
            obj["data_access"] = new
        if isinstance(obj.get("byte_size"), (str, float)) and not isinstance(obj.get("byte_size"), bool):
            try:
                size = int(float(obj["byte_size"]))
            except ValueError:
                size = None
            if size is not None:
                self.change(f"{path}.byte_size", "coerced", obj["byte_size"], size, "1.2 sizes are whole bytes")
                obj["byte_size"] = size
        if isinstance(obj.get("format"), str):
            self.change(f"{path}.format", "coerced", obj["format"], [obj["format"]], "a list of formats in 1.2")
            obj["format"] = [obj["format"]]
        for key in ("issued", "available_until"):
            self.date(obj, key, path)
        if isinstance(obj.get("host"), dict):
            self.host(obj["host"], f"{path}.host")
        for i, licence in enumerate(_dicts(obj.get("license"))):
            self.date(licence, "start_date", f"{path}.license[{i}]")
            if "start_date" not in licence and isinstance(dmp.get("created"), str):
                licence["start_date"] = dmp["created"][:10]
                self.change(f"{path}.license[{i}].start_date", "added", None, licence["start_date"],
                            "required in 1.2; the plan's creation date stands in")

    def host(self, obj: dict, path: str) -> None:
        self.upper(obj, "geo_location", path)
        self.booleanish(obj, "support_versioning", path)
        if isinstance(obj.get("pid_system"), str):
            self.change(f"{path}.pid_system", "coerced", obj["pid_system"], [obj["pid_system"].casefold()],
                        "a list of PID systems in 1.2")
            obj["pid_system"] = [obj["pid_system"].casefold()]
        if isinstance(obj.get("certified_with"), str) and obj["certified_with"] != obj["certified_with"].casefold():
            self.change(f"{path}.certified_with", "coerced", obj["certified_with"], obj["certified_with"].casefold(),
                        "1.2 values are lower case")
            obj["certified_with"] = obj["certified_with"].casefold()

    def upper(self, obj: dict, key: str, path: str) -> None:
        """Currency and country codes are upper case in 1.2 (nok → NOK, no → NO)."""
        value = obj.get(key)
        if isinstance(value, str) and value != value.upper() and len(value) in (2, 3):
            self.change(f"{path}.{key}", "coerced", value, value.upper(), "1.2 codes are upper case")
            obj[key] = value.upper()

    def date(self, obj: dict, key: str, path: str) -> None:
        """A date-time where 1.2 wants a date: keep the date part."""
        value = obj.get(key)
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}[T ]", value):
            obj[key] = value[:10]
            self.change(f"{path}.{key}", "coerced", value, value[:10], "1.2 wants a date here, not a date-time")


def normalise(data: dict, source: str = "madmp") -> tuple[dict, list[dict]]:
    """The document with non-standard values mapped to 1.2, and the list of changes (the loss report)."""
    normaliser = Normaliser()
    return normaliser.run(data), normaliser.losses


def _dicts(value):
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# ---- identifiers: DOIs and DataverseNO landing pages ----------------------------------------------------
def dataverse_landing_page(doi: str) -> str:
    return f"https://dataverse.no/dataset.xhtml?persistentId=doi:{doi}"


def doi_of_landing_page(url: str) -> str | None:
    """https://dataverse.no/dataset.xhtml?persistentId=doi:10.18710/ABC → 10.18710/ABC."""
    from .madmp import bare_doi

    parts = urlsplit(url or "")
    if parts.netloc.casefold() not in DATAVERSENO_HOSTS:
        return None
    persistent = parse_qs(parts.query).get("persistentId", [""])[0]
    return bare_doi(unquote(persistent)) if persistent else None


def identifiers(item: dict) -> tuple[list[str], list[str]]:
    """(DOIs, URLs) naming a maDMP dataset: its dataset_id, alternate identifiers and landing pages."""
    from .madmp import bare_doi

    ids = [item.get("dataset_id")] + list(_dicts(item.get("alternate_identifier")))
    dois, urls = [], []
    for ident in _dicts(ids):
        value = str(ident.get("identifier", ""))
        doi = bare_doi(value) if (ident.get("type", "").casefold() == "doi" or bare_doi(value)) else None
        if doi:
            dois.append(doi)
        elif value.startswith(("http://", "https://")):
            urls.append(value)
            if doi_of_landing_page(value):
                dois.append(doi_of_landing_page(value))
    for dist in _dicts(item.get("distribution")):
        for key in ("access_url", "download_url"):
            doi = doi_of_landing_page(str(dist.get(key) or ""))
            if doi:
                dois.append(doi)
                urls.append(dist[key])
    return list(dict.fromkeys(dois)), list(dict.fromkeys(urls))


def find_dataset(identity: Identity, item: dict) -> Dataset | None:
    """The registry dataset a maDMP dataset names: by DOI, registry URI or landing page."""
    from ..dcat.uris import dataset_uri

    dois, urls = identifiers(item)
    found = None
    if dois:
        found = db.session.scalar(select(Dataset).where(func.lower(Dataset.doi).in_([d.casefold() for d in dois])).limit(1))
    if found is None and urls:  # the registry's own URI of the dataset (our export read back)
        candidates = [uuid.UUID(m) for u in urls for m in re.findall(r"/datasets/([0-9a-f-]{36})$", u)]
        for dataset in db.session.scalars(select(Dataset).where(Dataset.id.in_(candidates))) if candidates else []:
            if dataset_uri(dataset.id) in urls:
                found = dataset
    pages = urls + [dataverse_landing_page(d) for d in dois if d.upper().startswith(DATAVERSENO_PREFIX.upper())]
    if found is None and pages:
        found = db.session.scalar(select(Dataset).where(Dataset.landing_page.in_(pages)).limit(1))
    if found is None:
        return None
    if not DatasetPolicy().can_read(identity, found):
        raise InvalidInput(errors={"dmp.dataset": [
            "A dataset of the document is in the registry, but you may not see it; ask a curator to import it."]})
    _complete_identifiers(identity, found, dois)
    return found


def _complete_identifiers(identity: Identity, dataset: Dataset, dois: list[str]) -> None:
    """Found by its landing page, a dataset without a DOI gets the DOI the document gives it."""
    from ..datasets.service import dataset_service

    if dataset.doi or not dois or not DatasetPolicy().can_update(identity, dataset):
        return
    taken = db.session.scalar(select(Dataset.id).where(func.lower(Dataset.doi) == dois[0].casefold()))
    if taken is None:
        try:
            dataset_service.update(identity, dataset.id, {"doi": dois[0]}, dataset.version)
        except InvalidInput:
            pass  # the registry refuses the record as it stands (validation runs before any change): link only


def dataset_payload(item: dict, lang: str, unit_id, project_id) -> dict:
    """DatasetIn input for a maDMP dataset the registry does not have yet."""
    dois, urls = identifiers(item)
    doi = dois[0] if dois else None
    if doi and db.session.scalar(select(Dataset.id).where(func.lower(Dataset.doi) == doi.casefold())):
        doi = None  # another dataset of this document took it
    landing = next((u for u in urls if doi_of_landing_page(u)), None)
    if landing is None and doi and doi.upper().startswith(DATAVERSENO_PREFIX.upper()):
        landing = dataverse_landing_page(doi)
    if landing is None:
        landing = next((u for u in urls if len(u) <= 2000), None)
    accesses = {d.get("data_access") for d in _dicts(item.get("distribution"))}
    access = next((a for a in ("open", "shared", "closed") if a in accesses), None)
    from .madmp import registry_table

    payload = {
        "title": {lang: (item.get("title") or "?")[:2000]},
        "dataset_type": local("dataset-type", "research-data"),
        "classification": (CLASSIFICATION_RESTRICTED if item.get("sensitive_data") == "yes"
                           else CLASSIFICATION_OPEN if access == "open" else CLASSIFICATION_INTERNAL),
        "unit_id": str(unit_id), "project_id": str(project_id),
        "contains_personal_data": item.get("personal_data") == "yes",
        "access_rights": registry_table()["access_rights"].get(access) if access else None,
        "doi": doi, "landing_page": landing,
        "publication_status": PUBLICATION_PUBLISHED if doi else None,
    }
    if item.get("description"):
        payload["description"] = {lang: item["description"][:20000]}
    words = [w[:200] for w in item.get("keyword") or [] if isinstance(w, str) and w.strip()][:50]
    if words:
        payload["keywords"] = {lang: words}
    if payload["contains_personal_data"]:
        payload["personal_data_legal_basis"] = "Not stated in the imported maDMP; to be completed."
    return payload
