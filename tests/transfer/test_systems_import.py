"""IT-system inventories: dry run reports bad rows; all or nothing."""
from __future__ import annotations

import csv

from sqlalchemy import func, select

from dmp_registry.core.db import db
from dmp_registry.systems.models import ItSystem
from dmp_registry.transfer.systems import DEFAULT_MAPPING, import_systems

HEADERS = ["System", "Kortnavn", "Kategori", "Eierenhet", "Systemeier", "Drift", "Status", "I bruk fra", "Avviklet",
           "Klassifisering", "Personopplysninger", "Antall brukere", "Adresser"]


def rows(owner_email, unit_code):
    return [
        {"System": "ePhorte", "Kategori": "Arkiv- og saksbehandlingssystem", "Status": "retired", "I bruk fra": "2008-01-01",
         "Avviklet": "2022-06-30", "Personopplysninger": "ja", "Eierenhet": unit_code, "Systemeier": owner_email},
        {"System": "NTNU Sak", "Kategori": "archive-records-management", "Status": "I bruk", "Drift": "Driftet av NTNU IT",
         "Antall brukere": "7000", "Adresser": "https://sak.example.no; https://sak.example.no/api"},
        {"System": "Bookitlab", "Kategori": "administrative", "Status": "in-use", "Personopplysninger": "kanskje"},
        {"System": "Ukjent", "Kategori": "spaceship", "Status": "in-use", "Eierenhet": "NOPE"},
    ]


def write(path, data):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADERS)
        writer.writeheader()
        writer.writerows([{h: r.get(h, "") for h in HEADERS} for r in data])
    return path


def count():
    return db.session.scalar(select(func.count()).select_from(ItSystem))


def test_bad_rows_reported_and_nothing_imported(tmp_path, create_unit, create_person):
    unit = create_unit(code="VMA")
    owner = create_person(unit=unit)
    path = write(tmp_path / "systems.csv", rows(owner.email, "VMA"))
    report = import_systems(path, DEFAULT_MAPPING)
    assert sorted((p.row, p.field) for p in report.problems) == [
        (4, "processes_personal_data"), (5, "category"), (5, "owner_unit")]
    assert report.imported == 0 and count() == 0
    fixed = rows(owner.email, "VMA")[:2]
    report = import_systems(write(tmp_path / "ok.csv", fixed), DEFAULT_MAPPING)
    assert (report.problems, report.imported) == ([], 2)
    ephorte = db.session.scalar(select(ItSystem).where(ItSystem.name == "ePhorte"))
    assert ephorte.system_owner_id == owner.id and ephorte.processes_personal_data is True
    sak = db.session.scalar(select(ItSystem).where(ItSystem.name == "NTNU Sak"))
    assert sak.endpoint_urls == ["https://sak.example.no", "https://sak.example.no/api"] and sak.user_count == 7000
