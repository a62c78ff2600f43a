"""Reading spreadsheets (CSV, XLSX) row by row and reporting problems by row number: shared by
every inventory import (datasets, IT systems)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml


def load_mapping(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class ColumnReader:
    """Reads mapped columns of a row: text, yes/no, lists, vocabulary terms (by code, URI or label)."""

    def __init__(self, mapping: dict):
        from sqlalchemy import select

        from ..core.db import db
        from ..organisation.models import Person, Unit

        self.columns = mapping["columns"]
        self.sep = mapping.get("list_separator", ";")
        self.true = {str(v).casefold() for v in mapping.get("true_values", [])}
        self.false = {str(v).casefold() for v in mapping.get("false_values", [])}
        self.units = {code.casefold(): uid for uid, code in db.session.execute(select(Unit.id, Unit.code))}
        self.people = {email: pid for pid, email in db.session.execute(select(Person.id, Person.email)) if email}

    def cell(self, row: dict, key: str) -> str:
        header = self.columns.get(key)
        return (row.get(header) or "").strip() if header else ""

    def cells(self, row: dict, key: str) -> list[str]:
        return [part.strip() for part in self.cell(row, key).split(self.sep) if part.strip()]

    def boolean(self, value: str) -> bool | None:
        folded = value.casefold()
        return True if folded in self.true else False if folded in self.false else None

    def unit(self, row: dict, key: str, target: str, data: dict, errors: dict) -> None:
        """A unit given by its code → data[target] = its id."""
        code = self.cell(row, key)
        if code:
            if code.casefold() in self.units:
                data[target] = str(self.units[code.casefold()])
            else:
                errors[key] = [f"Unknown unit code {code!r}"]

    def person(self, row: dict, key: str, target: str, data: dict, errors: dict) -> None:
        """A registered person given by e-mail → data[target] = its id."""
        email = self.cell(row, key).lower()
        if email:
            if email in self.people:
                data[target] = str(self.people[email])
            else:
                errors[key] = [f"No registered person with e-mail {email!r}"]

    def number(self, row: dict, key: str, data: dict) -> None:
        """Digits (spaces allowed) become an int; anything else is left for the schema to refuse."""
        value = self.cell(row, key).replace(" ", "")
        if value:
            data[key] = int(value) if value.isdigit() else value

    def term(self, row: dict, key: str, scheme: str, data: dict, errors: dict) -> None:
        """Put the URI of the term named in column `key` into data[key], or an error."""
        from ..vocabularies.service import concept_cache

        value = self.cell(row, key)
        if value:
            info = concept_cache.find(scheme, value)
            if info is None:
                errors[key] = [f"{value!r} is not a term in '{scheme}'"]
            else:
                data[key] = info.uri

    def flag(self, row: dict, key: str, data: dict, errors: dict, target: str | None = None) -> None:
        value = self.cell(row, key)
        if value:
            parsed = self.boolean(value)
            if parsed is None:
                errors[key] = [f"Write yes or no, not {value!r}"]
            else:
                data[target or key] = parsed


@dataclass
class Problem:
    row: int
    field: str
    message: str


@dataclass
class InventoryReport:
    rows: int = 0
    imported: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})


def read_rows(path: Path, sheet: str | None = None) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {header: text}) for every non-empty data row."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, sheet)
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig") if not raw.startswith(b"\xff\xfe") else raw.decode("utf-16")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [(n, row) for n, row in enumerate(reader, start=2) if any((v or "").strip() for v in row.values())]


def _xlsx_rows(path: Path, sheet: str | None) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    rows = worksheet.iter_rows(values_only=True)
    headers = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    out = []
    for n, values in enumerate(rows, start=2):
        cells = {h: _cell_text(v) for h, v in zip(headers, values) if h}
        if any(cells.values()):
            out.append((n, cells))
    workbook.close()
    return out


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def flatten_messages(messages, prefix="") -> list[tuple[str, str]]:
    """marshmallow's nested messages → [(dotted.field, message)]."""
    out = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            out += flatten_messages(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(messages, list):
        for item in messages:
            out += flatten_messages(item, prefix) if isinstance(item, (dict, list)) else [(prefix, str(item))]
    else:
        out.append((prefix, str(messages)))
    return out
