"""Services of templates, template versions and plans (answers, contributors, datasets, migration).

Notes for plans-web and madmp (beyond PLANS-CONTRACT.md; contract names unchanged):
- `template_version_service.create(identity, {"template_id": id, "content": {...}?})` makes the next draft
  (content omitted: a copy of the newest version); `publish(identity, id, version=None)`, `retire(...)`.
- `plan_service.create(identity, {..., "owner_id": person_id?})`: the owner defaults to the acting person.
- `plan_service.save_answer(...)` returns the Answer row; for a "datasets" question the value is the list of
  dataset ids and it also sets the plan's dataset links to exactly that list.
- `plan_service.preview_migration(identity, plan_id, template_version_id)` returns the same report as
  `migrate(...)` without changing anything: {from_version, to_version, carried, added, removed, changed, dropped}.
- `plan_service.add_contributor / remove_contributor`, `remove_dataset`, `dataset_facts(identity, plan_id)`.
- Editing an approved plan sets it back to draft (it must be submitted again); a submitted plan is locked (409).
"""
from __future__ import annotations

import datetime as dt
import math
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.db import db, utcnow
from ..core.errors import ConflictError, InvalidInput, NotFoundError
from ..core.history import record_change
from ..core.identity import Identity
from ..core.service import RecordService, check_version, require_reference
from ..datasets.models import Dataset
from ..datasets.permissions import DatasetPolicy
from ..organisation.models import Person, Project, Unit, sort_key
from .completeness import iter_questions, questions_by_key
from .models import Answer, Plan, PlanContributor, PlanDataset, PlanTemplate, TemplateVersion
from .permissions import plan_policy, template_policy, template_version_policy
from .schemas import PlanRecord, TemplateRecord, VersionRecord

MAX_TEXT_ANSWER = 50_000


def plan_uri(plan_id) -> str:
    from ..dcat.uris import base_uri

    return f"{base_uri()}/plans/{plan_id}"


# ---- templates ------------------------------------------------------------------------------
class TemplateService(RecordService):
    model, entity_type, policy = PlanTemplate, "plan_template", template_policy
    snapshot_schema = TemplateRecord()
    lang_fields = ("title", "description")
    sort_fields = {"title": PlanTemplate.title_sort, "updated": PlanTemplate.updated_at}
    default_sort = "title"
    list_options = get_options = (selectinload(PlanTemplate.versions),)

    def apply_filters(self, stmt, args):
        if args.get("q"):
            stmt = stmt.where(PlanTemplate.title_sort.contains(args["q"].casefold(), autoescape=True))
        return stmt

    def present(self, identity, objs):
        for obj in objs:
            obj.visible_versions = [v for v in obj.versions if template_version_policy.can_read(identity, v)]

    def validate(self, identity, obj, data):
        if "owner_unit_id" in data:
            require_reference(Unit, data["owner_unit_id"], "owner_unit_id", "unit")
        if "key" in data and db.session.scalar(select(PlanTemplate.id).where(
                PlanTemplate.key == data["key"], PlanTemplate.id != obj.id)) is not None:
            raise InvalidInput(errors={"key": ["Another template has this key."]})

    def apply(self, identity, obj, data):
        super().apply(identity, obj, data)
        obj.description = obj.description or {}
        obj.title_sort = sort_key(obj.title)

    def before_delete(self, identity, obj):
        used = db.session.scalar(select(func.count(Plan.id)).join(TemplateVersion).where(TemplateVersion.template_id == obj.id))
        if used:
            raise ConflictError(f"{used} plan(s) follow this template; retire its versions instead of deleting it.")

    def by_key(self, key: str) -> PlanTemplate | None:
        return db.session.scalar(select(PlanTemplate).where(PlanTemplate.key == key))


