from __future__ import annotations

from sqlalchemy import or_

from ..core.errors import ConflictError, InvalidInput
from ..core.service import RecordService, require_reference
from ..core.db import db
from .models import Person, Project, Unit, sort_key
from .permissions import PersonPolicy, ProjectPolicy, UnitPolicy
from .schemas import PersonOut, ProjectOut, UnitOut


def _unique(model, column: str, value, obj, message: str):
    if value is None:
        return
    other = db.session.query(model.id).filter(getattr(model, column) == value, model.id != obj.id).first()
    if other is not None:
        raise InvalidInput(errors={column: [message]})


def _referenced(obj, *checks):
    """ConflictError if any (model, column) still points at obj."""
    for model, column, label in checks:
        if db.session.query(model.id).filter(column == obj.id).first() is not None:
            raise ConflictError(f"Still used by at least one {label}; move or delete those first.")


class UnitService(RecordService):
    model, entity_type, policy = Unit, "unit", UnitPolicy()
    snapshot_schema = UnitOut()
    lang_fields = ("name",)
    sort_fields = {"code": Unit.code, "created": Unit.created_at, "updated": Unit.updated_at}
    default_sort = "code"

    def validate(self, identity, obj, data):
        _unique(Unit, "code", data.get("code"), obj, "Another unit has this code.")
        if data.get("parent_id") is not None:
            parent = require_reference(Unit, data["parent_id"], "parent_id", "unit")
            seen = {obj.id}
            while parent is not None:
                if parent.id in seen:
                    raise InvalidInput(errors={"parent_id": ["A unit cannot be inside itself."]})
                seen.add(parent.id)
                parent = parent.parent

    def before_delete(self, identity, obj):
        from ..datasets.models import Dataset

        _referenced(obj, (Unit, Unit.parent_id, "sub-unit"), (Person, Person.unit_id, "person"),
                    (Project, Project.unit_id, "project"), (Dataset, Dataset.unit_id, "dataset"))


class PersonService(RecordService):
    model, entity_type, policy = Person, "person", PersonPolicy()
    snapshot_schema = PersonOut()
    sort_fields = {"name": Person.name, "created": Person.created_at, "updated": Person.updated_at,
                   "employment_end": Person.employment_end}
    default_sort = "name"

    def apply_filters(self, stmt, args):
        if args.get("unit_id"):
            stmt = stmt.where(Person.unit_id == args["unit_id"])
        if args.get("q"):
            like = f"%{args['q'].lower()}%"
            stmt = stmt.where(or_(Person.name.ilike(like), Person.email.ilike(like)))
        if args.get("leaving_before"):
            stmt = stmt.where(Person.employment_end <= args["leaving_before"])
        return stmt

    def validate(self, identity, obj, data):
        if data.get("email"):
            data["email"] = data["email"].lower()
        _unique(Person, "email", data.get("email"), obj, "Another person has this e-mail address.")
        _unique(Person, "orcid", data.get("orcid"), obj, "Another person has this ORCID iD.")
        require_reference(Unit, data.get("unit_id"), "unit_id", "unit")

    def before_delete(self, identity, obj):
        from ..datasets.models import Dataset

        _referenced(obj, (Dataset, Dataset.custodian_id, "dataset (as custodian)"),
                    (Dataset, Dataset.contact_point_id, "dataset (as contact point)"))


class ProjectService(RecordService):
    model, entity_type, policy = Project, "project", ProjectPolicy()
    snapshot_schema = ProjectOut()
    lang_fields = ("title",)
    sort_fields = {"title": Project.title_sort, "created": Project.created_at, "updated": Project.updated_at,
                   "start": Project.start_date}
    default_sort = "title"

    def apply_filters(self, stmt, args):
        if args.get("unit_id"):
            stmt = stmt.where(Project.unit_id == args["unit_id"])
        if args.get("q"):
            stmt = stmt.where(Project.title_sort.contains(args["q"].casefold(), autoescape=True))
        return stmt

    def validate(self, identity, obj, data):
        require_reference(Unit, data.get("unit_id"), "unit_id", "unit")
        require_reference(Person, data.get("leader_id"), "leader_id", "person")
        start = data.get("start_date", obj.start_date)
        end = data.get("end_date", obj.end_date)
        if start and end and start > end:
            raise InvalidInput(errors={"end_date": ["Must not be before the start."]})

    def apply(self, identity, obj, data):
        super().apply(identity, obj, data)
        obj.title_sort = sort_key(obj.title)

    def before_delete(self, identity, obj):
        from ..datasets.models import Dataset

        _referenced(obj, (Dataset, Dataset.project_id, "dataset"))


unit_service = UnitService()
person_service = PersonService()
project_service = ProjectService()
