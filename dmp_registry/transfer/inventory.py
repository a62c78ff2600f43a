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

    def convert(self, row: dict) -> tuple[dict, dict]:
        data, errors = {"title": {}}, {}
        for lang in ("nb", "nn", "en"):
            for name in ("title", "description"):
                if self.cell(row, f"{name}_{lang}"):
                    data.setdefault(name, {})[lang] = self.cell(row, f"{name}_{lang}")
            if self.cells(row, f"keywords_{lang}"):
                data.setdefault("keywords", {})[lang] = self.cells(row, f"keywords_{lang}")
        self.unit(row, "unit", "unit_id", data, errors)
        self.person(row, "custodian", "custodian_id", data, errors)
        for key, scheme in VOCAB_COLUMNS.items():
            self.term(row, key, scheme, data, errors)
        themes = self.cells(row, "themes")
        found = [concept_cache.find("eu-data-theme", t) for t in themes]
        if any(f is None for f in found):
            errors["themes"] = [f"Unknown theme: {t!r}" for t, f in zip(themes, found) if f is None]
        elif themes:
            data["themes"] = [f.uri for f in found]
        self.flag(row, "contains_personal_data", data, errors)
        for key in ("personal_data_legal_basis", "temporal_start", "temporal_end", "doi", "landing_page"):
            if self.cell(row, key):
                data[key] = self.cell(row, key)
        self.number(row, "volume_bytes", data)
        if data.get("storage_kind"):
            data["storage_locations"] = [self.storage(row, data.pop("storage_kind"), errors)]
        return data, errors

    def storage(self, row: dict, kind: str, errors: dict) -> dict:
        location = {"kind": kind}
        if self.cell(row, "storage_description"):
            location["description"] = self.cell(row, "storage_description")
        self.number(row, "storage_copies", location)
        if "storage_copies" in location:
            location["copies"] = location.pop("storage_copies")
        self.flag(row, "storage_backed_up", location, errors, target="backed_up")
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