class TemplateVersionService(RecordService):
    model, entity_type, policy = TemplateVersion, "plan_template_version", template_version_policy
    snapshot_schema = VersionRecord()
    sort_fields = {"number": TemplateVersion.number, "updated": TemplateVersion.updated_at}
    default_sort = "number"

    def apply_filters(self, stmt, args):
        if args.get("template_id"):
            stmt = stmt.where(TemplateVersion.template_id == args["template_id"])
        if args.get("status"):
            stmt = stmt.where(TemplateVersion.status == args["status"])
        return stmt

    def create(self, identity, data):
        """The next draft of a template; without content a copy of the newest version's content."""
        self.policy.require(identity, "create")
        template = require_reference(PlanTemplate, data.get("template_id"), "template_id", "template")
        if template is None:
            raise InvalidInput(errors={"template_id": ["Missing data for required field."]})
        if any(v.status == "draft" for v in template.versions):
            raise ConflictError("This template already has a draft version; edit or publish it first.")
        content = data.get("content")
        if content is None:
            content = dict(template.versions[-1].content) if template.versions else {"sections": []}
        validate_content(content)
        number = max((v.number for v in template.versions), default=0) + 1
        obj = TemplateVersion(template=template, number=number, status="draft", content=content,
                              created_by_id=identity.user_id)
        db.session.add(obj)
        db.session.flush()
        record_change(identity, self.entity_type, obj.id, "create", None, self.snapshot(obj), obj.version)
        return obj

    def update(self, identity, record_id, data, expected_version):
        obj = self.read(identity, record_id)
        self.policy.require(identity, "update", obj)
        check_version(obj, expected_version)
        self._require_draft(obj)
        if "content" in data:
            validate_content(data["content"])
        before = self.snapshot(obj)
        obj.content = data.get("content", obj.content)
        if before != self.snapshot(obj):
            obj.updated_at = utcnow()
            db.session.flush()
            record_change(identity, self.entity_type, obj.id, "update", before, self.snapshot(obj), obj.version)
        return obj

    def before_delete(self, identity, obj):
        self._require_draft(obj)

    def publish(self, identity: Identity, version_id, expected_version: int | None = None) -> TemplateVersion:
        """Freeze a draft: from now on its content never changes and plans may start on it."""
        return self._set_status(identity, version_id, expected_version, "publish", ("draft",), "published")

    def retire(self, identity: Identity, version_id, expected_version: int | None = None) -> TemplateVersion:
        """No new plans on this version; plans that follow it keep it (and may migrate)."""
        return self._set_status(identity, version_id, expected_version, "retire", ("published",), "retired")

    def _set_status(self, identity, version_id, expected_version, action, allowed, status):
        obj = self.read(identity, version_id)
        self.policy.require(identity, "publish", obj)
        if expected_version is not None:
            check_version(obj, expected_version)
        if obj.status not in allowed:
            raise ConflictError(f"Only a {' or '.join(allowed)} version can be {status}; this one is {obj.status}.")
        if status == "published":
            validate_content(obj.content)
            obj.published_at = utcnow()
        before = self.snapshot(obj)
        obj.status = status
        db.session.flush()
        record_change(identity, self.entity_type, obj.id, "update", before, self.snapshot(obj), obj.version)
        return obj

    @staticmethod
    def _require_draft(obj):
        if obj.status != "draft":
            raise ConflictError(f"Version {obj.number} is {obj.status} and cannot change; create a new version.")

    def latest_published(self, template_id) -> TemplateVersion | None:
        return db.session.scalar(select(TemplateVersion).where(
            TemplateVersion.template_id == template_id, TemplateVersion.status == "published")
            .order_by(TemplateVersion.number.desc()).limit(1))


