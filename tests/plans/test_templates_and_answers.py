"""Template versioning (draft → published immutable → retired), conditional questions, completeness,
answers with their own version, and guided migration of a plan to a newer template version."""
from __future__ import annotations

import pytest

from dmp_registry.core.errors import ConflictError, InvalidInput, NotFoundError
from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans.completeness import completeness
from dmp_registry.plans.service import plan_service, template_version_service


def test_published_version_is_immutable_and_new_versions_are_numbered(make_template, content, admin):
    _u, identity, _h = admin
    template, v1 = make_template()
    assert v1.status == "published" and v1.number == 1 and v1.published_at is not None
    with pytest.raises(ConflictError), unit_of_work():
        template_version_service.update(identity, v1.id, {"content": content}, v1.version)
    with unit_of_work():
        v2 = template_version_service.create(identity, {"template_id": template.id})
    assert (v2.number, v2.status, v2.content) == (2, "draft", v1.content)
    with pytest.raises(ConflictError), unit_of_work():  # one draft at a time
        template_version_service.create(identity, {"template_id": template.id})
    content["sections"][0]["questions"][0]["text"]["en"] = "Describe the data in detail"
    with unit_of_work():
        v2 = template_version_service.update(identity, v2.id, {"content": content}, v2.version)
        template_version_service.publish(identity, v2.id)
        template_version_service.retire(identity, v1.id)
    with unit_of_work():
        assert template_version_service.read(identity, v1.id).status == "retired"
        assert template_version_service.latest_published(template.id).id == v2.id
    with pytest.raises(ConflictError), unit_of_work():
        template_version_service.publish(identity, v2.id)


def test_content_is_checked_before_publishing(make_template, content):
    content["sections"][1]["questions"][1]["condition"] = {"question": "no-such-question", "equals": True}
    with pytest.raises(InvalidInput) as caught:
        make_template(content)
    assert "no-such-question" in str(caught.value.errors)
    content["sections"][1]["questions"][1]["condition"] = {"question": "t-personal", "equals": "ja"}
    with pytest.raises(InvalidInput) as caught:
        make_template(content)
    assert "cannot be answered with" in str(caught.value.errors)
    broken = {"sections": [{"key": "s", "title": {"en": "S"}, "questions": [
        {"key": "q", "text": {"en": "Q"}, "type": "choice"}]}]}
    with pytest.raises(InvalidInput) as caught:
        make_template(broken)
    assert "scheme" in str(caught.value.errors)


def test_researchers_cannot_edit_templates_nor_see_drafts(make_template, create_user):
    _u, researcher, _h = create_user("researcher")
    template, draft = make_template(publish=False)
    with pytest.raises(NotFoundError):
        template_version_service.read(researcher, draft.id)
    from dmp_registry.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied), unit_of_work():
        template_version_service.create(researcher, {"template_id": template.id})


def test_plan_cannot_start_on_a_draft(make_template, make_plan):
    _t, draft = make_template(publish=False)
    with pytest.raises(InvalidInput) as caught:
        make_plan(version=draft)
    assert "template_version_id" in caught.value.errors


def test_conditional_questions_and_completeness(make_plan, create_user):
    _u, researcher, _h = create_user("researcher")
    plan = make_plan(researcher)
    state = completeness(plan_service.read(researcher, plan.id))
    # t-basis is hidden until personal data is answered yes: two required questions shown
    assert (state["required"], state["answered"], state["complete"]) == (2, 0, False)
    assert state["missing"] == ["t-desc", "t-personal"]
    with unit_of_work():
        plan_service.save_answer(researcher, plan.id, "t-desc", "Fugletellinger", None)
        plan_service.save_answer(researcher, plan.id, "t-personal", True, None)
    state = completeness(plan_service.read(researcher, plan.id))
    assert (state["required"], state["answered"], state["missing"]) == (3, 2, ["t-basis"])
    legal = state["sections"][1]
    assert (legal["key"], legal["questions"], legal["answered"], legal["percent"]) == ("legal", 4, 1, 25)
    answer = next(a for a in plan_service.read(researcher, plan.id).answers if a.question_key == "t-personal")
    with unit_of_work():
        plan_service.save_answer(researcher, plan.id, "t-personal", False, answer.version)
    state = completeness(plan_service.read(researcher, plan.id))
    assert (state["required"], state["answered"], state["complete"], state["percent"]) == (2, 2, True, 100)


def test_answers_are_checked_by_type_and_versioned(make_plan, create_user):
    _u, researcher, _h = create_user("researcher")
    plan = make_plan(researcher)
    for key, bad in (("t-personal", "yes"), ("t-volume", "many"), ("t-start", "2026-13-01"), ("t-dpia", "maybe"),
                     ("t-datasets", ["not-a-uuid"]), ("t-desc", 12)):
        with pytest.raises(InvalidInput) as caught, unit_of_work():
            plan_service.save_answer(researcher, plan.id, key, bad, None)
        assert "value" in caught.value.errors, key
    with pytest.raises(NotFoundError), unit_of_work():
        plan_service.save_answer(researcher, plan.id, "no-such-question", "x", None)
    with unit_of_work():
        first_version = plan_service.save_answer(researcher, plan.id, "t-volume", 2.5, None).version
    with pytest.raises(ConflictError), unit_of_work():  # someone else saved meanwhile: your version is stale
        plan_service.save_answer(researcher, plan.id, "t-volume", 3, first_version + 1)
    with pytest.raises(ConflictError), unit_of_work():  # answered meanwhile: compare before overwriting (409)
        plan_service.save_answer(researcher, plan.id, "t-volume", 3, None)
    with unit_of_work():
        second = plan_service.save_answer(researcher, plan.id, "t-volume", 3, first_version)
    assert second.value == 3 and second.version == first_version + 1
    history = plan_service.history(researcher, plan.id)
    assert any("answers.t-volume" in change.changes for change in history)


