"""Assessments (one per dataset), the workflow, comments and rescue intakes."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..core.db import db, utcnow
from ..core.errors import ConflictError, InvalidInput, NotFoundError
from ..core.history import record_change
from ..core.identity import Identity
from ..core.service import RecordService, check_version, require_reference
from ..datasets.models import Dataset
from ..datasets.permissions import DatasetPolicy
from ..datasets.service import dataset_service
from ..organisation.models import Person, Unit
from ..vocabularies.terms import CLASSIFICATION_INTERNAL, local
from .models import KINDS, Assessment, AssessmentComment, RescueIntake, StateChange
from .permissions import AssessmentPolicy, RescuePolicy
from .schemas import AssessmentRecord, RescueIntakeRecord
from .scores import recompute

#: state → states it may move to (anything else is a 422)
TRANSITIONS = {
    "identified": ("assessed",),
    "assessed": ("in_progress", "identified"),
    "in_progress": ("secured", "published", "assessed"),
    "secured": ("verified", "in_progress"),
    "published": ("verified", "in_progress"),
    "verified": ("in_progress",),
}
DONE = {"securing": ("secured", "verified"), "publishing": ("published", "verified")}


class AssessmentService(RecordService):
    model, entity_type, policy = Assessment, "assessment", AssessmentPolicy()
    snapshot_schema = AssessmentRecord()
    sort_fields = {"updated": Assessment.updated_at, "created": Assessment.created_at}
    list_options = get_options = (selectinload(Assessment.dataset), selectinload(Assessment.comments))

    def filtered(self, identity, args):
        self.policy.require(identity, "list")
        stmt = select(Assessment).join(Dataset, Dataset.id == Assessment.dataset_id).where(
            self.policy.read_filter(identity, Dataset))
        for key in ("state", "dataset_id", "assignee_id"):
            if args.get(key) is not None:
                stmt = stmt.where(getattr(Assessment, key) == args[key])
        return stmt

    def for_dataset(self, identity, dataset_id) -> Assessment | None:
        found = db.session.scalar(select(Assessment.id).where(Assessment.dataset_id == dataset_id))
        return self.read(identity, found) if found else None

    def validate(self, identity, obj, data):
        errors = {}
        if "dataset_id" in data:
            dataset = require_reference(Dataset, data["dataset_id"], "dataset_id", "dataset")
            if not DatasetPolicy().can_read(identity, dataset):
                raise InvalidInput(errors={"dataset_id": [f"Unknown dataset: {data['dataset_id']}"]})
            if db.session.scalar(select(Assessment.id).where(Assessment.dataset_id == dataset.id)):
                raise ConflictError("The dataset already has an assessment; change that one.")
        if data.get("assignee_id") is not None:
            user = db.session.get(User, data["assignee_id"])
            if user is None or not set(user.roles or ()) & {"curator", "admin"}:
                errors["assignee_id"] = ["Assign the work to a curator."]
        for kind in KINDS:
            value = data.get(f"{kind}_override", getattr(obj, f"{kind}_override"))
            reason = data.get(f"{kind}_override_reason", getattr(obj, f"{kind}_override_reason"))
            if value is not None and not reason:
                errors[f"{kind}_override_reason"] = ["Give a reason for overriding the score."]
        if errors:
            raise InvalidInput(errors=errors)

    def apply(self, identity, obj, data):
        super().apply(identity, obj, data)
        for kind in KINDS:  # a removed override takes its reason along
            if getattr(obj, f"{kind}_override") is None:
                setattr(obj, f"{kind}_override_reason", None)
        obj.assessed_by = identity.name
        if obj.state is None:
            obj.state = "assessed"

    def create(self, identity, data):
        try:
            with db.session.begin_nested():  # two curators assessing the same dataset at once: 409, not 500
                obj = super().create(identity, data)
        except IntegrityError as exc:
            raise ConflictError("The dataset already has an assessment; change that one.") from exc
        db.session.add(StateChange(dataset_id=obj.dataset_id, state=obj.state, at=utcnow()))
        recompute([obj.dataset_id])
        return obj

    def update(self, identity, record_id, data, expected_version):
        obj = super().update(identity, record_id, data, expected_version)
        recompute([obj.dataset_id])
        return obj

    def delete(self, identity, record_id, expected_version=None):
        """The score goes back to the registry facts alone (no override, no assessed levels):
        nothing else would rescore it, as the dataset itself did not change."""
        obj = self.read(identity, record_id)
        dataset_id = obj.dataset_id
        super().delete(identity, record_id, expected_version)
        # the dashboard counts datasets that reached a step: without an assessment it reached none
        db.session.execute(delete(StateChange).where(StateChange.dataset_id == dataset_id))
        recompute([dataset_id])

    def transition(self, identity: Identity, record_id, state: str, expected_version: int | None) -> Assessment:
        obj = self.read(identity, record_id)
        self.policy.require(identity, "transition", obj)
        check_version(obj, expected_version)
        if state not in TRANSITIONS.get(obj.state, ()):
            allowed = ", ".join(TRANSITIONS.get(obj.state, ())) or "none"
            raise InvalidInput(errors={"state": [f"Cannot move from {obj.state} to {state}; allowed: {allowed}."]})
        before = self.snapshot(obj)
        obj.state = state
        obj.updated_at = utcnow()
        db.session.add(StateChange(dataset_id=obj.dataset_id, state=state, at=utcnow()))
        db.session.flush()
        record_change(identity, self.entity_type, obj.id, "update", before, self.snapshot(obj), obj.version)
        return obj

    def comment(self, identity: Identity, record_id, text: str) -> AssessmentComment:
        obj = self.read(identity, record_id)
        self.policy.require(identity, "comment", obj)
        comment = AssessmentComment(assessment_id=obj.id, author_id=identity.user_id, author_name=identity.name,
                                    text=text, created_at=utcnow())
        db.session.add(comment)
        db.session.flush()
        record_change(identity, "assessment_comment", obj.id, "create", None, {"text": text})
        return comment


assessment_service = AssessmentService()


# ---- rescue intake ("seniordata") ---------------------------------------------------------------
class RescueService:
    policy = RescuePolicy()

    def submit(self, identity: Identity, data: dict) -> RescueIntake:
        """Each listed holding becomes a draft dataset (through the dataset service: history, search,
        permissions), held by the person, not listed, unpublished."""
        self.policy.require(identity, "create")
        person = self._person(identity, data.get("person_id"))
        unit_id = data.get("unit_id") or (person.unit_id if person else None) or identity.unit_id
        if unit_id is None:
            raise InvalidInput(errors={"unit_id": ["Choose the unit the data belongs to."]})
        require_reference(Unit, unit_id, "unit_id", "unit")
        if data["retirement_date"] < dt.date.today() - dt.timedelta(days=3650):
            raise InvalidInput(errors={"retirement_date": ["Give the date you leave (or left) the museum."]})
        created = [dataset_service.create(identity, self._draft(item, unit_id, person)) for item in data["items"]]
        intake = RescueIntake(person_id=person.id if person else None, submitted_by_id=identity.user_id,
                              retirement_date=data["retirement_date"], unit_id=unit_id,
                              items=[_plain(item) for item in data["items"]], dataset_ids=[str(d.id) for d in created])
        db.session.add(intake)
        db.session.flush()
        record_change(identity, "rescue_intake", intake.id, "create", None, RescueIntakeRecord().dump(intake), intake.version)
        recompute(self._held_by(person, created))
        return intake

    @staticmethod
    def _held_by(person, created) -> set:
        """The new drafts and every dataset the person already holds: the intake's retirement date
        raises their securing scores now (refresh_stale only sees changed datasets and people)."""
        ids = {d.id for d in created}
        if person is not None:
            ids |= set(db.session.scalars(select(Dataset.id).where(Dataset.custodian_id == person.id)))
        return ids

    def _person(self, identity, person_id):
        if person_id is not None and person_id != identity.person_id:
            if not identity.is_curator:
                raise InvalidInput(errors={"person_id": ["You can only file an intake for yourself."]})
            return require_reference(Person, person_id, "person_id", "person")
        return db.session.get(Person, identity.person_id) if identity.person_id else None

    @staticmethod
    def _draft(item: dict, unit_id, person) -> dict:
        description = [f"Format: {item['format']}" if item.get("format") else None,
                       f"Omtrent {item['volume_gb']:g} GB" if item.get("volume_gb") is not None else None,
                       "Registrert ved overlevering før avgang (seniordata)."]
        return {
            "title": {"nb": item["title"]}, "description": {"nb": " ".join(p for p in description if p)},
            "dataset_type": item.get("dataset_type") or local("dataset-type", "research-data"),
            "classification": CLASSIFICATION_INTERNAL, "unit_id": unit_id,
            "custodian_id": person.id if person else None, "listed": False,
            "volume_bytes": int(item["volume_gb"] * 1e9) if item.get("volume_gb") is not None else None,
            "storage_locations": [{"kind": item["storage_kind"], "description": item.get("location"),
                                   "medium": item.get("medium"), "copies": 1, "backed_up": False}],
        }

    def read(self, identity, intake_id) -> RescueIntake:
        intake = db.session.get(RescueIntake, intake_id)
        if intake is None or not (self.policy.can(identity, "list") or intake.submitted_by_id == identity.user_id):
            raise NotFoundError(f"No rescue intake with id {intake_id}")
        return intake


def _plain(item: dict) -> dict:
    return {k: v for k, v in item.items() if v is not None}


rescue_service = RescueService()
