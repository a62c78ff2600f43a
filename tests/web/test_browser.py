"""The pages in real headless Chromium (Debian's /usr/bin/chromium through Playwright), with
axe-core checking every page type for WCAG 2.1 A/AA violations. One browser per session; each test
gets fresh browser contexts. Screenshots go to test-artifacts/screenshots/."""
from __future__ import annotations

import re

import pytest

from .conftest import axe_check, browser_login, screenshot, wait_for_focus

pytestmark = pytest.mark.browser


@pytest.fixture
def researcher(create_user, create_unit):
    unit = create_unit()
    user, _identity, _headers = create_user("researcher", unit=unit)
    return user


def test_researcher_registers_a_dataset_with_a_distribution(new_page, researcher):
    page = new_page()
    browser_login(page, researcher.username)
    axe_check(page, "home (signed in)")
    page.click("nav.main-nav >> text=Registrer et datasett")
    page.wait_for_url("**/datasets/new")
    axe_check(page, "wizard step 1")
    screenshot(page, "wizard-step-1")
    page.click("button[value=next]")  # nothing filled in: errors next to the fields, focus on the summary
    wait_for_focus(page, "form-errors")
    axe_check(page, "wizard step 1 with errors")
    screenshot(page, "wizard-errors")
    page.fill("#f-title-nb", "Lav i Trøndelag")
    page.fill("#f-title-en", "Lichens in Trøndelag")
    page.select_option("#f-dataset-type", label="Feltobservasjoner")
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r".*/edit/subject$"))
    axe_check(page, "wizard step 2")
    page.fill("#f-keywords-nb", "lav, Trøndelag")
    page.fill("#f-los-themes-filter", "natur")  # the search box narrows the long list
    assert page.locator("#f-los-themes-options li:visible").count() < 20
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r".*/edit/people$"))
    axe_check(page, "wizard step 3")
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r".*/edit/storage$"))
    axe_check(page, "wizard step 4")
    screenshot(page, "wizard-step-4")
    page.select_option("#f-storage-locations-0-kind", index=1)
    page.fill("#f-storage-locations-0-description", "Forskningsserver, /data/lav")
    page.click("button[value=finish]")
    page.wait_for_url(re.compile(r".*/datasets/[0-9a-f-]{36}$"))
    assert page.locator("h1").inner_text() == "Lav i Trøndelag"
    assert "Forskningsserver" in page.inner_text("main")

    page.evaluate("window.__stillHere = true")
    page.click("summary:has-text('Legg til en distribusjon')")
    page.fill("#f-access-url", "https://example.org/lav.csv")
    page.fill("#f-title-nb", "CSV-fil")
    page.click("button:has-text('Legg til distribusjon')")
    page.wait_for_selector("#distribution-list li >> text=CSV-fil")
    assert page.evaluate("window.__stillHere === true")  # added without a page reload
    axe_check(page, "dataset detail")
    screenshot(page, "dataset-detail")

    page.click("nav.main-nav >> text=Forside")
    mine = page.locator("section[aria-labelledby=mine-title]")
    assert "Lav i Trøndelag" in mine.inner_text()
    screenshot(page, "home-signed-in")


def test_keyboard_only_registration(new_page, researcher):
    """All four wizard steps with Tab, arrow keys, typing and Enter; focus is visible everywhere."""
    page = new_page()
    browser_login(page, researcher.username)
    page.goto("/datasets/new")
    page.focus("body")

    def tab_until(check: str, what: str, limit: int = 250):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({check}); }})()"):
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none", f"no visible focus on {what}"
                return
        raise AssertionError(f"could not reach {what} with Tab")

    def save(action: str, next_url: str):
        tab_until(f"el.value === '{action}'", f"the '{action}' button")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(next_url))

    tab_until("el.id === 'f-title-nb'", "the title")
    page.keyboard.type("Tastatur-datasett")
    tab_until("el.id === 'f-dataset-type'", "the type")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#f-dataset-type") != ""
    save("next", r".*/edit/subject$")
    assert "Utkastet er lagret" in page.inner_text("main")
    tab_until("el.id === 'f-keywords-nb'", "the keywords")
    page.keyboard.type("tastatur, tilgjengelighet")
    tab_until("el.type === 'checkbox' && el.name === 'themes'", "a theme")
    page.keyboard.press("Space")
    save("next", r".*/edit/people$")
    tab_until("el.id === 'f-temporal-start'", "the start date")
    page.keyboard.type("01022020")
    save("next", r".*/edit/storage$")
    tab_until("el.id === 'f-storage-locations-0-kind'", "the kind of storage")
    page.keyboard.press("ArrowDown")
    tab_until("el.id === 'f-storage-locations-0-description'", "where it is stored")
    page.keyboard.type("Felles lagring")
    save("finish", r".*/datasets/[0-9a-f-]{36}$")
    main = page.inner_text("main")
    assert "Tastatur-datasett" in main and "tastatur, tilgjengelighet" in main and "Felles lagring" in main


