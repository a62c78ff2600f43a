"""Import a dataset inventory (CSV or XLSX) through a column mapping.

Every row is checked with the same schema and rules as the API; a dry run lists every bad row
with its spreadsheet row number, field and reason. Rows are written only if all rows are good,
in one transaction, through the bulk path (history rows included).
"""
from __future__ import annotations

from pathlib import Path

from marshmallow import ValidationError
from sqlalchemy import select

from ..core.db import db
from ..core.identity import Identity, system_identity
from ..core.progress import progress_bar
from ..core.uow import unit_of_work
from ..datasets.models import Dataset
from ..datasets.schemas import DatasetIn
from ..datasets.service import bulk_create_datasets
from ..organisation.models import Person, Unit
from ..vocabularies.service import concept_cache
from .spreadsheet import ColumnReader, InventoryReport, Problem, flatten_messages, load_mapping, read_rows

DEFAULT_MAPPING = Path(__file__).with_name("inventory_mapping.yaml")
VOCAB_COLUMNS = {"dataset_type": "dataset-type", "classification": "classification",
                 "access_rights": "eu-access-right", "licence": "eu-licence",
                 "publication_status": "publication-status", "storage_kind": "storage-kind"}

# A reference that could not be resolved is reported under its column, not again as missing.
REPORTED_AS = {"unit_id": "unit", "custodian_id": "custodian"}


class RowConverter(ColumnReader):
    """Turns one spreadsheet row into the API's input shape, collecting problems by field."""

    def __init__(self, mapping: dict):
        super().__init__(mapping)
        self.units = {code.casefold(): uid for uid, code in db.session.execute(select(Unit.id, Unit.code))}
        self.people = {email: pid for pid, email in db.session.execute(select(Person.id, Person.email)) if email}

    def convert(self, row: dict) -> tuple[dict, dict]:
        data, errors = {}, {}
        for lang in ("nb", "nn", "en"):
            for name in ("title", "description"):
                if self.cell(row, f"{name}_{lang}"):
                    data.setdefault(name, {})[lang] = self.cell(row, f"{name}_{lang}")
            words = [w.strip() for w in self.cell(row, f"keywords_{lang}").split(self.sep) if w.strip()]
            if words:
                data.setdefault("keywords", {})[lang] = words
        data["title"] = data.get("title", {})
        unit = self.cell(row, "unit")
        data["unit_id"] = str(self.units[unit.casefold()]) if unit.casefold() in self.units else None
        if unit and data["unit_id"] is None:
            errors["unit"] = [f"Unknown unit code {unit!r}"]
        custodian = self.cell(row, "custodian").lower()
        if custodian:
            if custodian in self.people:
                data["custodian_id"] = str(self.people[custodian])
            else:
                errors["custodian"] = [f"No registered person with e-mail {custodian!r}"]
        for key, scheme in VOCAB_COLUMNS.items():
            value = self.cell(row, key)
            if value:
                info = concept_cache.find(scheme, value)
                if info is None:
                    errors[key] = [f"{value!r} is not a term in '{scheme}'"]
                elif key != "storage_kind":
                    data[key] = info.uri
        themes = [t.strip() for t in self.cell(row, "themes").split(self.sep) if t.strip()]
        found = [concept_cache.find("eu-data-theme", t) for t in themes]
        if any(f is None for f in found):
            errors["themes"] = [f"Unknown theme: {t!r}" for t, f in zip(themes, found) if f is None]
        elif themes:
            data["themes"] = [f.uri for f in found]
        for key in ("contains_personal_data",):
            value = self.cell(row, key)
            if value:
                parsed = self.boolean(value)
                if parsed is None:
                    errors[key] = [f"Write yes or no, not {value!r}"]
                else:
                    data[key] = parsed
        for key in ("personal_data_legal_basis", "temporal_start", "temporal_end", "doi", "landing_page"):
            if self.cell(row, key):
                data[key] = self.cell(row, key)
        if self.cell(row, "volume_bytes"):
            value = self.cell(row, "volume_bytes").replace(" ", "")
            data["volume_bytes"] = int(value) if value.isdigit() else value
        storage = self.storage(row, errors)
        if storage:
            data["storage_locations"] = [storage]
        return data, errors

    def storage(self, row: dict, errors: dict) -> dict | None:
        kind = concept_cache.find("storage-kind", self.cell(row, "storage_kind")) if self.cell(row, "storage_kind") else None
        if kind is None:
            return None
        location = {"kind": kind.uri}
        if self.cell(row, "storage_description"):
            location["description"] = self.cell(row, "storage_description")
        copies = self.cell(row, "storage_copies")
        if copies:
            location["copies"] = int(copies) if copies.isdigit() else copies
        backed_up = self.cell(row, "storage_backed_up")
        if backed_up:
            parsed = self.boolean(backed_up)
            if parsed is None:
                errors["storage_backed_up"] = [f"Write yes or no, not {backed_up!r}"]
            else:
                location["backed_up"] = parsed
        return location



def check_rows(rows: list[tuple[int, dict]], mapping: dict) -> tuple[list[dict], list[Problem]]:
    converter = RowConverter(mapping)
    schema = DatasetIn()
    items, problems, seen_dois = [], [], {}
    existing_dois = set(db.session.scalars(select(Dataset.doi).where(Dataset.doi.is_not(None))))
    for number, row in rows:
        data, errors = converter.convert(row)
        try:
            item = schema.load({k: v for k, v in data.items() if v is not None})
        except ValidationError as exc:
            item = None
            for key, messages in exc.messages.items():
                if key not in errors and REPORTED_AS.get(key) not in errors:
                    errors[key] = messages
        if item is not None:
            if item.get("contains_personal_data") and not item.get("personal_data_legal_basis"):
                errors["personal_data_legal_basis"] = ["Say on what legal basis the personal data is processed."]
            doi = item.get("doi")
            if doi and (doi in existing_dois or doi in seen_dois):
                errors["doi"] = [f"DOI {doi} is already used" + (f" in row {seen_dois[doi]}" if doi in seen_dois else "")]
            if doi:
                seen_dois.setdefault(doi, number)
        problems += [Problem(number, f, m) for f, m in flatten_messages(errors)]
        if not errors:
            items.append(item)
    return items, problems


def import_inventory(path: Path, mapping_path: Path | None = None, *, dry_run: bool = False, sheet: str | None = None,
                     identity: Identity = system_identity, progress=None) -> InventoryReport:
    mapping = load_mapping(mapping_path or DEFAULT_MAPPING)
    rows = read_rows(path, sheet)
    report = InventoryReport(rows=len(rows))
    items, report.problems = check_rows(rows, mapping)
    if report.problems or dry_run:
        report.imported = 0 if report.problems else len(items)
        return report
    with unit_of_work(), progress_bar(progress, len(items), "Importing") as bar:
        for start in range(0, len(items), 1000):
            chunk = items[start:start + 1000]
            report.imported += bulk_create_datasets(identity, chunk)
            bar.update(len(chunk))
    return report
