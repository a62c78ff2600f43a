"""The scoring model in the database and the (bulk) recompute of the score table."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import DateTime, Text, bindparam, delete, event, func, insert, select, text, type_coerce
from sqlalchemy.exc import IntegrityError

from ..core.db import db, utcnow
from ..core.errors import ConflictError, InvalidInput
from ..core.history import ChangeRecord, record_change
from ..core.identity import Identity, system_identity
from ..core.progress import progress_bar
from ..datasets.models import Dataset
from ..organisation.models import Person
from ..search import outbox
from .facts import load_facts
from .model_file import read_model_file, validate_model
from .models import KINDS, Assessment, PriorityScore, ScoreRefresh, ScoringModel
from .permissions import ScoringModelPolicy
from .scoring import band_of, score

model_policy = ScoringModelPolicy()
BATCH = 5000


def flatten(node: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in node.items():
        where = f"{prefix}.{key}" if prefix else key
        out.update(flatten(value, where) if isinstance(value, dict) else {where: value})
    return out


def current_model() -> ScoringModel:
    """The model in force; version 1 is loaded from the YAML file on first use."""
    latest = select(ScoringModel).order_by(ScoringModel.number.desc()).limit(1)
    model = db.session.scalar(latest)
    if model is None:
        model = ScoringModel(number=1, weights=read_model_file(), note="Loaded from mappings/priorities/scoring-model.yaml",
                             created_by=system_identity.name)
        try:
            with db.session.begin_nested():
                db.session.add(model)
                db.session.flush()
        except IntegrityError:  # another request loaded version 1 at the same moment: use theirs
            return db.session.scalar(latest)
        record_change(system_identity, "priority_model", model.id, "create", None, flatten(model.weights), model.number)
    return model


def model_history() -> list[ChangeRecord]:
    return list(db.session.scalars(select(ChangeRecord).where(ChangeRecord.entity_type == "priority_model")
                                   .order_by(ChangeRecord.id.desc())))


def update_model(identity: Identity, weights: dict, note: str | None, based_on: int | None,
                 progress=None) -> ScoringModel:
    """A new model version (audited), then every score recomputed with it."""
    model_policy.require(identity, "update")
    old = current_model()
    if based_on is not None and based_on != old.number:
        raise ConflictError(f"The model is at version {old.number}, your change was based on version {based_on}.",
                            errors={"current_version": old.number})
    errors = validate_model(weights, old.weights)
    if errors:
        raise InvalidInput(errors={"weights": errors})
    new = ScoringModel(number=old.number + 1, weights=weights, note=note, created_by=identity.name)
    try:
        with db.session.begin_nested():  # two admins saving at once: the second gets a 409, not a 500
            db.session.add(new)
            db.session.flush()
    except IntegrityError as exc:
        raise ConflictError(f"Someone saved model version {old.number + 1} at the same time; reload it and "
                            f"make your change again.", errors={"current_version": old.number + 1}) from exc
    # the version numbers differ, so a save that changes no weight (a note, a re-load of the file) is audited too
    change = record_change(identity, "priority_model", new.id, "update", {**flatten(old.weights), "model_version": old.number},
                           {**flatten(weights), "model_version": new.number}, new.number)
    if change is not None and note:
        change.changes = {**change.changes, "note": [None, note]}
    recompute(progress=progress)
    return new


# ---- recompute ------------------------------------------------------------------------------
MAIN_FACTORS = 3


def main_factors(result) -> list[dict]:
    """What the score table keeps of the breakdown: the biggest contributions, for lists and exports.
    The full breakdown is computed when a dataset is shown (explain)."""
    return [{"factor": c["factor"], "points": c["points"]} for c in result.contributions[:MAIN_FACTORS]]


def explain(dataset_id, today: dt.date | None = None) -> dict:
    """kind → Result with every factor's contribution, from the dataset's current facts."""
    from .scoring import score as score_of

    fact = load_facts([dataset_id], today).get(dataset_id)
    if fact is None:
        return {}
    weights = current_model().weights
    return {kind: score_of(fact, weights, kind) for kind in KINDS}


def _facts_key(fact) -> tuple:
    return tuple(tuple(v) if isinstance(v, list) else v for v in fact.__dict__.values())


def recompute(dataset_ids=None, today: dt.date | None = None, progress=None) -> int:
    """Scores of the given datasets (None: all) from one facts load; rows rewritten in bulk.
    Identical facts score identically, so each distinct set of facts is scored once. Assessments
    whose score or band moved are queued for re-indexing."""
    model = current_model()
    weights, number = model.weights, model.number
    facts = load_facts(dataset_ids, today)
    if not facts:
        return 0
    overrides = _overrides(dataset_ids)
    postgres = db.dialect == "postgresql"
    previous = {} if postgres else _previous(dataset_ids)  # PostgreSQL compares in SQL (_merge_postgres)
    now = utcnow().replace(tzinfo=None)  # naive UTC: written as is by COPY / executemany below
    rows, moved, memo = [], set(), {}
    with progress_bar(progress, len(facts), "Computing scores") as bar:
        for n, (dataset_id, fact) in enumerate(facts.items(), 1):
            key = _facts_key(fact)
            results = memo.get(key)
            if results is None:
                computed = [(kind, score(fact, weights, kind)) for kind in KINDS]
                results = memo[key] = [(kind, r, json.dumps(main_factors(r), separators=(",", ":")))
                                       for kind, r in computed]
                if postgres:  # COPY text format: backslashes are escapes
                    results = memo[key] = [(kind, r, encoded.replace("\\", "\\\\")) for kind, r, encoded in results]
            own = overrides.get(dataset_id)
            for kind, result, contributions in results:
                override = own.get(kind) if own else None
                effective = result.value if override is None else override
                band = result.band if override is None else band_of(effective, weights)
                old = previous.get((dataset_id, kind))
                changed = old is None or old[0] != effective or old[1] != band
                if changed and old is not None and not postgres:
                    moved.add(dataset_id)
                rows.append((dataset_id, kind, effective, result.value, band, override is not None, contributions,
                             number, now, now if changed else old[2]))
            if n % 1000 == 0:
                bar.update(1000)
        bar.update(len(facts) % 1000)
    if postgres:
        moved = _merge_postgres(db.session, rows)
        if dataset_ids is None:
            _vacuum_after_commit()
    else:
        _write(rows, dataset_ids)
    _queue_moved(moved | (set(overrides) if dataset_ids is not None else set()))
    return len(facts)


SCORE_COLUMNS = ("dataset_id", "kind", "score", "computed", "band", "overridden", "contributions", "model_number",
                 "computed_at", "changed_at")


def _overrides(dataset_ids) -> dict:
    a = Assessment
    stmt = select(a.dataset_id, a.securing_override, a.publishing_override).where(
        (a.securing_override.is_not(None)) | (a.publishing_override.is_not(None)))
    if dataset_ids is not None:
        stmt = stmt.where(a.dataset_id.in_(list(dataset_ids)))
    return {row.dataset_id: {"securing": row.securing_override, "publishing": row.publishing_override}
            for row in db.session.execute(stmt)}


def _previous(dataset_ids) -> dict:
    """(dataset, kind) → (score, band, changed_at as stored: naive UTC), without per-row type processing."""
    table = PriorityScore.__table__
    c = table.c
    stmt = select(c.dataset_id, c.kind, c.score, c.band, type_coerce(c.changed_at, DateTime))
    if dataset_ids is not None:
        stmt = stmt.where(c.dataset_id.in_(list(dataset_ids)))
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in db.session.execute(stmt)}


def _write(rows: list[tuple], dataset_ids) -> None:
    """SQLite: delete and insert the rows in scope (executemany is fast there)."""
    session = db.session
    session.flush()
    table = PriorityScore.__table__
    if dataset_ids is None:
        session.execute(delete(table))
    else:
        session.execute(delete(table).where(table.c.dataset_id.in_(list(dataset_ids))))
    # naive UTC datetimes and pre-encoded JSON: bound as plain values, not through the column types
    plain = {"computed_at": DateTime(), "changed_at": DateTime(), "contributions": Text()}
    stmt = insert(table).values({name: bindparam(name, type_=plain[name]) if name in plain else bindparam(name)
                                 for name in SCORE_COLUMNS})
    for start in range(0, len(rows), BATCH):
        session.execute(stmt, [dict(zip(SCORE_COLUMNS, row)) for row in rows[start:start + BATCH]])
    for obj in [o for o in session.identity_map.values() if isinstance(o, PriorityScore)]:
        session.expunge(obj)  # ORM copies of score rows are stale now


def _merge_postgres(session, rows) -> set:
    """COPY the new scores into a temporary table, then UPDATE the score table from it (an update
    keeps the dataset key, so PostgreSQL skips the per-row foreign-key check that makes a delete +
    insert of 200,000 rows three times slower) and INSERT the rows that are new. `changed_at` moves
    only where score or band moved. Returns the assessed datasets whose score or band moved."""
    session.flush()
    cursor = session.connection().connection.driver_connection.cursor()
    cursor.execute("CREATE TEMP TABLE IF NOT EXISTS priority_score_new (LIKE priority_score) ON COMMIT DROP")
    cursor.execute("TRUNCATE priority_score_new")
    _copy_rows(cursor, rows, "priority_score_new")
    cursor.execute("ANALYZE priority_score_new")
    moved = "(p.score <> n.score OR p.band <> n.band)"
    same_row = "p.dataset_id = n.dataset_id AND p.kind = n.kind"
    cursor.execute(f"SELECT DISTINCT n.dataset_id FROM priority_score_new n JOIN priority_score p ON {same_row} "
                   f"WHERE {moved} AND n.dataset_id IN (SELECT dataset_id FROM assessment)")
    found = {row[0] for row in cursor.fetchall()}
    cursor.execute(f"UPDATE priority_score p SET score = n.score, computed = n.computed, band = n.band, "
                   f"overridden = n.overridden, contributions = n.contributions, model_number = n.model_number, "
                   f"computed_at = n.computed_at, changed_at = CASE WHEN {moved} THEN n.computed_at ELSE p.changed_at END "
                   f"FROM priority_score_new n WHERE {same_row}")
    columns = ", ".join(SCORE_COLUMNS)
    # What is left are new rows. Drop the updated ones first rather than testing NOT EXISTS in the
    # INSERT: an anti-join against the table being inserted into can become a nested loop that
    # rescans every row inserted so far (minutes at 200,000 rows on a table without statistics).
    cursor.execute(f"DELETE FROM priority_score_new n USING priority_score p WHERE {same_row}")
    # ON CONFLICT: another request scoring the same new datasets at the same time (two curators opening
    # a worklist after a change) inserted them first; the later computation wins instead of a 500
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in SCORE_COLUMNS[2:])
    cursor.execute(f"INSERT INTO priority_score ({columns}) SELECT {columns} FROM priority_score_new "
                   f"ON CONFLICT (dataset_id, kind) DO UPDATE SET {updates}")
    for obj in [o for o in session.identity_map.values() if isinstance(o, PriorityScore)]:
        session.expunge(obj)
    return found


def _vacuum_after_commit() -> None:
    """A full recompute rewrites every row: until VACUUM runs, PostgreSQL's index-only scans (the
    worklist counts) read the table again (4x slower lists). Vacuum once the transaction is committed
    rather than waiting for autovacuum."""
    engine = db.engine

    def vacuum(_session):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE) priority_score"))

    event.listen(db.session(), "after_commit", vacuum, once=True)


def _copy_rows(cursor, rows, table: str) -> None:
    """PostgreSQL COPY (text format, lines built here) in the session's transaction: far faster than
    executemany. Values are ids, numbers, fixed words, JSON escaped in recompute() and timestamps."""
    with cursor.copy(f"COPY {table} ({', '.join(SCORE_COLUMNS)}) FROM STDIN") as copy:
        for start in range(0, len(rows), BATCH):
            copy.write("".join(
                f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]}\t{'t' if r[5] else 'f'}\t{r[6]}\t{r[7]}\t{r[8]}\t{r[9]}\n"
                for r in rows[start:start + BATCH]))


def _queue_moved(dataset_ids: set) -> None:
    if not dataset_ids:
        return
    ids = list(dataset_ids)
    found = []
    for start in range(0, len(ids), BATCH):
        found += db.session.execute(select(Assessment.id, Assessment.version)
                                    .where(Assessment.dataset_id.in_(ids[start:start + BATCH]))).all()
    outbox.enqueue(db.session, [("assessment", row.id, row.version) for row in found])


#: changes committed this long before a refresh started are looked at again (transactions in flight)
REFRESH_OVERLAP = dt.timedelta(seconds=30)


def _changed_since(since, limit: int):
    """Datasets changed (or whose custodian changed) after `since` and scored before that change;
    None when there are more than `limit` (then everything is recomputed). Index range scans first,
    so an unchanged registry costs two tiny queries."""
    touched = dict(db.session.execute(select(Dataset.id, Dataset.updated_at).where(Dataset.updated_at > since)).all())
    people = dict(db.session.execute(select(Person.id, Person.updated_at).where(Person.updated_at > since)).all())
    if people:
        for dataset_id, person_id in db.session.execute(select(Dataset.id, Dataset.custodian_id)
                                                        .where(Dataset.custodian_id.in_(list(people)))):
            touched[dataset_id] = max(touched.get(dataset_id) or people[person_id], people[person_id])
    if not touched:
        return []
    ids = list(touched)
    scored = {}
    for start in range(0, len(ids), BATCH):
        scored.update(db.session.execute(select(PriorityScore.dataset_id, PriorityScore.computed_at).where(
            PriorityScore.kind == "securing", PriorityScore.dataset_id.in_(ids[start:start + BATCH]))).all())
    stale = [i for i in ids if i not in scored or scored[i] < touched[i]]
    return None if len(stale) > limit else stale  # a bulk change: one full pass is cheaper


def refresh_stale(limit: int = 20_000) -> int:
    """Score datasets changed (or new, or whose custodian changed) since the last refresh: lists stay
    right without hooks into other areas. Two indexed range queries, so it is cheap when nothing
    changed; whole-model changes and the passing of days use recompute() (`dmp priorities recompute`)."""
    started = utcnow()
    mark = db.session.get(ScoreRefresh, 1)
    if mark is None:  # first refresh: changes since the newest score (no plan-sensitive anti-join)
        newest = db.session.scalar(select(func.max(PriorityScore.computed_at)))
        scored = db.session.scalar(select(func.count()).where(PriorityScore.kind == "securing"))
        unscored = db.session.scalar(select(func.count()).select_from(Dataset)) > scored
        ids = None if newest is None or unscored else _changed_since(newest - REFRESH_OVERLAP, limit)
        try:
            with db.session.begin_nested():
                db.session.add(ScoreRefresh(id=1, through=started))
                db.session.flush()
        except IntegrityError:  # another request's first refresh at the same moment: theirs marks the time
            pass
    else:
        ids = _changed_since(mark.through - REFRESH_OVERLAP, limit)
        mark.through = started
    count = recompute(ids) if ids is None or ids else 0
    db.session.flush()
    return count


def scores_of(dataset_id) -> dict[str, PriorityScore]:
    return {row.kind: row for row in db.session.scalars(select(PriorityScore).where(PriorityScore.dataset_id == dataset_id))}
