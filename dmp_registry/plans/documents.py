"""Search type of plans (see search/registry.py): findable by title, answers, project, template and
contributors. Plans are not public: a plan document's readers are its contributors (person tokens) and
`planstaff` (curators and admins, who read every plan: PlanPolicy). Documents hold no dataset titles,
because a plan may link a dataset its reader may not see."""
from __future__ import annotations

import uuid

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.db import db
from ..datasets.documents import _common, unit_ref
from ..organisation.models import Person, Project
from ..search.registry import Related, SearchType
from .completeness import answer_values, completeness_of, iter_questions
from .models import Answer, Plan, PlanContributor, PlanDataset, TemplateVersion

STAFF = "planstaff"  # letters only: the embedded FTS index splits on "-"


def plan_reader_tokens(identity) -> list[str]:
    if not identity.is_authenticated:
        return ["public"]  # no plan document carries it
    tokens = [STAFF] if identity.is_curator else []
    if identity.person_id is not None:
        tokens.append("person" + identity.person_id.hex)
    return tokens or ["signedin"]


def load_plans(ids: list) -> list[Plan]:
    ids = list(ids)
    if not ids:
        return []
    stmt = (select(Plan).where(Plan.id.in_(ids))
            .options(selectinload(Plan.contributors).selectinload(PlanContributor.person), selectinload(Plan.answers),
                     selectinload(Plan.dataset_links),
                     selectinload(Plan.project).selectinload(Project.unit),
                     selectinload(Plan.template_version).selectinload(TemplateVersion.template))
            .execution_options(populate_existing=True))
    return list(db.session.scalars(stmt))


def _answer_text(plan) -> str:
    """Written answers (text and rich text) in template order: the plan's searchable body."""
    values = {a.question_key: a.value for a in plan.answers}
    texts = [values.get(q["key"]) for _s, q in iter_questions(plan.template_version.content)
             if q["type"] in ("text", "richtext")]
    return "\n".join(t for t in texts if isinstance(t, str) and t)[:30_000]


def plan_document(plan: Plan) -> dict:
    lang = plan.language if plan.language in ("nb", "nn", "en") else "nb"
    readers = [STAFF] + sorted({"person" + c.person_id.hex for c in plan.contributors})
    version = plan.template_version
    state = completeness_of(version.content, answer_values(plan))
    project = plan.project
    return {
        **_common(plan, "plan", {lang: plan.title}, readers),
        "title_sort": plan.title_sort,
        "description": {lang: _answer_text(plan)},
        "plan_status": plan.status, "language": plan.language,
        "project": {k: v for k, v in (project.title or {}).items() if v},
        "project_id": str(project.id),
        "unit": unit_ref(project.unit), "unit_id": str(project.unit_id) if project.unit_id else None,
        "template": {"key": version.template.key, "number": version.number,
                     "title": {k: v for k, v in (version.template.title or {}).items() if k in ("nb", "en") and v}},
        "people": [c.person.name for c in plan.contributors],
        "dataset_count": len(plan.dataset_links),
        "complete": state["complete"], "percent": state["percent"],
        "submitted_at": plan.submitted_at.isoformat() if plan.submitted_at else None,
        "approved_at": plan.approved_at.isoformat() if plan.approved_at else None,
    }


def _plans_where(condition) -> list:
    return [("plan", str(i)) for i in db.session.scalars(select(Plan.id).where(condition))]


def plans_of_people(ids: list[str]):
    people = select(PlanContributor.plan_id).where(PlanContributor.person_id.in_([uuid.UUID(i) for i in ids]))
    return _plans_where(Plan.id.in_(people))


def plans_of_projects(ids: list[str]):
    return _plans_where(Plan.project_id.in_([uuid.UUID(i) for i in ids]))


SEARCH_TYPES = [
    SearchType("plan", Plan, "plans-v4.json", load_plans, plan_document, plan_reader_tokens,
               label={"nb": "Datahåndteringsplan", "en": "Data management plan"},
               page=lambda hit: url_for("plan_pages.view", plan_id=hit["id"])),
]
# Answers, contributors and dataset links belong to one plan; a person's name or a project's title is repeated.
RELATED = [
    Related(Answer, "plan", "plan_id"),
    Related(PlanContributor, "plan", "plan_id"),
    Related(PlanDataset, "plan", "plan_id"),
    Related(Person, "plan_of_person", "id", plans_of_people),
    Related(Project, "plan_of_project", "id", plans_of_projects),
]