def validate_content(content: dict) -> None:
    """Structure (schema) and references: unique keys, conditions on earlier questions, known schemes."""
    from ..vocabularies.models import ConceptScheme
    from .schemas import TemplateContentSchema

    errors = TemplateContentSchema().validate(content)
    if errors:
        raise InvalidInput(errors={"content": errors})
    seen, problems = {}, []
    section_keys = set()
    for section in content["sections"]:
        if section["key"] in section_keys:
            problems.append(f"Section key {section['key']!r} is used twice.")
        section_keys.add(section["key"])
        for question in section["questions"]:
            key = question["key"]
            if key in seen:
                problems.append(f"Question key {key!r} is used twice.")
            condition = question.get("condition")
            if condition and condition["question"] not in seen:
                problems.append(f"Question {key!r} depends on {condition['question']!r}, which is not an earlier question.")
            elif condition and not _can_equal(seen[condition["question"]], condition.get("equals")):
                problems.append(f"Question {key!r} is shown when {condition['question']!r} is {condition.get('equals')!r}, "
                                "which that question cannot be answered with.")
            scheme = question.get("scheme")
            if question["type"] == "choice" and scheme and db.session.get(ConceptScheme, scheme) is None:
                problems.append(f"Question {key!r} names an unknown vocabulary {scheme!r}.")
            seen[key] = question
    if problems:
        raise InvalidInput(errors={"content": problems})


def _can_equal(question: dict, value) -> bool:
    """Can an answer to `question` equal `value` (the value of a condition)?"""
    kind = question["type"]
    if kind == "yesno":
        return isinstance(value, bool)
    if kind == "choice" and question.get("options"):
        return value in {o["value"] for o in question["options"]}
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str)


