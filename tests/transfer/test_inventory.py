"""Spreadsheet inventories: every bad row reported by number and reason; all or nothing."""
from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select

from dmp_registry.core.db import db
from dmp_registry.core.history import ChangeRecord
from dmp_registry.datasets.models import Dataset, StorageLocation
from dmp_registry.transfer.inventory import DEFAULT_MAPPING, import_inventory

HEADERS = ["Tittel", "Title", "Enhet", "Type", "Klassifisering", "Tilgang", "Lisens", "Tema", "Emneord", "Ansvarlig",
           "Personopplysninger", "Behandlingsgrunnlag", "Fra", "Til", "Volum (byte)", "Lagringssted",
           "Antall kopier", "Sikkerhetskopiert", "DOI"]
BAD_ROWS = {  # data row index → (column, bad value, reported field)
    17: ("Type", "Fotoalbum", "dataset_type"),
    503: ("Fra", "31.02.2001", "temporal_start"),
    998: ("Enhet", "XYZ", "unit"),
}


def good_row(i: int, email: str) -> dict:
    return {"Tittel": f"Registrering {i}", "Title": f"Record {i}", "Enhet": "INV", "Type": "Forskningsdata",
            "Klassifisering": "Intern", "Tilgang": "PUBLIC", "Lisens": "CC_BY_4_0", "Tema": "ENVI; EDUC",
            "Emneord": "fugl; felt", "Ansvarlig": email, "Personopplysninger": "nei", "Behandlingsgrunnlag": "",
            "Fra": "2001-01-01", "Til": "2002-12-31", "Volum (byte)": str(1000 + i), "Lagringssted": "external-disk",
            "Antall kopier": "1", "Sikkerhetskopiert": "nei", "DOI": f"10.5555/inv{i}"}


def inventory_rows(email: str, bad: bool = True) -> list[dict]:
    rows = [good_row(i, email) for i in range(1000)]
    if bad:
        for index, (column, value, _field) in BAD_ROWS.items():
            rows[index][column] = value
    return rows


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADERS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path, rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[h] for h in HEADERS])
    workbook.save(path)
    return path


@pytest.fixture
def setup_registry(create_unit, create_person):
    unit = create_unit(code="INV")
    return create_person(unit=unit)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_three_bad_rows_of_a_thousand(tmp_path, setup_registry, writer):
    path = writer(tmp_path / f"inventory.{'csv' if writer is write_csv else 'xlsx'}",
                  inventory_rows(setup_registry.email))
    for dry_run in (True, False):
        report = import_inventory(path, DEFAULT_MAPPING, dry_run=dry_run)
        assert report.rows == 1000
        assert [(p.row, p.field) for p in report.problems] == [
            (index + 2, field) for index, (_c, _v, field) in sorted(BAD_ROWS.items())]
        assert report.imported == 0 and count(Dataset) == 0
    fixed = writer(path, inventory_rows(setup_registry.email, bad=False))
    assert import_inventory(fixed, DEFAULT_MAPPING, dry_run=True).problems == []
    report = import_inventory(fixed, DEFAULT_MAPPING)
    assert (report.problems, report.imported) == ([], 1000)
    assert count(Dataset) == 1000 and count(StorageLocation) == 1000
    assert db.session.scalar(select(func.count()).select_from(ChangeRecord).where(ChangeRecord.action == "import")) == 1000


def test_imported_rows_match_the_api_shape(client, curator, tmp_path, setup_registry):
    path = write_csv(tmp_path / "one.csv", inventory_rows(setup_registry.email, bad=False)[:1])
    import_inventory(path, DEFAULT_MAPPING)
    [item] = client.get("/api/v1/datasets/", headers=curator[2]).json["items"]
    assert item["title"] == {"nb": "Registrering 0", "en": "Record 0"}
    assert [t["notation"] for t in item["themes"]] == ["ENVI", "EDUC"]
    assert item["keywords"] == {"nb": ["fugl", "felt"]}
    assert item["classification"]["notation"] == "internal"
    assert item["custodian"]["id"] == str(setup_registry.id)
    assert item["storage_locations"][0]["kind"]["notation"] == "external-disk"


def test_duplicate_doi_in_file_and_registry(tmp_path, setup_registry, create_dataset):
    create_dataset(doi="10.5555/inv0")
    rows = inventory_rows(setup_registry.email, bad=False)[:3]
    rows[2]["DOI"] = rows[1]["DOI"]
    report = import_inventory(write_csv(tmp_path / "dup.csv", rows), DEFAULT_MAPPING, dry_run=True)
    assert [(p.row, p.field) for p in report.problems] == [(2, "doi"), (4, "doi")]


def test_cli_dry_run_prints_rows(app, tmp_path, setup_registry):
    rows = inventory_rows(setup_registry.email)
    path = write_csv(tmp_path / "cli.csv", rows)
    result = app.test_cli_runner().invoke(args=["dmp", "import-inventory", str(path), "--dry-run"])
    assert result.exit_code == 1
    assert "row 19: dataset_type" in result.output and "3 problems in 3 of 1000 rows" in result.output
