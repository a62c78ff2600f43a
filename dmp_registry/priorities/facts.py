"""Load the facts the scores need for many datasets at once: a handful of set-based queries, no
per-dataset round trips (the recompute of 100,000 datasets depends on it)."""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from sqlalchemy import Date, String, case, cast, func, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from ..core.db import db
from ..datasets.models import Dataset, StorageLocation
from ..organisation.models import Person
from ..vocabularies.service import concept_cache
from ..vocabularies.terms import PUBLICATION_PUBLISHED
from .models import Assessment, RescueIntake
from .scoring import Facts, Location

CHUNK = 5000


_notations: dict = {"source": None, "map": {}}


def _notation(uri: str | None) -> str | None:
    """A concept's notation (memoised per load of the concept cache: called for every row)."""
    if not uri:
        return None
    source = concept_cache._concepts()
    if _notations["source"] is not source:
        _notations.update(source=source, map={})
    found = _notations["map"].get(uri)
    if found is None:
        info = source.get(uri)
        found = _notations["map"][uri] = info.notation if info else uri.rsplit("/", 1)[-1]
    return found


def _in_chunks(stmt_for, ids):
    """Rows of stmt_for(chunk) over all ids (None: one statement without an IN list). Core execution
    on the session's connection: no ORM row processing for 100,000 rows."""
    connection = db.session.connection()
    if ids is None:
        yield from connection.execute(stmt_for(None)).fetchall()
        return
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield from connection.execute(stmt_for(ids[start:start + CHUNK])).fetchall()


def _empty(column):
    if isinstance(column.type, (String, Date)) or not db.dialect == "postgresql":
        return or_(column.is_(None), cast(column, String).in_(("{}", "[]", "null", "", '""')))
    # JSONB: compare values, not their text (rendering 100,000 documents as text is the slow part)
    empties = [cast(literal(v), JSONB) for v in ("{}", "[]", "null", '""')]
    return or_(column.is_(None), column.in_(empties))


def _missing_count(fields: list[str]):
    """SQL: how many of the DCAT-AP-NO mandatory `fields` are empty (stored text is canonical:
    clean_lang drops empty languages, lists are [] when empty), without decoding JSON in Python."""
    table = Dataset.__table__
    missing = [case((_empty(table.c[f]), 1), else_=0) for f in fields if f in table.c]
    missing += [literal(1) for f in fields if f not in table.c]  # nothing in the record can supply it
    return sum(missing[1:], missing[0]) if missing else literal(0)


def _where(stmt, column, chunk):
    return stmt if chunk is None else stmt.where(column.in_(chunk))


def retirement_dates() -> dict[uuid.UUID, dt.date]:
    """Person → the date they leave: employment end, or the earliest date given in a rescue intake."""
    dates = {row.id: row.employment_end for row in db.session.execute(
        select(Person.id, Person.employment_end).where(Person.employment_end.is_not(None)))}
    for row in db.session.execute(select(RescueIntake.person_id, func.min(RescueIntake.retirement_date))
                                  .where(RescueIntake.person_id.is_not(None)).group_by(RescueIntake.person_id)):
        person_id, date = row
        dates[person_id] = min(date, dates.get(person_id) or date)
    return dates


def load_facts(dataset_ids=None, today: dt.date | None = None) -> dict[uuid.UUID, Facts]:
    from ..dcat.publishable import missing_for_listing

    today = today or dt.date.today()
    ends = retirement_dates()
    mandatory = missing_for_listing({})
    facts: dict[uuid.UUID, Facts] = {}
    d = Dataset.__table__.c
    columns = (d.id, d.custodian_id, d.licence, d.access_rights, d.contains_personal_data, d.sensitive_location,
               d.documentation_status, d.publication_status, _missing_count(mandatory).label("missing"))
    total = max(len(mandatory), 1)
    for row in _in_chunks(lambda chunk: _where(select(*columns), d.id, chunk), dataset_ids):
        facts[row.id] = Facts(
            today=today, has_custodian=row.custodian_id is not None, custodian_end=ends.get(row.custodian_id),
            metadata_missing=row.missing, metadata_total=total, has_licence=bool(row.licence),
            has_access_rights=bool(row.access_rights), personal_data=row.contains_personal_data,
            sensitive_location=row.sensitive_location, documentation=_notation(row.documentation_status),
            published=row.publication_status == PUBLICATION_PUBLISHED)
    _add_locations(facts, dataset_ids)
    _add_assessments(facts, dataset_ids)
    return facts


def _add_locations(facts: dict, dataset_ids) -> None:
    s = StorageLocation.__table__.c
    columns = (s.dataset_id, s.kind, s.medium, s.copies, s.backed_up, s.last_checked)
    locations = defaultdict(list)
    for row in _in_chunks(lambda chunk: _where(select(*columns), s.dataset_id, chunk), dataset_ids):
        locations[row.dataset_id].append(Location(_notation(row.kind), _notation(row.medium), row.copies or 0,
                                                  bool(row.backed_up), row.last_checked))
    for dataset_id, found in locations.items():
        if dataset_id in facts:
            facts[dataset_id].locations = found


ASSESSED_FIELDS = {"scientific": "scientific_value", "cultural_heritage": "cultural_value", "archival": "archival_value",
                   "uniqueness": "uniqueness", "demand": "external_demand"}


ASSESSMENT_COLUMNS = ("dataset_id", "custodian_status", "format_risk", "regenerable", "scientific_value",
                      "cultural_value", "archival_value", "uniqueness", "external_demand", "obligation_keep",
                      "obligation_publish", "rights_clear", "needs_withholding", "effort_publish_days")


def _add_assessments(facts: dict, dataset_ids) -> None:
    a = Assessment.__table__.c
    columns = [a[name] for name in ASSESSMENT_COLUMNS]
    for row in _in_chunks(lambda chunk: _where(select(*columns), a.dataset_id, chunk), dataset_ids):
        apply_assessment(facts.get(row.dataset_id), row)


def apply_assessment(fact: Facts | None, assessment: Assessment) -> None:
    if fact is None:
        return
    fact.custodian_status = _notation(assessment.custodian_status)
    fact.format_risk = _notation(assessment.format_risk)
    fact.regenerable = assessment.regenerable
    for key, column in ASSESSED_FIELDS.items():
        setattr(fact, key, _notation(getattr(assessment, column)))
    fact.obligation_keep = assessment.obligation_keep
    fact.obligation_publish = assessment.obligation_publish
    fact.rights_clear = assessment.rights_clear
    fact.needs_withholding = assessment.needs_withholding
    fact.effort_publish_days = assessment.effort_publish_days