# ---- plans ----------------------------------------------------------------------------------
class PlanService(RecordService):
    model, entity_type, policy = Plan, "plan", plan_policy
    snapshot_schema = PlanRecord()
    sort_fields = {"title": Plan.title_sort, "created": Plan.created_at, "updated": Plan.updated_at}
    children = (selectinload(Plan.contributors).selectinload(PlanContributor.person),
                selectinload(Plan.dataset_links), selectinload(Plan.answers),
                selectinload(Plan.template_version).selectinload(TemplateVersion.template))
    list_options = children
    # one plan is usually shown with its datasets' registry facts: load them in a few queries, not per dataset
    get_options = (*children, selectinload(Plan.project),
                   selectinload(Plan.dataset_links).selectinload(PlanDataset.dataset).selectinload(Dataset.storage_locations),
                   selectinload(Plan.dataset_links).selectinload(PlanDataset.dataset).selectinload(Dataset.distributions))

    # ---- reading ------------------------------------------------------------------------
    def apply_filters(self, stmt, args):
        for key, column in (("project_id", Plan.project_id), ("status", Plan.status)):
            if args.get(key) is not None:
                stmt = stmt.where(column == args[key])
        if args.get("template_id"):
            versions = select(TemplateVersion.id).where(TemplateVersion.template_id == args["template_id"])
            stmt = stmt.where(Plan.template_version_id.in_(versions))
        if args.get("q"):
            stmt = stmt.where(Plan.title_sort.contains(args["q"].casefold(), autoescape=True))
        if args.get("mine"):
            person_id = args["_identity"].person_id
            mine = select(PlanContributor.plan_id).where(PlanContributor.person_id == person_id)
            stmt = stmt.where(Plan.id.in_(mine))
        return stmt

    def search(self, identity, args):
        return super().search(identity, {**args, "_identity": identity})

    def dataset_facts(self, identity, plan_id, lang: str | None = None) -> list[dict]:
        from .facts import plan_dataset_facts

        return plan_dataset_facts(identity, self.read(identity, plan_id), lang)

    # ---- plan fields --------------------------------------------------------------------
    def validate(self, identity, obj, data):
        errors = {}
        if "project_id" in data and db.session.get(Project, data["project_id"]) is None:
            errors["project_id"] = [f"Unknown project: {data['project_id']}"]
        if "template_version_id" in data:
            version = db.session.get(TemplateVersion, data["template_version_id"])
            if version is None or not template_version_policy.can_read(identity, version):
                errors["template_version_id"] = [f"Unknown template version: {data['template_version_id']}"]
            elif version.status != "published":
                errors["template_version_id"] = [f"Plans start on a published template version; this one is {version.status}."]
        owner_id = data.get("owner_id")
        if obj.id is None and owner_id is None and identity.person_id is None:
            errors["owner_id"] = ["A plan needs an owner: sign in as a person or name the owner."]
        if owner_id is not None:
            if db.session.get(Person, owner_id) is None:
                errors["owner_id"] = [f"Unknown person: {owner_id}"]
            elif owner_id != identity.person_id and not identity.is_curator:
                errors["owner_id"] = ["Only curators start a plan on someone else's behalf."]
        if errors:
            raise InvalidInput(errors=errors)

    def apply(self, identity, obj, data):
        data = dict(data)
        owner_id = data.pop("owner_id", None)
        if obj.status == "approved" and any(getattr(obj, key) != value for key, value in data.items()):
            obj.status = "draft"  # like a changed answer: what was approved is no longer what the plan says
        for key, value in data.items():
            setattr(obj, key, value)
        obj.title_sort = (obj.title or "").casefold()[:300]
        if obj.status is None:
            obj.status = "draft"
        if obj.language is None:
            obj.language = "nb"
        if obj.created_by_id is None:
            obj.created_by_id = identity.user_id
        if not obj.contributors:
            person_id = owner_id or identity.person_id
            obj.contributors = [PlanContributor(person_id=person_id, role="owner")]

    def update(self, identity, record_id, data, expected_version):
        plan = self.read(identity, record_id)
        self._require_editable(identity, plan)
        return super().update(identity, record_id, data, expected_version)

    def before_delete(self, identity, obj):
        if obj.snapshots and not identity.has_role("admin"):
            raise ConflictError("The plan has been submitted; only an admin may delete it.")

    def _require_editable(self, identity, plan) -> None:
        """Editors may change a draft or returned plan; an approved plan goes back to draft when changed."""
        self.policy.require(identity, "update", plan)
        if plan.status == "submitted":
            raise ConflictError("The plan is submitted for review; it can change again after the reviewer's decision.")

    def _touch(self, identity, plan, before: dict) -> None:
        """After a change of answers or datasets: an approved plan is a draft again; record the change."""
        if plan.status == "approved":
            plan.status = "draft"
        after = self.snapshot(plan)
        plan.updated_at = utcnow()
        db.session.flush()
        record_change(identity, "plan", plan.id, "update", before, after, plan.version)

    # ---- answers ------------------------------------------------------------------------
    def answers(self, identity, plan_id) -> list[Answer]:
        plan = self.read(identity, plan_id)
        return sorted(plan.answers, key=lambda a: a.question_key)

    def save_answer(self, identity: Identity, plan_id, question_key: str, value, version: int | None) -> Answer:
        """Store one answer. `version` is the answer's version you read (None: a question not answered before)."""
        plan = self.read(identity, plan_id)
        self._require_editable(identity, plan)
        question = questions_by_key(plan.template_version.content).get(question_key)
        if question is None:
            raise NotFoundError(f"The plan's template has no question {question_key!r}")
        if question["type"] == "datasets":
            value = self._dataset_answer(identity, plan, question, value)
        else:
            value = clean_answer(identity, question, value)
        answer = next((a for a in plan.answers if a.question_key == question_key), None)
        if answer is None and version is not None:
            raise ConflictError("This answer was removed meanwhile; reload the plan.", errors={"current_version": None})
        if answer is not None and version is None:  # someone answered it since the page was loaded
            raise ConflictError("This question was answered meanwhile; compare the answers.",
                                errors={"current_version": answer.version})
        if answer is not None:
            check_version(answer, version)
        before_plan = self.snapshot(plan)
        old = answer.value if answer is not None else None
        if answer is None:
            answer = Answer(plan=plan, question_key=question_key)
            db.session.add(answer)
        answer.value = value
        answer.updated_by_id = identity.user_id
        if question["type"] == "datasets":
            self._set_dataset_links(identity, plan, value or [])
        db.session.flush()
        if old != value:
            record_change(identity, "plan", plan.id, "update", {f"answers.{question_key}": old},
                          {f"answers.{question_key}": value}, plan.version)
            self._touch(identity, plan, before_plan)
        return answer

    # ---- datasets -----------------------------------------------------------------------
    def add_dataset(self, identity: Identity, plan_id, dataset_id) -> PlanDataset:
        plan = self.read(identity, plan_id)
        self._require_editable(identity, plan)
        dataset = db.session.get(Dataset, dataset_id) if isinstance(dataset_id, uuid.UUID) else None
        if dataset is None or not DatasetPolicy().can_read(identity, dataset):
            raise InvalidInput(errors={"dataset_id": [f"Unknown dataset: {dataset_id}"]})
        if any(link.dataset_id == dataset.id for link in plan.dataset_links):
            raise ConflictError("The dataset is already part of the plan.")
        before = self.snapshot(plan)
        link = PlanDataset(dataset=dataset, position=len(plan.dataset_links))
        plan.dataset_links.append(link)
        db.session.flush()
        self._touch(identity, plan, before)
        return link

    def remove_dataset(self, identity: Identity, plan_id, dataset_id) -> None:
        plan = self.read(identity, plan_id)
        self._require_editable(identity, plan)
        link = next((link for link in plan.dataset_links if link.dataset_id == dataset_id), None)
        if link is None:
            raise NotFoundError(f"The plan has no dataset {dataset_id}")
        before = self.snapshot(plan)
        plan.dataset_links.remove(link)
        for position, other in enumerate(plan.dataset_links):
            other.position = position
        db.session.flush()
        self._touch(identity, plan, before)

    def create_dataset(self, identity: Identity, plan_id, payload: dict) -> Dataset:
        """Register a new dataset in the registry (a normal dataset, through dataset_service) and link it.
        Defaults: the plan's project, the project's unit (else yours), type research data, classification internal."""
        from ..datasets.service import dataset_service
        from ..vocabularies.terms import local

        plan = self.read(identity, plan_id)
        self._require_editable(identity, plan)
        data = dict(payload)
        data.setdefault("project_id", plan.project_id)
        if data.get("unit_id") is None:
            data["unit_id"] = plan.project.unit_id or identity.unit_id
        if data["unit_id"] is None:
            raise InvalidInput(errors={"unit_id": ["Name the unit that holds the dataset."]})
        data.setdefault("dataset_type", local("dataset-type", "research-data"))
        data.setdefault("classification", local("classification", "internal"))
        dataset = dataset_service.create(identity, data)
        self.add_dataset(identity, plan.id, dataset.id)
        return dataset

    def _dataset_answer(self, identity, plan, question, value) -> list | None:
        """The datasets answer an editor sends. Datasets already linked that the editor may not read (linked by a
        colleague who may) are accepted when sent back and kept when left out: nobody unlinks what they cannot see."""
        policy = DatasetPolicy()
        unseen = [str(link.dataset_id) for link in plan.dataset_links if not policy.can_read(identity, link.dataset)]
        if unseen and (value is None or isinstance(value, list)):
            sent = [v for v in value or [] if str(v) not in unseen]
            return (clean_answer(identity, question, sent) or []) + unseen
        return clean_answer(identity, question, value)

    def _set_dataset_links(self, identity, plan, dataset_ids: list) -> None:
        wanted = [uuid.UUID(str(i)) for i in dataset_ids]
        keep = {link.dataset_id: link for link in plan.dataset_links}
        links = []
        for position, dataset_id in enumerate(wanted):
            link = keep.get(dataset_id) or PlanDataset(dataset=db.session.get(Dataset, dataset_id))
            link.position = position
            links.append(link)
        plan.dataset_links = links

    # ---- contributors -------------------------------------------------------------------
    def add_contributor(self, identity: Identity, plan_id, person_id, role: str) -> PlanContributor:
        plan = self.read(identity, plan_id)
        self.policy.require(identity, "manage", plan)
        if db.session.get(Person, person_id) is None:
            raise InvalidInput(errors={"person_id": [f"Unknown person: {person_id}"]})
        if any(c.person_id == person_id for c in plan.contributors):
            raise ConflictError("This person already contributes to the plan; remove them first to change the role.")
        before = self.snapshot(plan)
        contributor = PlanContributor(person_id=person_id, role=role)
        plan.contributors.append(contributor)
        db.session.flush()
        plan.updated_at = utcnow()
        db.session.flush()
        record_change(identity, "plan", plan.id, "update", before, self.snapshot(plan), plan.version)
        return contributor

    def remove_contributor(self, identity: Identity, plan_id, contributor_id) -> None:
        plan = self.read(identity, plan_id)
        self.policy.require(identity, "manage", plan)
        contributor = next((c for c in plan.contributors if c.id == contributor_id), None)
        if contributor is None:
            raise NotFoundError(f"No contributor {contributor_id} on this plan")
        if contributor.role == "owner" and sum(c.role == "owner" for c in plan.contributors) == 1:
            raise ConflictError("A plan keeps at least one owner; add another owner first.")
        before = self.snapshot(plan)
        plan.contributors.remove(contributor)
        plan.updated_at = utcnow()
        db.session.flush()
        record_change(identity, "plan", plan.id, "update", before, self.snapshot(plan), plan.version)

    # ---- migration to a newer template version -------------------------------------------
    def preview_migration(self, identity: Identity, plan_id, template_version_id) -> dict:
        plan = self.read(identity, plan_id)
        self.policy.require(identity, "update", plan)
        target = self._migration_target(identity, plan, template_version_id)
        return migration_report(identity, plan, target)

    def migrate(self, identity: Identity, plan_id, template_version_id, expected_version: int | None = None) -> dict:
        """Move the plan to a newer published version of its template, carrying answers by question key.
        Answers of removed questions, and answers that no longer fit a changed question, are dropped
        (they stay in the plan's history); the report lists every question added, removed or changed."""
        plan = self.read(identity, plan_id)
        self._require_editable(identity, plan)
        if expected_version is not None:
            check_version(plan, expected_version)
        target = self._migration_target(identity, plan, template_version_id)
        report = migration_report(identity, plan, target)
        before = self.snapshot(plan)
        gone = {item["key"] for item in report["removed"] + report["dropped"]}
        old_answers = {a.question_key: a.value for a in plan.answers if a.question_key in gone}
        plan.answers = [a for a in plan.answers if a.question_key not in gone]
        plan.template_version = target
        if plan.status == "approved":
            plan.status = "draft"  # new questions: it must be submitted (and approved) again
        plan.updated_at = utcnow()
        db.session.flush()
        record_change(identity, "plan", plan.id, "update",
                      {**before, **{f"answers.{k}": v for k, v in old_answers.items()}},
                      {**self.snapshot(plan), **{f"answers.{k}": None for k in old_answers}}, plan.version)
        return {**report, "applied": True}

    def _migration_target(self, identity, plan, template_version_id) -> TemplateVersion:
        target = db.session.get(TemplateVersion, template_version_id) if isinstance(template_version_id, uuid.UUID) else None
        current = plan.template_version
        if target is None or not template_version_policy.can_read(identity, target):
            raise InvalidInput(errors={"template_version_id": [f"Unknown template version: {template_version_id}"]})
        if target.template_id != current.template_id:
            raise InvalidInput(errors={"template_version_id": ["A plan migrates only to a version of its own template."]})
        if target.status != "published":
            raise InvalidInput(errors={"template_version_id": [f"Version {target.number} is {target.status}, not published."]})
        if target.number <= current.number:
            raise InvalidInput(errors={"template_version_id": [
                f"The plan is on version {current.number}; choose a newer version."]})
        return target


