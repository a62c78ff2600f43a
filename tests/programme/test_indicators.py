"""Every indicator on a known registry state, and changing when the registry changes."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, Uuid, insert

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.service import dataset_service
from dmp_registry.programme import indicators
from dmp_registry.systems.service import it_system_service
from dmp_registry.vocabularies.terms import local

TODAY = dt.date.today()
EU = "http://publications.europa.eu/resource/authority"


def value(name, as_of=TODAY):
    return indicators.compute(db.session, name, as_of)


def test_every_indicator_has_labels_and_descriptions_in_both_languages():
    found = indicators.indicators()
    assert {"systems_owner_classification", "flows_mapped", "datasets_registered", "datasets_metadata_complete",
            "datasets_published"} <= set(found)
    for ind in found.values():
        assert ind.label["nb"] and ind.label["en"] and ind.description["nb"] and ind.description["en"]


def test_systems_with_owner_and_classification(create_system, create_person):
    owner = create_person()
    create_system()
    create_system(system_owner_id=str(owner.id))  # owner, no classification
    full = create_system(system_owner_id=str(owner.id), classification=local("classification", "internal"))
    assert value("systems_registered") == 3
    assert value("systems_owner_classification") == 1
    other = create_system(classification=local("classification", "open"))
    with unit_of_work():
        it_system_service.update(system_identity, other.id, {"system_owner_id": owner.id}, other.version)
    assert value("systems_owner_classification") == 2
    with unit_of_work():
        it_system_service.update(system_identity, full.id, {"classification": None}, full.version)
    assert value("systems_owner_classification") == 1


def test_flows_mapped_excludes_planned(create_system, create_flow):
    a, b, c = create_system(), create_system(), create_system()
    create_flow(a, b)
    create_flow(b, c, status="planned")
    assert value("flows_mapped") == 1
    create_flow(a, c)
    assert value("flows_mapped") == 2


def test_dataset_indicators_follow_the_publishing_rule(create_dataset, create_unit):
    unit = create_unit()
    create_dataset(unit=unit)  # title only: not complete
    complete = create_dataset(unit=unit, description={"nb": "Beskrivelse"}, themes=[f"{EU}/data-theme/EDUC"])
    create_dataset(unit=unit, listed=True)
    assert value("datasets_registered") == 3
    assert value("datasets_metadata_complete") == 2
    assert value("datasets_published") == 1
    with unit_of_work():
        dataset_service.update(system_identity, complete.id, {"listed": True}, complete.version)
    assert value("datasets_published") == 2
    with unit_of_work():
        dataset_service.delete(system_identity, complete.id)
    assert (value("datasets_registered"), value("datasets_metadata_complete"), value("datasets_published")) == (2, 1, 1)


def test_records_created_after_the_day_do_not_count(create_dataset):
    create_dataset(listed=True)
    yesterday = TODAY - dt.timedelta(days=1)
    assert value("datasets_registered", yesterday) == 0
    assert value("datasets_published", yesterday) == 0
    assert value("datasets_registered") == 1


# ---- other areas: rows inserted by table name, as the indicators read them ------------------------
def _fill(table, **given):
    """A row for `table` with `given` values and a plausible value for every other required column."""
    row = dict(given)
    now = dt.datetime.now(dt.timezone.utc)
    if "id" in table.c and isinstance(table.c.id.type, Uuid):
        row.setdefault("id", uuid.uuid4())
    for col in table.c:
        if col.name in row or col.nullable or col.default is not None or col.server_default is not None:
            continue
        kind = type(col.type)
        if col.name == "id" or isinstance(col.type, Uuid):
            row[col.name] = uuid.uuid4()
        elif isinstance(col.type, Boolean):
            row[col.name] = False
        elif isinstance(col.type, (Integer, Float)):
            row[col.name] = 1
        elif isinstance(col.type, Date):
            row[col.name] = TODAY
        elif isinstance(col.type, DateTime) or "DateTime" in kind.__name__:
            row[col.name] = now
        elif isinstance(col.type, (String, Text)):
            row[col.name] = uuid.uuid4().hex[:8]  # unique, short enough for any length
        else:
            row[col.name] = {}
    for key in ("created_at", "updated_at"):
        if key in table.c:
            row.setdefault(key, now)
    if "version" in table.c:
        row.setdefault("version", 1)
    return row


def _insert(table, **given):
    with unit_of_work():
        db.session.execute(insert(table), [_fill(table, **given)])


def test_priorities_indicators(create_dataset, create_unit):
    table = indicators._table("assessment")
    for state in ("identified", "assessed", "secured", "published"):
        _insert(table, dataset_id=create_dataset().id, state=state)
    assert value("datasets_assessed") == 3
    assert value("datasets_secured") == 2
    _insert(table, dataset_id=create_dataset().id, state="verified")
    assert (value("datasets_assessed"), value("datasets_secured")) == (4, 3)
    intakes = indicators._table("rescue_intake")
    unit = create_unit()
    _insert(intakes, unit_id=unit.id, items=[], dataset_ids=[])
    assert value("rescue_intakes_completed") == 1


def _row(table_name: str, **given):
    """Insert a row into `table_name` (and, first, rows for its required references); its id."""
    table = indicators._table(table_name)
    for fk in table.foreign_keys:
        if not fk.parent.nullable and fk.parent.name not in given:
            given[fk.parent.name] = _row(fk.column.table.name)
    row = _fill(table, **given)
    with unit_of_work():
        db.session.execute(insert(table), [row])
    return row["id"]


def test_plans_approved():
    _row("plan", status="approved")
    _row("plan", status="draft")
    assert value("plans_approved") == 1
    _row("plan", status="approved")
    assert value("plans_approved") == 2


def test_dmp_templates_published():
    first, second = _row("plan_template"), _row("plan_template")
    now = dt.datetime.now(dt.timezone.utc)
    _row("plan_template_version", template_id=first, number=1, status="published", published_at=now)
    _row("plan_template_version", template_id=first, number=2, status="published", published_at=now)
    _row("plan_template_version", template_id=second, number=1, status="draft")
    assert value("dmp_templates_published") == 1
    _row("plan_template_version", template_id=second, number=2, status="published", published_at=now)
    assert value("dmp_templates_published") == 2
