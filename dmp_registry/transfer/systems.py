"""Import an IT-system inventory (CSV or XLSX): the same dry-run-then-commit behaviour as the
dataset inventory. Rows are checked with the API's schema and service rules; all rows or none."""
from __future__ import annotations

from pathlib import Path

from marshmallow import ValidationError
from ..core.errors import InvalidInput
from ..core.identity import Identity, system_identity
from ..core.progress import progress_bar
from ..core.uow import unit_of_work
from ..systems.schemas import ItSystemIn
from ..systems.service import it_system_service
from .spreadsheet import ColumnReader, InventoryReport, Problem, flatten_messages, load_mapping, read_rows

DEFAULT_MAPPING = Path(__file__).with_name("systems_mapping.yaml")
TERMS = {"category": "system-category", "hosting": "hosting", "lifecycle_status": "lifecycle-status",
         "classification": "classification"}
TEXT = ("name", "short_name", "vendor", "product", "product_version", "in_use_from", "phase_out_from", "retired_on",
        "processing_record_ref", "api_description_url")


class SystemRow(ColumnReader):
    def convert(self, row: dict) -> tuple[dict, dict]:
        data, errors = {}, {}
        for key in TEXT:
            if self.cell(row, key):
                data[key] = self.cell(row, key)
        if self.cell(row, "description_nb"):
            data["description"] = {"nb": self.cell(row, "description_nb")}
        for key, scheme in TERMS.items():
            self.term(row, key, scheme, data, errors)
        self.flag(row, "processes_personal_data", data, errors)
        self.number(row, "user_count", data)
        if self.cells(row, "endpoint_urls"):
            data["endpoint_urls"] = self.cells(row, "endpoint_urls")
        self.unit(row, "owner_unit", "owner_unit_id", data, errors)
        for key in ("system_owner", "technical_contact"):
            self.person(row, key, f"{key}_id", data, errors)
        return data, errors


def check_rows(rows, mapping) -> tuple[list[tuple[int, dict]], list[Problem]]:
    reader, schema = SystemRow(mapping), ItSystemIn()
    items, problems, names = [], [], {}
    for number, row in rows:
        data, errors = reader.convert(row)
        try:
            item = schema.load(data)
        except ValidationError as exc:
            item = None
            errors.update({k: v for k, v in exc.messages.items() if k not in errors})
        name = (data.get("name") or "").casefold()
        if name and name in names:
            errors["name"] = [f"The same system is also in row {names[name]}"]
        names.setdefault(name, number)
        problems += [Problem(number, f, m) for f, m in flatten_messages(errors)]
        if not errors:
            items.append((number, item))
    return items, problems


def import_systems(path: Path, mapping_path: Path | None = None, *, dry_run: bool = False, sheet: str | None = None,
                   identity: Identity = system_identity, progress=None) -> InventoryReport:
    rows = read_rows(path, sheet)
    report = InventoryReport(rows=len(rows))
    items, report.problems = check_rows(rows, load_mapping(mapping_path or DEFAULT_MAPPING))
    if report.problems or dry_run:
        report.imported = 0 if report.problems else len(items)
        return report
    try:
        with unit_of_work(), progress_bar(progress, len(items), "Importing") as bar:
            for number, item in items:
                try:
                    it_system_service.create(identity, item)
                except InvalidInput as exc:  # rules that need the database; the whole import rolls back
                    report.problems += [Problem(number, f, m) for f, m in flatten_messages(exc.errors or {})]
                bar.update(1)
            if report.problems:
                raise InvalidInput("rows failed")
            report.imported = len(items)
    except InvalidInput:
        report.imported = 0
    return report
