"""Fixtures of the plans tests: a small template (with a conditional and a datasets question) and plans."""
from __future__ import annotations

import copy

import pytest

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans.service import plan_service, template_service, template_version_service

CONTENT = {"sections": [
    {"key": "data", "title": {"nb": "Data", "en": "Data"}, "questions": [
        {"key": "t-desc", "text": {"nb": "Beskriv dataene", "en": "Describe the data"}, "type": "text", "required": True,
         "madmp_path": "dmp.description"},
        {"key": "t-datasets", "text": {"nb": "Datasett", "en": "Datasets"}, "type": "datasets", "required": False,
         "madmp_path": "dmp.dataset"},
        {"key": "t-volume", "text": {"nb": "Volum i TB", "en": "Volume in TB"}, "type": "number"},
    ]},
    {"key": "legal", "title": {"nb": "Juss og etikk", "en": "Legal and ethics"}, "questions": [
        {"key": "t-personal", "text": {"nb": "Behandler prosjektet personopplysninger?",
                                       "en": "Does the project process personal data?"}, "type": "yesno", "required": True},
        {"key": "t-basis", "text": {"nb": "Rettslig grunnlag", "en": "Legal basis"}, "type": "text", "required": True,
         "condition": {"question": "t-personal", "equals": True}},
        {"key": "t-dpia", "text": {"nb": "Er det gjort en DPIA?", "en": "Has a DPIA been carried out?"}, "type": "choice",
         "options": [{"value": "yes", "label": {"nb": "Ja", "en": "Yes"}},
                     {"value": "no", "label": {"nb": "Nei", "en": "No"}},
                     {"value": "planned", "label": {"nb": "Planlagt", "en": "Planned"}}],
         "condition": {"question": "t-personal", "equals": True}},
        {"key": "t-start", "text": {"nb": "Startdato", "en": "Start date"}, "type": "date"},
    ]},
]}


@pytest.fixture
def content():
    return copy.deepcopy(CONTENT)


@pytest.fixture
def make_template():
    """make_template(content=None, key=None, publish=True) → (template, version) committed."""
    counter = iter(range(1, 10_000))

    def make(content=None, key=None, publish=True):
        with unit_of_work():
            template = template_service.create(system_identity, {
                "key": key or f"test-template-{next(counter)}", "title": {"nb": "Testmal", "en": "Test template"}})
            version = template_version_service.create(system_identity, {
                "template_id": template.id, "content": copy.deepcopy(content or CONTENT)})
            if publish:
                template_version_service.publish(system_identity, version.id)
        return template, version
    return make


@pytest.fixture
def make_plan(make_template, create_project, create_unit):
    """make_plan(identity=None, project=None, version=None, owner=None) → plan committed (owner = identity's person)."""
    def make(identity=None, project=None, version=None, owner=None, **extra):
        if version is None:
            _template, version = make_template()
        project = project or create_project()
        data = {"title": extra.pop("title", "Min plan"), "language": extra.pop("language", "nb"),
                "project_id": project.id, "template_version_id": version.id, **extra}
        if owner is not None:
            data["owner_id"] = owner.id
        with unit_of_work():
            plan = plan_service.create(identity or system_identity, data)
        return plan
    return make
