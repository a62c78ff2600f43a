"""Fixtures of the maDMP tests: a template whose questions name maDMP paths, official examples, helpers."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans.madmp import schema_errors
from dmp_registry.plans.service import plan_service, template_service, template_version_service

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "mappings" / "reference" / "madmp" / "examples").glob("*.json"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _q(key, en, kind, path=None, **extra):
    return {"key": key, "text": {"nb": en, "en": en}, "type": kind, "madmp_path": path, **extra}


CONTENT = {"sections": [
    {"key": "description", "title": {"nb": "Beskrivelse", "en": "Description"}, "questions": [
        _q("m-desc", "Describe the data", "text", "dmp.description"),
        _q("m-datasets", "Datasets", "datasets", "dmp.dataset"),
        _q("m-quality", "Quality assurance", "text", "dmp.dataset[*].data_quality_assurance"),
        _q("m-notes", "Anything else", "text"),
    ]},
    {"key": "ethics", "title": {"nb": "Etikk", "en": "Ethics"}, "questions": [
        _q("m-ethics", "Ethical issues?", "yesno", "dmp.ethical_issues_exist"),
        _q("m-ethics-desc", "Describe them", "text", "dmp.ethical_issues_description"),
        _q("m-ethics-report", "Report", "text", "dmp.ethical_issues_report"),
    ]},
    {"key": "storage", "title": {"nb": "Lagring", "en": "Storage and security"}, "questions": [
        _q("m-security", "Security", "text", "dmp.dataset[*].security_and_privacy[].description"),
        _q("m-preserve", "Preservation", "text", "dmp.dataset[*].preservation_statement"),
        _q("m-backup", "Backup", "text", "dmp.dataset[*].distribution[].host.backup_frequency"),
        _q("m-access", "Access statement", "text", "dmp.dataset[*].data_access_statement"),
    ]},
    {"key": "costs", "title": {"nb": "Kostnader", "en": "Costs of data management"}, "questions": [
        _q("m-cost-text", "Costs", "text", "dmp.cost[].description"),
        _q("m-cost-value", "Amount (NOK)", "number", "dmp.cost[].value"),
    ]},
]}


@pytest.fixture
def madmp_template():
    """The template imports go to (key science-europe, like the shipped one), published."""
    with unit_of_work():
        template = template_service.by_key("science-europe")
        if template is None:
            template = template_service.create(system_identity, {
                "key": "science-europe", "title": {"nb": "Science Europe", "en": "Science Europe"}})
        version = template_version_service.create(system_identity, {
            "template_id": template.id, "content": copy.deepcopy(CONTENT)})
        template_version_service.publish(system_identity, version.id)
    return version


@pytest.fixture
def researcher(create_user, create_unit):
    unit = create_unit()
    user, identity, headers = create_user("researcher", unit=unit)
    return user, identity, headers


@pytest.fixture
def native_plan(madmp_template, researcher, create_project, create_dataset):
    """A plan written in the registry: one dataset, answers to mapped and unmapped questions."""
    _user, identity, _headers = researcher
    project = create_project(funder="Norges forskningsråd", grant_id="325123", start_date="2025-01-01")
    dataset = create_dataset(project_id=str(project.id))
    with unit_of_work():
        plan = plan_service.create(identity, {"title": "Fugleplan", "language": "nb", "project_id": project.id,
                                              "template_version_id": madmp_template.id})
        plan_service.add_dataset(identity, plan.id, dataset.id)
        for key, value in (("m-desc", "Ringmerking av fugl"), ("m-ethics", False), ("m-notes", "Ingen"),
                           ("m-quality", "Dobbel registrering"), ("m-security", "Lås"), ("m-access", "Åpent etter 2027"),
                           ("m-cost-text", "Lagring"), ("m-cost-value", 12000)):
            plan_service.save_answer(identity, plan.id, key, value, None)
    return plan.id, dataset.id, identity


def load(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def assert_valid(document):
    errors = schema_errors(document)
    assert errors == {}, json.dumps(errors, indent=1)[:3000]