def test_migration_carries_answers_by_key_and_reports_changes(make_template, make_plan, create_user, content, admin):
    _u, researcher, _h = create_user("researcher")
    template, v1 = make_template()
    plan = make_plan(researcher, version=v1)
    with unit_of_work():
        plan_service.save_answer(researcher, plan.id, "t-desc", "Beskrivelse", None)
        plan_service.save_answer(researcher, plan.id, "t-volume", 4, None)
        plan_service.save_answer(researcher, plan.id, "t-start", "2026-01-01", None)
    questions = content["sections"][0]["questions"]
    questions[0]["text"]["en"] = "Describe the data you collect"          # changed text, answer kept
    questions[2]["type"] = "yesno"                                        # changed type: 4 no longer fits
    content["sections"][1]["questions"].pop()                             # t-start removed
    questions.append({"key": "t-new", "text": {"nb": "Ny", "en": "New"}, "type": "text"})
    _ai = admin[1]
    with unit_of_work():
        v2 = template_version_service.create(_ai, {"template_id": template.id, "content": content})
        template_version_service.publish(_ai, v2.id)
    with unit_of_work():
        preview = plan_service.preview_migration(researcher, plan.id, v2.id)
    assert preview["applied"] is False
    assert plan_service.read(researcher, plan.id).template_version_id == v1.id
    with unit_of_work():
        report = plan_service.migrate(researcher, plan.id, v2.id)
    assert (report["from_version"], report["to_version"]) == (1, 2)
    assert report["carried"] == ["t-desc"]
    assert [a["key"] for a in report["added"]] == ["t-new"]
    assert [(r["key"], r["answer"]) for r in report["removed"]] == [("t-start", "2026-01-01")]
    assert {c["key"]: c["changes"] for c in report["changed"]} == {"t-desc": ["text"], "t-volume": ["type"]}
    assert [d["key"] for d in report["dropped"]] == ["t-volume"]
    plan = plan_service.read(researcher, plan.id)
    assert plan.template_version_id == v2.id
    assert {a.question_key: a.value for a in plan.answers} == {"t-desc": "Beskrivelse"}
    with pytest.raises(InvalidInput), unit_of_work():  # not backwards
        plan_service.migrate(researcher, plan.id, v1.id)


def test_editing_a_plan_needs_owner_or_co_author(make_plan, create_user, create_person):
    owner_user, owner, _h = create_user("researcher")
    _c, coauthor, _h2 = create_user("researcher")
    _r, reviewer, _h3 = create_user("researcher")
    _o, outsider, _h4 = create_user("researcher")
    plan = make_plan(owner)
    with unit_of_work():
        plan_service.add_contributor(owner, plan.id, coauthor.person_id, "co_author")
        plan_service.add_contributor(owner, plan.id, reviewer.person_id, "reviewer")
    with unit_of_work():
        plan_service.save_answer(coauthor, plan.id, "t-desc", "Skrevet av medforfatter", None)
    from dmp_registry.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied), unit_of_work():
        plan_service.save_answer(reviewer, plan.id, "t-volume", 1, None)
    with pytest.raises(NotFoundError):
        plan_service.read(outsider, plan.id)
    with pytest.raises(PermissionDenied), unit_of_work():
        plan_service.add_contributor(coauthor, plan.id, outsider.person_id, "co_author")
    assert plan_service.search(outsider, {}).total == 0
    assert plan_service.search(reviewer, {}).total == 1
    assert plan_service.search(system_identity, {"mine": False}).total == 1
    owner_link = next(c for c in plan_service.read(owner, plan.id).contributors if c.role == "owner")
    with pytest.raises(ConflictError), unit_of_work():
        plan_service.remove_contributor(owner, plan.id, owner_link.id)


def test_deleting_templates_and_plans(make_template, make_plan, create_user, admin):
    from dmp_registry.plans import review
    from dmp_registry.plans.service import template_service

    _a, admin_identity, _h = admin
    _u, owner, _h2 = create_user("researcher")
    template, version = make_template()
    plan = make_plan(owner, version=version)
    with pytest.raises(ConflictError), unit_of_work():
        template_service.delete(admin_identity, template.id)  # a plan follows it
    with pytest.raises(ConflictError), unit_of_work():
        template_version_service.delete(admin_identity, version.id)  # published versions stay
    with unit_of_work():
        plan_service.save_answer(owner, plan.id, "t-desc", "Tekst", None)
        plan_service.save_answer(owner, plan.id, "t-personal", False, None)
        review.submit(owner, plan.id)
    with pytest.raises(ConflictError), unit_of_work():
        plan_service.delete(owner, plan.id)  # submitted once: only an admin deletes it
    with unit_of_work():
        plan_service.delete(admin_identity, plan.id)
        template_service.delete(admin_identity, template.id)
    with pytest.raises(NotFoundError):
        plan_service.read(admin_identity, plan.id)


def test_editing_an_approved_plan_makes_it_a_draft_again(make_plan, create_user):
    from dmp_registry.plans import review

    _u, owner, _h = create_user("researcher")
    _c, curator, _h2 = create_user("curator")
    plan = make_plan(owner)
    with unit_of_work():
        plan_service.save_answer(owner, plan.id, "t-desc", "Tekst", None)
        plan_service.save_answer(owner, plan.id, "t-personal", False, None)
        review.submit(owner, plan.id)
    with unit_of_work():
        review.approve(curator, plan.id)
    with unit_of_work():
        plan_service.save_answer(owner, plan.id, "t-volume", 7, None)
    plan = plan_service.read(owner, plan.id)
    assert plan.status == "draft" and [s.status for s in plan.snapshots] == ["approved"]
