"""The programme in headless Chromium: a programme lead opens the dashboard, reports hours, prepares,
edits and saves a status report and downloads it; axe-core (WCAG 2.1 A/AA) on every programme page.
Screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import re

import pytest

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.programme.service import snapshot_goals
from tests.programme.conftest import (  # noqa: F401 - fixtures
    create_activity, create_goal, create_measure, lead, measure, report_hours,
)

from .conftest import axe_check, browser_login, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(measure, create_activity, create_goal, create_dataset, create_unit, create_person,  # noqa: F811
              report_hours):  # noqa: F811
    import datetime as dt

    inh = create_unit(code="INH")
    kari = create_person(unit=inh, name="Kari Nordmann")
    done = create_activity(code="25.1", state="completed-as-planned", planned_hours=80, results="DMP-mal for INH og IAK")
    mapping = create_activity(code="25.4", planned_hours=160, units=[{"unit": "INH", "planned_hours": 160}],
                              risks="high | Få har kapasitet | Dedikert prosjektleder")
    create_activity(code="25.8", state="not-started", planned_hours=60, example=True)
    create_goal(mapping, indicator="datasets_registered", target=10, title={"nb": "Datasett registrert"})
    create_goal(done, current_value=1, target=1, title={"nb": "Mal publisert"})
    create_dataset()
    report_hours(kari, mapping, "2026-W45", 12)
    with unit_of_work():
        snapshot_goals(dt.date.today() - dt.timedelta(days=1))
        snapshot_goals(dt.date.today())
    _ = system_identity
    return {"kari": kari, "mapping": mapping}


def test_lead_uses_dashboard_reports_hours_and_writes_a_status_report(new_page, lead, programme, measure):  # noqa: F811
    user, _identity, _headers = lead
    page = new_page()
    browser_login(page, user.username)
    page.goto("/programme/")
    assert page.locator("h1").inner_text() in ("Programme dashboard", "Programoversikt")
    main = page.inner_text("main")
    assert "Få har kapasitet" in main and "Datasett registrert" in main
    assert page.locator("svg[role=img]").count() >= 3  # status bars, hours bars, sparklines
    assert page.locator("progress").count() == 2
    axe_check(page, "programme dashboard")
    screenshot(page, "programme-dashboard")

    page.click("nav.programme-nav >> a[href='/programme/hours']")
    page.wait_for_url("**/programme/hours")
    axe_check(page, "time reporting")
    page.select_option("#f-person-id", label="Kari Nordmann")
    page.select_option("#f-activity-id", value=str(programme["mapping"].id))
    page.fill("#f-week", "2026-W46")
    page.fill("#f-hours", "7.5")
    page.click("main form[action='/programme/hours'] button[type=submit]")
    page.wait_for_url("**/programme/hours")
    assert "19.5" in page.inner_text("main")  # 12 + 7.5 used on 25.4
    screenshot(page, "programme-hours")

    page.goto("/programme/activities/")
    axe_check(page, "activity list")
    page.click("main >> text=25.4")
    page.wait_for_url(re.compile(r".*/programme/activities/[0-9a-f-]{36}$"))
    axe_check(page, "activity detail")
    page.goto(f"/programme/activities/{programme['mapping'].id}/edit")
    axe_check(page, "activity form")

    for path, name in ((f"/programme/goals/new?activity_id={programme['mapping'].id}", "goal form"),
                       (f"/programme/benefits/new?activity_id={programme['mapping'].id}", "benefit form"),
                       ("/programme/measures/", "measure list"), ("/programme/goals/", "goal list")):
        page.goto(path)
        axe_check(page, name)

    page.goto("/programme/goals/")
    page.click("main >> text=Datasett registrert")
    page.wait_for_url(re.compile(r".*/programme/goals/[0-9a-f-]{36}$"))
    assert "10 %" in page.inner_text("main")
    axe_check(page, "goal detail")

    page.goto("/programme/reports")
    axe_check(page, "status reports")
    page.click("main form button[type=submit]")  # the measure is the first choice
    page.wait_for_url(re.compile(r".*/programme/reports/new.*"))
    assert "1 av 3" in page.input_value("#section-status_description")
    axe_check(page, "status report form")
    page.fill("#section-challenges", "Tiltaket er svært omfattende.")
    page.click("main form.report-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/programme/reports/[0-9a-f-]{36}$"))
    article = page.inner_text("article.printable")
    assert "Tiltaket er svært omfattende." in article and "Vurdering av ressursbruk" in article
    assert "19.5" in article
    axe_check(page, "status report version")
    screenshot(page, "programme-report")
    pdf = page.request.get(page.get_attribute("a[href$='download.pdf?lang=nb'], a[href*='download.pdf']", "href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    _ = measure
