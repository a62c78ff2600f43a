"""Writing a plan end to end in headless Chromium: create it, answer with autosave (a 422 keeps the text,
a 409 shows the other version beside mine), a conditional question appears, link and register
datasets, submit; the reviewer comments and approves. axe-core on the editor, plan and review pages."""
from __future__ import annotations

import re
import uuid

import pytest

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans.service import plan_service

from .conftest import axe_check, browser_login, screenshot, wait_for_focus
from .test_plans_pages import add_contributor, answer, make_web_plan, plan_template  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def wait_for_text(page, selector: str, wanted: str, tries: int = 60) -> str:
    """Poll from Python (the CSP forbids the eval that wait_for_function needs)."""
    found = ""
    for _ in range(tries):
        found = page.inner_text(selector) if page.locator(selector).count() else ""
        if wanted in found:
            return found
        page.wait_for_timeout(100)
    raise AssertionError(f"{selector} never showed {wanted!r}; last: {found!r}")


def english(page) -> None:
    page.goto("/language/en")


@pytest.fixture
def team(create_unit, create_user, create_project, create_dataset):
    unit = create_unit()
    owner, owner_identity, _h = create_user("researcher", unit=unit)
    reviewer, reviewer_identity, _h2 = create_user("researcher", unit=unit)
    project = create_project(unit=unit)
    known = create_dataset(unit=unit, project_id=str(project.id), title={"nb": "Lavregistreringer", "en": "Lichen records"})
    return {"owner": owner, "owner_identity": owner_identity, "reviewer": reviewer,
            "reviewer_identity": reviewer_identity, "project": project, "dataset": known}


def test_write_a_plan_end_to_end(new_page, team, plan_template):  # noqa: F811 - fixture
    _template_id, version_id = plan_template()
    page = new_page()
    browser_login(page, team["owner"].username)
    english(page)
    page.goto("/plans/")
    page.select_option("#new-project-id", value=str(team["project"].id))
    page.select_option("#new-template-version-id", value=str(version_id))
    page.fill("#new-title", "Lichens of Dovre")
    page.click("text=Create the plan")
    page.wait_for_url(re.compile(r".*/edit/data$"))
    assert page.is_visible("#autosave-intro")  # JavaScript is on: the page says it saves as you write
    axe_check(page, "plan editor")
    screenshot(page, "plan-editor")

    page.fill("#q-w-desc-input", "Lichen counts from **Dovre**.")
    wait_for_text(page, "#autosave-status", "Saved")
    wait_for_text(page, "#plan-progress-text", "1 of 2 required questions answered")  # progress follows the answers
    wait_for_text(page, "[data-section-count=data]", "1 of 3 answered")
    page.fill("#q-w-volume-input", "many")
    page.click("#q-w-desc-input")  # leave the field: saved at once
    wait_for_text(page, "#q-w-volume-error", "Give a number.")
    assert page.input_value("#q-w-volume-input") == "many"  # the text stays
    assert "Not saved" in page.inner_text("#autosave-status")
    axe_check(page, "plan editor with a rejected answer")
    page.fill("#q-w-volume-input", "3")
    page.click("#q-w-desc-input")
    wait_for_text(page, "#autosave-status", "Saved")
    assert not page.is_visible("#q-w-volume-error")

    page.select_option("#link-dataset-id", value=str(team["dataset"].id))
    page.click("text=Link dataset")
    page.wait_for_url(re.compile(r".*/edit/data#plan-datasets$"))
    assert "Lavregistreringer" in page.inner_text("#q-w-datasets") or "Lichen records" in page.inner_text("#q-w-datasets")
    page.click("summary:has-text('Register a new dataset')")
    page.fill("#new-ds-title-nb", "Nye lavfunn")
    page.click("text=Register and link the dataset")
    page.wait_for_url(re.compile(r".*/edit/data#plan-datasets$"))
    assert "Nye lavfunn" in page.inner_text("#q-w-datasets")
    assert page.input_value("#q-w-desc-input") == "Lichen counts from **Dovre**."  # autosaved before the reload

    page.click("button[value=next]")
    page.wait_for_url(re.compile(r".*/edit/legal$"))
    assert not page.is_visible("#q-w-basis")  # conditional: hidden until personal data is "yes"
    page.check("#q-w-personal-yes")
    wait_for_text(page, "#autosave-status", "Saved")
    assert page.is_visible("#q-w-basis")
    page.fill("#q-w-basis-input", "Consent")
    page.click("#q-w-start-input")
    wait_for_text(page, "#autosave-status", "Saved")
    axe_check(page, "plan editor, second section")
    page.click("button[value=finish]")
    page.wait_for_url(re.compile(r".*/plans/[0-9a-f-]{36}$"))
    main = page.inner_text("main")
    assert "Consent" in main and "3 of 3 required questions answered" in main and "Nye lavfunn" in main
    page.select_option("#contributor-person", value=str(team["reviewer_identity"].person_id))
    page.select_option("#contributor-role", value="reviewer")
    page.click("text=Add to the plan")
    page.wait_for_url(re.compile(r".*/plans/[0-9a-f-]{36}#contributors$"))
    axe_check(page, "plan page")
    screenshot(page, "plan-page")
    page.click("text=Submit for review")
    page.wait_for_url(re.compile(r".*/plans/[0-9a-f-]{36}$"))
    assert "Submitted" in page.inner_text("main")
    plan_url = page.url

    plan_id = uuid.UUID(plan_url.rsplit("/", 1)[1].split("#")[0])
    reviewer = new_page()
    browser_login(reviewer, team["reviewer"].username)
    english(reviewer)
    reviewer.goto(f"/plans/{plan_id}/review")
    axe_check(reviewer, "review page")
    screenshot(reviewer, "plan-review")
    reviewer.fill("textarea[name='comment.w-basis']", "Name the consent form.")
    reviewer.click("button[value=approve]")
    reviewer.wait_for_url(re.compile(r".*/plans/[0-9a-f-]{36}$"))
    assert "Approved" in reviewer.inner_text("main")
    reviewer.goto(f"/plans/{plan_id}/review")
    assert "Name the consent form." in reviewer.inner_text("main")


