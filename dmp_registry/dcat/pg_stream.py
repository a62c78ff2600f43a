"""PostgreSQL: the whole feed's datasets as one JSON document each, built by the database and
streamed with COPY.

The keyset reader (records._keyset_batches) spends most of its time in Python turning columns into
objects (UUIDs, datetimes, seven JSON columns) and grouping four related queries per batch, and
waits for each query in turn. Here PostgreSQL builds each dataset with its distributions, creators,
contact, project and flows as JSON, in another process and on another core, while this one turns
the previous rows into triples; one JSON decoding (orjson) per dataset replaces the per-column work. One
statement also means one snapshot for the whole feed.

The documents have the shape `records.attach` gives, with two differences the builders accept:
ids are text (`terms.compact_id`), timestamps are already `xsd:dateTime` text (`terms.date_time`).
tests/dcat/test_pg_stream.py checks the two readers give the same feed."""
from __future__ import annotations

from typing import Iterator

import orjson
from sqlalchemy import DateTime, func, literal_column, select

from ..core import sqljson
from ..core.db import UTCDateTime, copy_rows, db
from ..datasets.models import Dataset, Distribution, dataset_creator
from ..flows.models import DataFlow
from ..organisation.models import Person, Project
from . import records

ISO_SECONDS = literal_column("""'YYYY-MM-DD"T"HH24:MI:SS"Z"'""")  # what terms.date_time writes
# The planner prices a sequential scan and a sort below the index scan, but the sort makes it build
# every document before sending the first, and nothing overlaps; JIT compiling the document
# expressions costs more than it saves. The statement lasts as long as the client's download, so a
# deployment's statement_timeout must not cut a slow harvest short.
STREAMING = {"enable_sort": "off", "jit": "off", "statement_timeout": "0"}


def _fields(columns) -> dict:
    """`columns` under their names; timestamps as xsd:dateTime text (UTC)."""
    fields = {}
    for column in columns:
        name, column = column.key, column.expression  # mapped attributes → their table columns
        fields[name] = func.to_char(column, ISO_SECONDS) if isinstance(column.type, (UTCDateTime, DateTime)) else column
    return fields


def document_select(window: records.Window):
    """One row per public dataset in `window`, in id order: its JSON document."""
    table, dist, person, creator = Dataset.__table__, Distribution.__table__, Person.__table__, dataset_creator
    own = [table.c[name] for name in records.DATASET_FIELDS]
    distributions = sqljson.json_array(_fields([c for c in dist.c if c.key != "dataset_id"]), [dist],
                                       [dist.c.dataset_id == table.c.id], [dist.c.created_at, dist.c.id])
    creators = sqljson.json_array(_fields([person.c.id, person.c.name, person.c.orcid]), [creator, person],
                                  [creator.c.dataset_id == table.c.id, person.c.id == creator.c.person_id],
                                  [creator.c.position, person.c.id])
    contact = select(sqljson.json_object(**_fields([Person.email, Person.unit_id]))).where(Person.id == table.c.contact_point_id)
    project = select(sqljson.json_object(**_fields([Project.id, Project.title]))).where(Project.id == table.c.project_id)
    flows = sqljson.json_array(_fields(records.FLOW_COLUMNS), [DataFlow.__table__],
                               records.flow_conditions(lambda column: column == table.c.id), [DataFlow.id])
    document = sqljson.json_object(dataset=sqljson.json_object(**_fields(own)), distributions=distributions,
                                   creators=creators, contact=sqljson.nested(contact),
                                   project=sqljson.nested(project), flows=flows)
    return records.dataset_select(window).with_only_columns(document).order_by(table.c.id)


def iter_batches(window: records.Window, batch: int, lookups: records.Lookups) -> Iterator[list[dict]]:
    units, services = lookups.units_by_text, lookups.services_by_text  # read before COPY holds the connection
    rows: list[dict] = []
    for (text,) in copy_rows(db.session, document_select(window), STREAMING):
        # orjson directly, not core.db.json_loads: its scan for 19-digit runs cost 1.5 s per 100,000
        # documents, and nothing here can hold an integer beyond 64 bits (bigint columns; the
        # validated bbox floats)
        rows.append(_attached(orjson.loads(text), units, services))
        if len(rows) == batch:
            yield rows
            rows = []
    if rows:
        yield rows


def _attached(doc: dict, units: dict, services: set) -> dict:
    """The document in the shape `records.attach` gives."""
    row = doc["dataset"]
    row["distributions"] = doc["distributions"]
    row["creators"] = doc["creators"]
    contact = doc["contact"]
    row["contact"] = contact and {"email": contact["email"], "unit": units.get(contact["unit_id"] or row["unit_id"])}
    row["unit"] = units.get(row["unit_id"])
    row["project"] = doc["project"]
    row["flows"] = [f for f in doc["flows"] if f["source_system_id"] is None or f["source_system_id"] in services]
    return row