def test_curator_edits_a_dataset(new_page, curator, create_dataset):
    dataset = create_dataset(title={"nb": "Gamle tittel"})
    user, _identity, _headers = curator
    page = new_page()
    browser_login(page, user.username)
    page.goto(f"/datasets/{dataset.id}")
    page.click("main >> text=Rediger")
    page.fill("#f-title-nb", "Ny tittel fra kurator")
    page.click("button[value=close]")
    page.wait_for_url(f"**/datasets/{dataset.id}")
    assert page.locator("h1").inner_text() == "Ny tittel fra kurator"
    assert "Endringene er lagret." in page.inner_text("main")
    history = page.locator("table.history").inner_text()
    assert "Tittel" in history and "endret" in history


def test_anonymous_visitor_sees_only_listed_datasets(new_page, create_dataset):
    listed = create_dataset(listed=True, title={"nb": "Offentlig samling"},
                            description={"nb": "Kan ses av alle."})
    create_dataset(listed=False, title={"nb": "Internt arbeidsmateriale"})
    page = new_page()
    page.goto("/datasets/")
    body = page.inner_text("main")
    assert "Offentlig samling" in body and "Internt arbeidsmateriale" not in body
    axe_check(page, "dataset list")
    screenshot(page, "dataset-list")
    page.goto("/")
    axe_check(page, "home (anonymous)")
    screenshot(page, "home")
    page.goto(f"/datasets/{listed.id}")
    axe_check(page, "dataset detail (anonymous)")
    phone = new_page(viewport={"width": 375, "height": 740})
    phone.goto("/datasets/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scrolling
    axe_check(phone, "dataset list (phone)")
    screenshot(phone, "dataset-list-phone")


def test_language_switch(new_page, create_dataset):
    create_dataset(listed=True, title={"nb": "Fugler", "en": "Birds"})
    page = new_page()
    page.goto("/datasets/")
    assert page.get_attribute("html", "lang") == "nb"
    assert "Fugler" in page.inner_text("main")
    page.click("nav.lang-switch >> text=English")
    page.wait_for_url("**/datasets/")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Datasets"
    assert "Birds" in page.inner_text("main")  # metadata in the chosen language
    axe_check(page, "dataset list (English)")
    screenshot(page, "dataset-list-en")
    page.click("nav.lang-switch >> text=Norsk (bokmål)")
    assert page.get_attribute("html", "lang") == "nb"


def test_stale_edit_shows_the_conflict_and_lets_the_user_merge(new_page, curator, create_dataset):
    dataset = create_dataset(title={"nb": "Utgangspunkt"})
    user, _identity, _headers = curator
    first, second = new_page(), new_page()
    for page in (first, second):
        browser_login(page, user.username)
        page.goto(f"/datasets/{dataset.id}/edit")
    first.fill("#f-title-nb", "Første versjon")
    first.click("button[value=close]")
    first.wait_for_url(f"**/datasets/{dataset.id}")
    second.fill("#f-title-nb", "Andre versjon")
    second.fill("#f-description-nb", "En beskrivelse bare den andre skrev.")
    second.click("button[value=close]")
    wait_for_focus(second, "conflict-notice")
    assert "Første versjon" in second.inner_text(".conflict")
    axe_check(second, "edit conflict")
    screenshot(second, "edit-conflict")
    second.check("#resolve-title-theirs")
    second.click("button[value=close]")
    second.wait_for_url(f"**/datasets/{dataset.id}")
    assert second.locator("h1").inner_text() == "Første versjon"
    assert "En beskrivelse bare den andre skrev." in second.inner_text("main")


def test_curator_and_admin_pages_are_accessible(new_page, admin, create_dataset, create_project, create_person):
    dataset = create_dataset(listed=True)
    project = create_project()
    person = create_person()
    user, _identity, _headers = admin
    page = new_page()
    page.goto("/login")
    axe_check(page, "login")
    screenshot(page, "login")
    page.goto("/no-such-page")
    axe_check(page, "error page")
    browser_login(page, user.username)
    pages = {"units": "/units/", "unit": f"/units/{dataset.unit_id}", "unit-edit": f"/units/{dataset.unit_id}/edit",
             "people": "/people/", "person": f"/people/{person.id}", "person-edit": f"/people/{person.id}/edit",
             "projects": "/projects/", "project": f"/projects/{project.id}", "project-new": "/projects/new",
             "users": "/admin/users/", "user": f"/admin/users/{user.id}", "user-edit": f"/admin/users/{user.id}/edit",
             "account": "/account/"}
    for name, path in pages.items():
        page.goto(path)
        axe_check(page, name)
        if name in ("units", "person-edit", "users", "user"):
            screenshot(page, name)
    page.goto("/people/new")
    page.click("main button[type=submit]")
    axe_check(page, "person form with errors")
    page.goto(f"/admin/users/{user.id}")
    page.fill("#f-name", "skript")
    page.click("button:has-text('Lag nøkkel')")
    assert page.input_value("#token").startswith("dmp_")
    axe_check(page, "token created")


def test_local_login_with_wrong_password_is_refused(new_page, researcher):
    page = new_page()
    page.goto("/login")
    page.fill("#f-username", researcher.username)
    page.fill("#f-password", "not-the-password")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_selector("#form-errors")
    assert "Brukernavnet eller passordet er feil." in page.inner_text("#form-errors")
    axe_check(page, "login failed")