def test_autosave_conflict_shows_their_answer_and_keeps_mine(new_page, team, make_web_plan, create_user):  # noqa: F811
    plan_id = make_web_plan(team["owner_identity"], project=team["project"])
    co_author, co_identity, _h = create_user("researcher")
    add_contributor(plan_id, co_identity.person_id, "co_author")
    answer(team["owner_identity"], plan_id, "w-desc", "First words")
    page = new_page()
    browser_login(page, team["owner"].username)
    english(page)
    page.goto(f"/plans/{plan_id}/edit/data")
    answer(co_identity, plan_id, "w-desc", "Their words")  # saved by someone else while the page is open
    page.fill("#q-w-desc-input", "My words")
    page.click("#q-w-volume-input")
    wait_for_text(page, "#q-w-desc [data-theirs]", "Their words")
    assert page.input_value("#q-w-desc-input") == "My words"
    assert "Not saved" in page.inner_text("#autosave-status")
    axe_check(page, "plan editor with a conflict")
    screenshot(page, "plan-editor-conflict")
    page.click("#q-w-desc button[data-resolve=mine]")
    wait_for_text(page, "#autosave-status", "Saved")
    with unit_of_work():
        plan = plan_service.read(system_identity, plan_id)
        assert next(a.value for a in plan.answers if a.question_key == "w-desc") == "My words"


def test_other_plan_pages_pass_axe(new_page, team, make_web_plan, plan_template, admin):  # noqa: F811
    from dmp_registry.plans import review

    template_id, version_id = plan_template()
    plan_id = make_web_plan(team["owner_identity"], project=team["project"], version_id=version_id)
    add_contributor(plan_id, team["reviewer_identity"].person_id, "reviewer")
    for text in ("First", "Second"):
        answer(team["owner_identity"], plan_id, "w-desc", text)
        answer(team["owner_identity"], plan_id, "w-personal", False)
        with unit_of_work():
            review.submit(team["owner_identity"], plan_id)
        with unit_of_work():
            review.return_plan(team["reviewer_identity"], plan_id, [{"question_key": "w-desc", "text": "More."}])
    page = new_page()
    browser_login(page, team["owner"].username)
    english(page)
    page.goto(f"/plans/{plan_id}/snapshots?from=1&to=2")
    assert "Second" in page.inner_text("table.diff")
    for path, name in ((f"/plans/{plan_id}/snapshots?from=1&to=2", "snapshot diff"), ("/plans/", "plan list"),
                       ("/plans/import", "maDMP import")):
        page.goto(path)
        axe_check(page, name)
    page.click("main form button[type=submit]")  # nothing chosen: the error summary takes focus
    wait_for_focus(page, "form-errors")
    axe_check(page, "maDMP import with an error")

    admin_user, _identity, _headers = admin
    admin_page = new_page()
    browser_login(admin_page, admin_user.username)
    english(admin_page)
    admin_page.goto("/plans/templates/")
    axe_check(admin_page, "template list")
    admin_page.click("text=Web template")
    admin_page.click("text=Create a draft version")
    admin_page.wait_for_url(re.compile(r".*/plans/templates/versions/[0-9a-f-]{36}$"))
    axe_check(admin_page, "template draft form")
    screenshot(admin_page, "template-draft")
    admin_page.on("dialog", lambda dialog: dialog.accept())
    admin_page.click("text=Publish this version")  # asks first (data-confirm)
    admin_page.wait_for_selector("text=This version is published and cannot change")
    axe_check(admin_page, "published template version")
    page.goto(f"/plans/{plan_id}/migrate")
    axe_check(page, "migration page")


def test_editor_sections_of_the_shipped_templates_pass_axe(new_page, team):
    from dmp_registry.plans.loader import load_templates
    from dmp_registry.plans.service import template_service, template_version_service

    with unit_of_work():
        load_templates()
    page = new_page()
    browser_login(page, team["owner"].username)
    english(page)
    for key in ("science-europe", "horizon-europe", "vitenskapsmuseet"):
        version = template_version_service.latest_published(template_service.by_key(key).id)
        with unit_of_work():
            plan_id = plan_service.create(team["owner_identity"], {
                "title": f"Plan {key}", "language": "en", "project_id": team["project"].id,
                "template_version_id": version.id}).id
        for section in version.content["sections"]:
            page.goto(f"/plans/{plan_id}/edit/{section['key']}")
            axe_check(page, f"editor {key}/{section['key']}")
