"""The portfolio pages in headless Chromium: registering a flow through the form, the graph with
its node links, and axe-core (WCAG 2.1 A/AA) on every new page type. Screenshots in
test-artifacts/screenshots/."""
from __future__ import annotations

import re

import pytest

from dmp_registry.vocabularies.terms import local

from .conftest import axe_check, browser_login, screenshot, wait_for_focus

pytestmark = pytest.mark.browser


def test_curator_registers_a_flow_through_the_form(new_page, curator, create_system, create_dataset):
    source = create_system(name="Samlingsdatabase")
    create_dataset(title={"nb": "Fugletellinger"})
    user, _identity, _headers = curator
    page = new_page()
    browser_login(page, user.username)
    page.click("nav.main-nav >> text=Dataflyt")
    page.wait_for_url("**/flows/")
    page.click("main >> text=Registrer en dataflyt")
    page.wait_for_url("**/flows/new")
    axe_check(page, "flow form")
    page.click("main form button[type=submit]")  # nothing chosen: the service's messages next to the fields
    wait_for_focus(page, "form-errors")
    assert page.locator("#f-title-error").is_visible()
    axe_check(page, "flow form with errors")
    screenshot(page, "flow-form-errors")
    page.fill("#f-title", "Eksport av fugletellinger")
    page.select_option("#f-source", label="System: Samlingsdatabase")
    page.select_option("#f-target", label="System: Samlingsdatabase")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#f-target-error")
    assert "forskjellige" in page.inner_text("#f-target-error")
    page.select_option("#f-target", label="Datasett: Fugletellinger")
    page.select_option("#f-status", label="Aktiv")
    page.check("#f-personal-data")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/flows/[0-9a-f-]{36}$"))
    assert page.locator("h1").inner_text() == "Eksport av fugletellinger"
    main = page.inner_text("main")
    assert "Samlingsdatabase" in main and "Fugletellinger" in main and "Aktiv" in main
    axe_check(page, "flow detail")
    screenshot(page, "flow-detail")
    page.click("main >> text=Dataflyt >> nth=0")  # the breadcrumb
    page.wait_for_url("**/flows/")
    assert "Eksport av fugletellinger" in page.inner_text("main")
    axe_check(page, "flow list")
    screenshot(page, "flow-list")
    assert source.id


def test_graph_nodes_link_to_their_pages(new_page, curator, create_system, create_dataset, create_flow, create_unit):
    unit = create_unit()
    data = create_dataset(title={"nb": "Artsfunn"})
    collection = create_system(name="Samlingsbase", owner_unit_id=str(unit.id), dataset_ids=[str(data.id)],
                               classification=local("classification", "internal"))
    portal = create_system(name="Publiseringsportal", category=local("system-category", "publication-portal"))
    archive = create_system(name="Arkiv")
    create_flow(data, collection, title="Registrering")
    create_flow(collection, portal, title="Publisering", problems="Treg om natten")
    create_flow(collection, archive, title="Avlevering", status="planned")
    user, _identity, _headers = curator
    page = new_page()
    browser_login(page, user.username)
    page.click("nav.main-nav >> text=Dataflytkart")
    page.wait_for_url("**/flows/graph")
    assert page.locator("figure.graph svg a").count() == 4
    assert page.locator("#graph-edges tbody tr").count() == 3
    axe_check(page, "graph")
    screenshot(page, "flow-graph")
    page.select_option("#filter-category", label="Publiseringsportal")  # the filter is a plain GET form
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url(re.compile(r".*/flows/graph\?.*category="))
    assert "Avlevering" not in page.inner_text("#graph-tables")
    page.goto("/flows/graph")
    page.click(f"figure.graph svg a[href='/systems/{collection.id}']")
    page.wait_for_url(f"**/systems/{collection.id}")
    main = page.inner_text("main")
    assert "Samlingsbase" in main and "Artsfunn" in main and "Publisering" in main and "Intern" in main
    axe_check(page, "system detail")
    screenshot(page, "system-detail")
    page.click("main >> text=Konsekvenser hvis systemet avvikles eller er nede")
    page.wait_for_url(f"**/systems/{collection.id}/impact")
    assert "Publiseringsportal" in page.inner_text("main")
    axe_check(page, "impact")
    screenshot(page, "system-impact")
    page.goto(f"/flows/lineage/{portal.id}?include_planned=true")
    assert "Artsfunn" in page.inner_text("#upstream")
    axe_check(page, "lineage")
    screenshot(page, "lineage")
    page.goto("/systems/?without_owner=true")
    axe_check(page, "system list")
    screenshot(page, "system-list")
    page.goto(f"/systems/{collection.id}/edit")
    axe_check(page, "system form")
    phone = new_page(viewport={"width": 375, "height": 740})
    browser_login(phone, user.username)
    phone.goto("/flows/graph")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # the map scrolls, not the page
    axe_check(phone, "graph (phone)")
    screenshot(phone, "flow-graph-phone")
