"""The three shipped templates: loaded idempotently as published version 1, valid, bilingual, conditional."""
from __future__ import annotations

import copy

from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans.completeness import completeness_of, iter_questions
from dmp_registry.plans.loader import load_templates, shipped_templates
from dmp_registry.plans.service import template_service, template_version_service


def test_load_templates_is_idempotent_and_publishes_version_1(app, system):
    with unit_of_work():
        assert load_templates() == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0}
    with unit_of_work():
        assert load_templates() == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0}
    for key in ("science-europe", "horizon-europe", "vitenskapsmuseet"):
        template = template_service.by_key(key)
        assert [(v.number, v.status) for v in template.versions] == [(1, "published")]
    # a changed shipped file becomes version 2; plans on version 1 keep it
    items = shipped_templates()
    changed = copy.deepcopy(items[0])
    changed["content"]["sections"][0]["questions"][0]["help"] = {"nb": "Ny hjelp", "en": "New help"}
    import tempfile
    from pathlib import Path

    import yaml

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "t.yaml").write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
        with unit_of_work():
            assert load_templates(directory=Path(tmp))["updated"] == 1
    template = template_service.by_key(changed["key"])
    assert [(v.number, v.status) for v in template.versions] == [(1, "published"), (2, "published")]
    assert template_version_service.latest_published(template.id).number == 2


def test_the_cli_command_loads_templates(app):
    result = app.test_cli_runner().invoke(args=["dmp", "plans", "load-templates"])
    assert result.exit_code == 0, result.output
    assert "3 created" in result.output


def test_shipped_templates_are_complete_and_bilingual():
    templates = {t["key"]: t for t in shipped_templates()}
    assert set(templates) == {"science-europe", "horizon-europe", "vitenskapsmuseet"}
    se = templates["science-europe"]["content"]["sections"]
    assert len(se) == 6
    assert [s["title"]["en"].split(". ", 1)[1] for s in se] == [
        "Data description and collection or re-use of existing data", "Documentation and data quality",
        "Storage and backup during the research process", "Legal and ethical requirements, codes of conduct",
        "Data sharing and long-term preservation", "Data management responsibilities and resources"]
    he = [s["title"]["en"] for s in templates["horizon-europe"]["content"]["sections"]]
    for wanted in ("Data summary", "findable", "accessible", "interoperable", "re-use", "Other research outputs",
                   "Allocation of resources", "Data security", "Ethics", "Other issues"):
        assert any(wanted in title for title in he), wanted
    museum = str(templates["vitenskapsmuseet"])
    for wanted in ("MUSIT", "Artsdatabanken", "nesting sites", "archaeological sites", "Archives Act", "arkivlova"):
        assert wanted in museum, wanted
    for template in templates.values():
        questions = [q for _s, q in iter_questions(template["content"])]
        for question in questions:
            assert question["text"].get("nb") and question["text"].get("en"), question["key"]
        assert any(q.get("condition") for q in questions)
        assert any(q.get("required") for q in questions)
        assert any(q.get("madmp_path") == "dmp.dataset" for q in questions)
        assert any(q.get("madmp_path") == "dmp.ethical_issues_exist" for q in questions)


def test_personal_data_yes_asks_for_legal_basis_and_dpia():
    content = {t["key"]: t for t in shipped_templates()}["science-europe"]["content"]
    no = completeness_of(content, {"se-4-personal": False})
    yes = completeness_of(content, {"se-4-personal": True})
    assert {"se-4-legal-basis", "se-4-dpia", "se-4a"} <= set(yes["missing"])
    assert not {"se-4-legal-basis", "se-4-dpia", "se-4a"} & set(no["missing"])
    assert yes["required"] == no["required"] + 3