COMPARED = ("text", "type", "scheme", "options", "required", "condition")


def migration_report(identity, plan, target: TemplateVersion) -> dict:
    """What moving `plan` to `target` does, question by question."""
    old_sections = {q["key"]: s["key"] for s, q in iter_questions(plan.template_version.content)}
    new_sections = {q["key"]: s["key"] for s, q in iter_questions(target.content)}
    old = questions_by_key(plan.template_version.content)
    new = questions_by_key(target.content)
    answers = {a.question_key: a.value for a in plan.answers}

    def item(question, section, changes=(), with_answer=False):
        return {"key": question["key"], "section": section, "text": question.get("text") or {},
                "changes": list(changes), "answer": answers.get(question["key"]) if with_answer else None}

    added = [item(q, new_sections[k]) for k, q in new.items() if k not in old]
    removed = [item(q, old_sections[k], with_answer=True) for k, q in old.items() if k not in new]
    changed, dropped, carried = [], [], []
    for key, question in new.items():
        if key not in old:
            continue
        diffs = [name for name in COMPARED if old[key].get(name) != question.get(name)]
        if diffs:
            changed.append(item(question, new_sections[key], diffs, with_answer=True))
        if key in answers:
            try:
                clean_answer(identity, question, answers[key])
                carried.append(key)
            except InvalidInput:
                dropped.append(item(question, new_sections[key], diffs, with_answer=True))
    return {"from_version": plan.template_version.number, "to_version": target.number, "carried": sorted(carried),
            "added": added, "removed": removed, "changed": changed, "dropped": dropped,
            "applied": False}


