"""The shared shape of a record service: load → permission → validate → mutate → flush → history."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from .db import db, utcnow
from .errors import ConflictError, InvalidInput, NotFoundError
from .history import history_of, record_change
from .identity import Identity
from .permissions import Policy
from .schemas import clean_lang


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int


class RecordService:
    model: type
    entity_type: str
    policy: Policy
    snapshot_schema = None  # a marshmallow schema instance: raw record (export + history)
    lang_fields: tuple[str, ...] = ()
    sort_fields: dict = {}
    default_sort: str = "-updated"
    list_options: tuple = ()
    get_options: tuple = ()

    # ---- reading -------------------------------------------------------------------
    def _load(self, record_id, options=()):
        obj = db.session.get(self.model, record_id, options=options) if isinstance(record_id, uuid.UUID) else None
        if obj is None:
            raise NotFoundError(f"No {self.entity_type.replace('_', ' ')} with id {record_id}")
        return obj

    def read(self, identity: Identity, record_id):
        obj = self._load(record_id, self.get_options)
        if not self.policy.can(identity, "read", obj):
            # Not readable looks exactly like not existing: no existence leak.
            raise NotFoundError(f"No {self.entity_type.replace('_', ' ')} with id {record_id}")
        self.present(identity, [obj])
        return obj

    def present(self, identity: Identity, objs: list) -> None:
        """Prepare records for output to `identity` (e.g. hide linked records it may not read)."""

    def filtered(self, identity: Identity, args: dict):
        """The SELECT of readable records matching `args` (without order/paging)."""
        self.policy.require(identity, "list")
        stmt = select(self.model).where(self.policy.read_filter(identity, self.model))
        return self.apply_filters(stmt, args)

    def apply_filters(self, stmt, args: dict):
        return stmt

    def order_by(self, sort: str | None):
        """Sort column plus id as tie-breaker, both in the same direction so one (column, id) index serves."""
        sort = sort or self.default_sort
        columns = (self.sort_fields[sort.lstrip("-")], self.model.id)
        return [c.desc() if sort.startswith("-") else c.asc() for c in columns]

    def search(self, identity: Identity, args: dict) -> Page:
        stmt = self.filtered(identity, args)
        page, per_page = args.get("page", 1), args.get("per_page", 25)
        total = db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(self.model.id).subquery()))
        # Page the ids first (narrow, index-ordered), then load the full records of just that page.
        ids = db.session.scalars(
            stmt.with_only_columns(self.model.id).order_by(*self.order_by(args.get("sort")))
            .limit(per_page).offset((page - 1) * per_page)
        ).all()
        loaded = {obj.id: obj for obj in db.session.scalars(
            select(self.model).where(self.model.id.in_(ids)).options(*self.list_options))} if ids else {}
        items = [loaded[i] for i in ids if i in loaded]
        self.present(identity, items)
        return Page(items, total, page, per_page)

    def history(self, identity: Identity, record_id):
        obj = self.read(identity, record_id)
        self.policy.require(identity, "history", obj)
        return history_of(self.entity_type, obj.id)

    # ---- writing -------------------------------------------------------------------
    def snapshot(self, obj) -> dict:
        return self.snapshot_schema.dump(obj)

    def apply(self, identity: Identity, obj, data: dict) -> None:
        """Copy validated input onto the record. Areas override for references and children."""
        for key, value in data.items():
            setattr(obj, key, clean_lang(value) if key in self.lang_fields else value)

    def validate(self, identity: Identity, obj, data: dict) -> None:
        """Checks that need the database (references, uniqueness); raise InvalidInput."""

    def create(self, identity: Identity, data: dict):
        self.policy.require(identity, "create")
        obj = self.model()
        self.validate(identity, obj, data)
        self.apply(identity, obj, data)
        self.policy.require(identity, "save", obj)
        db.session.add(obj)
        db.session.flush()
        record_change(identity, self.entity_type, obj.id, "create", None, self.snapshot(obj), obj.version)
        self.present(identity, [obj])
        return obj

    def update(self, identity: Identity, record_id, data: dict, expected_version: int | None):
        obj = self.read(identity, record_id)
        self.policy.require(identity, "update", obj)
        check_version(obj, expected_version)
        before = self.snapshot(obj)
        self.validate(identity, obj, data)
        self.apply(identity, obj, data)
        self.policy.require(identity, "save", obj)  # e.g. not moved to a unit you may not write
        after = self.snapshot(obj)
        if before != after:
            obj.updated_at = utcnow()  # also bumps `version` when only children changed
            db.session.flush()
            record_change(identity, self.entity_type, obj.id, "update", before, self.snapshot(obj), obj.version)
        self.present(identity, [obj])
        return obj

    def delete(self, identity: Identity, record_id, expected_version: int | None = None) -> None:
        obj = self.read(identity, record_id)
        self.policy.require(identity, "delete", obj)
        if expected_version is not None:  # deleting without a version is allowed; with one it is checked
            check_version(obj, expected_version)
        self.before_delete(identity, obj)
        before = self.snapshot(obj)
        db.session.delete(obj)
        db.session.flush()
        record_change(identity, self.entity_type, obj.id, "delete", before, None, obj.version)

    def before_delete(self, identity: Identity, obj) -> None:
        """Raise ConflictError when other records still point at `obj`; record cascades."""


def check_version(obj, expected_version: int | None) -> None:
    if expected_version is None:
        raise InvalidInput(errors={"version": ["Send the version you read (or an If-Match header)."]})
    if expected_version != obj.version:
        raise ConflictError(
            f"The record is at version {obj.version}, your change was based on version {expected_version}.",
            errors={"current_version": obj.version},
        )


def require_reference(model, record_id, field: str, label: str):
    """Load a referenced record or raise a 422 naming the field."""
    if record_id is None:
        return None
    obj = db.session.get(model, record_id)
    if obj is None:
        raise InvalidInput(errors={field: [f"Unknown {label}: {record_id}"]})
    return obj
