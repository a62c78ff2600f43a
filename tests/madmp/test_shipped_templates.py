"""The shipped templates (Science Europe, Horizon Europe, the museum's) work with the one generic mapping."""
from __future__ import annotations

import json

import pytest

from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans.loader import shipped_templates
from dmp_registry.plans.madmp import export_plan, import_madmp, path_table

from .conftest import EXAMPLES, assert_valid, load

KEYS = ("science-europe", "horizon-europe", "vitenskapsmuseet")


@pytest.fixture
def shipped():
    from dmp_registry.plans.loader import load_templates

    with unit_of_work():
        load_templates()


def test_every_madmp_path_of_the_shipped_templates_is_in_the_table():
    table = path_table()
    paths = {q.get("madmp_path") for item in shipped_templates() for s in item["content"]["sections"]
             for q in s["questions"]} - {None}
    assert paths and paths <= set(table), paths - set(table)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("path", [EXAMPLES[1], next(p for p in EXAMPLES if p.stem == "ex9-dmp-long")], ids=lambda p: p.stem)
def test_official_examples_round_trip_through_each_shipped_template(shipped, researcher, key, path):
    _user, identity, _headers = researcher
    original = load(path)
    with unit_of_work():
        result = import_madmp(identity, original, template_key=key)
    assert result.losses == []
    exported = export_plan(identity, result.plan.id)
    assert_valid(exported)
    assert exported == original
    answers = {a.question_key for a in result.plan.answers}
    if "description" in original["dmp"]:
        assert answers, "the template's dmp.description question received the description"


def sample_answer(question, dataset_id):
    kind = question["type"]
    if kind == "yesno":
        return True
    if kind == "number":
        return 42
    if kind == "date":
        return "2026-05-01"
    if kind == "datasets":
        return [str(dataset_id)]
    if kind == "choice":
        if question.get("options"):
            return question["options"][0]["value"]
        from sqlalchemy import select

        from dmp_registry.core.db import db
        from dmp_registry.vocabularies.models import Concept

        return db.session.scalar(select(Concept.uri).where(Concept.scheme_id == question["scheme"]).limit(1))
    return f"Answer to {question['key']}"


@pytest.mark.parametrize("key", KEYS)
def test_a_fully_answered_plan_on_each_shipped_template_exports_valid_with_every_answer(
        shipped, researcher, create_project, create_dataset, key):
    from dmp_registry.core.db import db
    from dmp_registry.organisation.models import Unit
    from dmp_registry.plans.madmp import questions
    from dmp_registry.plans.service import plan_service, template_service, template_version_service
    from dmp_registry.vocabularies.terms import local

    _user, identity, _headers = researcher
    unit = db.session.get(Unit, identity.unit_id)
    project = create_project(unit=unit)
    dataset = create_dataset(unit=unit, storage_locations=[{"kind": local("storage-kind", "institutional")}])
    version = template_version_service.latest_published(template_service.by_key(key).id)
    with unit_of_work():
        plan = plan_service.create(identity, {"title": "Full", "language": "en", "project_id": project.id,
                                              "template_version_id": version.id})
        plan_service.add_dataset(identity, plan.id, dataset.id)
        answered = {}
        for _section, question in questions(version):
            value = sample_answer(question, dataset.id)
            plan_service.save_answer(identity, plan.id, question["key"], value, None)
            answered[question["key"]] = value
    document = export_plan(identity, plan.id)
    assert_valid(document)
    text = json.dumps(document, ensure_ascii=False)
    table = path_table()
    for _section, question in questions(version):  # every written answer is somewhere in the export
        if question["type"] in ("text", "richtext"):
            assert answered[question["key"]] in text, question["key"]
        elif question.get("madmp_path") not in table or table[question["madmp_path"]]["target"] == "extension":
            assert json.dumps(answered[question["key"]], ensure_ascii=False) in text, question["key"]