# ---- answer values ------------------------------------------------------------------------
def clean_answer(identity, question: dict, value):
    """The stored form of an answer to `question`, or InvalidInput on field "value"."""
    if value is None or (isinstance(value, str) and not value.strip() and question["type"] != "datasets"):
        return None
    kind = question["type"]
    checker = _CHECKS[kind]
    try:
        return checker(identity, question, value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(errors={"value": [str(exc)]}) from exc


def _text(identity, question, value):
    if not isinstance(value, str):
        raise ValueError("Give the answer as text.")
    if len(value) > MAX_TEXT_ANSWER:
        raise ValueError(f"At most {MAX_TEXT_ANSWER} characters.")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("Text must not contain control characters.")
    return value.strip()


def _yesno(identity, question, value):
    if not isinstance(value, bool):
        raise ValueError("Answer yes (true) or no (false).")
    return value


def _number(identity, question, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("Give a number.")
    if abs(value) > 10**15:
        raise ValueError("The number is too large.")
    return value


def _date(identity, question, value):
    if not isinstance(value, str):
        raise ValueError("Give a date as YYYY-MM-DD.")
    try:
        parsed = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("Give a date as YYYY-MM-DD.") from None
    if not 1000 <= parsed.year <= 9999:
        raise ValueError("Year must be between 1000 and 9999.")
    return parsed.isoformat()


def _choice(identity, question, value):
    from ..vocabularies.service import concept_cache

    if not isinstance(value, str):
        raise ValueError("Choose one of the offered values.")
    if question.get("options"):
        if value not in {o["value"] for o in question["options"]}:
            raise ValueError(f"Choose one of: {', '.join(o['value'] for o in question['options'])}.")
        return value
    info = concept_cache.get(value)
    if info is None or info.scheme != question.get("scheme") or info.deprecated:
        raise ValueError(f"Unknown concept in '{question.get('scheme')}': {value}")
    return value


def _datasets(identity, question, value):
    if not isinstance(value, list) or len(value) > 500:
        raise ValueError("Give a list of dataset ids.")
    try:
        ids = [uuid.UUID(str(v)) for v in value]
    except ValueError:
        raise ValueError("Give a list of dataset ids.") from None
    if len(set(ids)) != len(ids):
        raise ValueError("A dataset is listed twice.")
    found = {d.id: d for d in db.session.scalars(select(Dataset).where(Dataset.id.in_(ids)))} if ids else {}
    policy = DatasetPolicy()
    unknown = [str(i) for i in ids if i not in found or (identity is not None and not policy.can_read(identity, found[i]))]
    if unknown:
        raise ValueError(f"Unknown dataset: {', '.join(unknown)}")
    return [str(i) for i in ids]


_CHECKS = {"text": _text, "richtext": _text, "yesno": _yesno, "number": _number, "date": _date,
           "choice": _choice, "datasets": _datasets}


template_service = TemplateService()
template_version_service = TemplateVersionService()
plan_service = PlanService()
