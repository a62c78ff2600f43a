"""The priorities pages in headless Chromium: a curator assesses a dataset (with an override that
needs a reason, then a workflow step), a researcher files a rescue intake, and axe-core (WCAG 2.1
A/AA) runs on every priorities page. Screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from dmp_registry.vocabularies.terms import local

from .conftest import axe_check, browser_login, screenshot, wait_for_focus

pytestmark = pytest.mark.browser
TERM = "https://w3id.org/ntnu-vm/dmp-registry/vocab/assessment-term/"


def test_curator_assesses_a_dataset(new_page, curator, create_dataset, create_person):
    retiring = create_person(employment_end=(dt.date.today() + dt.timedelta(days=90)).isoformat())
    dataset = create_dataset(title={"nb": "Gravdagbøker fra Ørland"}, custodian_id=str(retiring.id),
                             storage_locations=[{"kind": local("storage-kind", "external-disk"), "copies": 1}])
    create_dataset(title={"nb": "Sikret samling"}, storage_locations=[
        {"kind": local("storage-kind", "institutional-backed-up"), "copies": 2, "backed_up": True}])
    user, _identity, _headers = curator
    page = new_page()
    browser_login(page, user.username)
    page.goto("/priorities/worklists/securing")
    rows = page.locator("#worklist tbody tr")
    assert rows.count() == 2 and "Gravdagbøker fra Ørland" in rows.nth(0).inner_text()
    axe_check(page, "securing worklist")
    screenshot(page, "priorities-worklist")
    page.click("#worklist >> text=Gravdagbøker fra Ørland")
    page.wait_for_url(f"**/priorities/datasets/{dataset.id}")
    axe_check(page, "assessment form (new)")
    before = int(page.inner_text("#score-securing .score-number"))
    page.select_option("#f-scientific-value", TERM + "level-high")
    page.select_option("#f-uniqueness", TERM + "level-high")
    page.select_option("#f-regenerable", "False")
    page.fill("#f-securing-override", "97")
    page.click("form.assessment-form button[type=submit]")
    wait_for_focus(page, "form-errors")
    assert page.locator("#f-securing-override-reason-error").is_visible()
    assert page.input_value("#f-securing-override") == "97"  # the input is kept
    axe_check(page, "assessment form with errors")
    page.fill("#f-securing-override-reason", "Eneste kopi av utgravningsdagbøkene")
    page.click("form.assessment-form button[type=submit]")
    page.wait_for_selector("#score-securing .score-number")
    assert page.inner_text("#score-securing .score-number") == "97"
    assert "Eneste kopi av utgravningsdagbøkene" in page.inner_text("#score-securing")
    assert before != 97
    axe_check(page, "assessment saved")
    screenshot(page, "priorities-assessment")
    page.click(".workflow-form button[value=in_progress]")
    page.wait_for_selector(".workflow-form button[value=secured]")
    assert page.locator(".workflow-form button[value=secured]").count() == 1
    for path, name in (("/priorities/", "overview"), ("/priorities/worklists/publishing", "publishing list"),
                       ("/priorities/leaving", "custodians leaving"), ("/priorities/dashboard", "dashboard"),
                       ("/priorities/changes", "changes"), ("/priorities/model", "scoring model")):
        page.goto(path)
        axe_check(page, name)
    page.goto("/priorities/leaving")
    assert retiring.name in page.inner_text("main")
    page.goto("/priorities/dashboard")
    assert page.locator("svg").count() >= 2 and page.locator("#per-unit-table tbody tr").count() >= 1
    screenshot(page, "priorities-dashboard")


def test_researcher_files_a_rescue_intake(new_page, create_user, create_unit):
    user, _identity, _headers = create_user("researcher", unit=create_unit())
    page = new_page()
    browser_login(page, user.username)
    page.goto("/priorities/rescue")
    axe_check(page, "rescue intake")
    page.fill("#f-items-0-title", "Lysbilder fra feltarbeid 1972–1990")
    page.select_option("#f-items-0-storage_kind", local("storage-kind", "paper"))
    page.click("form.rescue-form button[type=submit]")
    wait_for_focus(page, "form-errors")
    assert page.input_value("#f-items-0-title") == "Lysbilder fra feltarbeid 1972–1990"
    axe_check(page, "rescue intake with errors")
    page.fill("#f-retirement_date", (dt.date.today() + dt.timedelta(days=120)).isoformat())
    page.fill("#f-items-1-title", "Målinger på ekstern disk")
    page.select_option("#f-items-1-storage_kind", local("storage-kind", "external-disk"))
    page.fill("#f-items-1-volume_gb", "120")
    page.fill("#f-items-1-format", "CSV, Excel")
    page.click("form.rescue-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/datasets/\?mine=true$"))
    main = page.inner_text("main")
    assert "Lysbilder fra feltarbeid 1972–1990" in main and "Målinger på ekstern disk" in main
    screenshot(page, "priorities-rescue-done")
