""""Do not ask again": registry facts shown inside the plan, datasets created from the plan land in the
registry, and the printed plan (HTML and PDF, text checked with pypdf) carries headings, answers and facts."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.service import dataset_service
from dmp_registry.plans.facts import STORAGE_COST_NOK_PER_TB_YEAR
from dmp_registry.plans.printable import plan_printable
from dmp_registry.plans.service import plan_service
from dmp_registry.vocabularies.terms import local

EU = "http://publications.europa.eu/resource/authority"


@pytest.fixture
def registry_dataset(create_dataset, create_distribution):
    def make(unit, **extra):
        dataset = create_dataset(
            unit=unit, title={"nb": "Hekkefugl Trondheimsfjorden", "en": "Breeding birds"},
            access_rights=f"{EU}/access-right/RESTRICTED", licence=f"{EU}/licence/CC_BY_4_0",
            contains_personal_data=True, personal_data_legal_basis="Samtykke (GDPR art. 6.1 a)",
            volume_bytes=3 * 10**12, storage_locations=[
                {"kind": local("storage-kind", "institutional-backed-up"), "description": "NTNU-lagring", "copies": 2,
                 "backed_up": True},
                {"kind": local("storage-kind", "cloud"), "description": "Skykopi", "copies": 1}], **extra)
        create_distribution(dataset=dataset, access_url="https://data.example.org/hekkefugl")
        return dataset
    return make


def test_registry_facts_appear_in_the_plan(make_plan, create_user, create_unit, create_project, registry_dataset):
    unit = create_unit()
    _u, researcher, _h = create_user("researcher", unit=unit)
    project = create_project(unit=unit, start_date="2026-01-01", end_date="2027-12-31")
    plan = make_plan(researcher, project=project)
    dataset = registry_dataset(unit)
    with unit_of_work():
        plan_service.add_dataset(researcher, plan.id, dataset.id)
    [facts] = plan_service.dataset_facts(researcher, plan.id, "en")
    assert facts["title"] == "Breeding birds"
    assert facts["access_rights"]["uri"].endswith("RESTRICTED") and facts["access_rights"]["label"]
    assert facts["licence"]["uri"].endswith("CC_BY_4_0")
    assert facts["contains_personal_data"] is True and facts["personal_data_legal_basis"].startswith("Samtykke")
    assert [loc["description"] for loc in facts["storage_locations"]] == ["NTNU-lagring", "Skykopi"]
    assert facts["volume_bytes"] == 3 * 10**12 and facts["volume"] == "3.0 TB"
    assert [d["access_url"] for d in facts["distributions"]] == ["https://data.example.org/hekkefugl"]
    cost = facts["estimated_storage_cost"]
    assert cost["copies"] == 3 and cost["per_year"] == 3 * 3 * STORAGE_COST_NOK_PER_TB_YEAR
    assert cost["project_years"] == pytest.approx(2.0, abs=0.01)
    # the registry is the source: a change there shows in the plan at once, without asking again
    with unit_of_work():
        current = dataset_service.read(researcher, dataset.id)
        dataset_service.update(researcher, dataset.id, {"volume_bytes": 10**12}, current.version)
    [facts] = plan_service.dataset_facts(researcher, plan.id, "en")
    assert facts["estimated_storage_cost"]["per_year"] == 3 * STORAGE_COST_NOK_PER_TB_YEAR


def test_a_dataset_created_from_the_plan_is_registered(make_plan, create_user, create_unit, create_project):
    unit = create_unit()
    _u, researcher, _h = create_user("researcher", unit=unit)
    project = create_project(unit=unit)
    plan = make_plan(researcher, project=project)
    with unit_of_work():
        payload = {"title": {"nb": "Feltnotater 2026"}, "volume_bytes": 5 * 10**9}
        dataset = plan_service.create_dataset(researcher, plan.id, payload)
    found = dataset_service.search(researcher, {"project_id": project.id})
    assert [d.id for d in found.items] == [dataset.id]
    registered = dataset_service.read(researcher, dataset.id)
    assert (registered.unit_id, registered.project_id, registered.created_by_id) == (unit.id, project.id, researcher.user_id)
    assert [h.action for h in dataset_service.history(researcher, dataset.id)] == ["create"]
    assert [link.dataset_id for link in plan_service.read(researcher, plan.id).dataset_links] == [dataset.id]


def test_datasets_question_links_registry_datasets(make_plan, create_user, create_unit, create_dataset):
    unit = create_unit()
    _u, researcher, _h = create_user("researcher", unit=unit)
    plan = make_plan(researcher)
    first, second = create_dataset(unit=unit), create_dataset(unit=unit)
    with unit_of_work():
        plan_service.save_answer(researcher, plan.id, "t-datasets", [str(second.id), str(first.id)], None)
    assert [link.dataset_id for link in plan_service.read(researcher, plan.id).dataset_links] == [second.id, first.id]
    with unit_of_work():
        plan_service.remove_dataset(researcher, plan.id, second.id)
    assert [link.dataset_id for link in plan_service.read(researcher, plan.id).dataset_links] == [first.id]


def test_confidential_datasets_are_not_shown_to_readers_who_may_not_see_them(
        make_plan, create_user, create_unit, create_dataset):
    from dmp_registry.core.identity import system_identity

    unit = create_unit()
    _u, owner, _h = create_user("researcher", unit=unit)
    _r, reviewer, _h2 = create_user("researcher")
    plan = make_plan(owner)
    secret = create_dataset(unit=unit, classification=local("classification", "restricted"))
    with unit_of_work():
        plan_service.add_dataset(owner, plan.id, secret.id)
        plan_service.add_contributor(owner, plan.id, reviewer.person_id, "reviewer")
    assert plan_service.dataset_facts(owner, plan.id)[0]["title"]
    assert plan_service.dataset_facts(reviewer, plan.id) == [{"id": str(secret.id), "hidden": True}]
    assert plan_service.dataset_facts(system_identity, plan.id)[0]["title"]


def test_plan_as_pdf_and_html(make_plan, create_user, create_unit, create_project, registry_dataset):
    unit = create_unit()
    _u, researcher, _h = create_user("researcher", unit=unit)
    project = create_project(unit=unit, funder="Forskningsrådet", grant_id="NFR-325123")
    plan = make_plan(researcher, project=project, title="Plan for hekkefugl")
    dataset = registry_dataset(unit)
    with unit_of_work():
        plan_service.add_dataset(researcher, plan.id, dataset.id)
        plan_service.save_answer(researcher, plan.id, "t-desc", "Tellinger av sjøfugl på Tautra.", None)
        plan_service.save_answer(researcher, plan.id, "t-personal", True, None)
        plan_service.save_answer(researcher, plan.id, "t-basis", "Samtykke fra observatører.", None)
    plan = plan_service.read(researcher, plan.id)
    pdf = plan_printable(plan, "nb", researcher).to_pdf()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    for expected in ("Plan for hekkefugl", "Datahåndteringsplan", "Forskningsrådet", "NFR-325123",
                     "Data", "Beskriv dataene", "Tellinger av sjøfugl på Tautra.", "Juss og etikk",
                     "Rettslig grunnlag", "Samtykke fra observatører.", "Hekkefugl Trondheimsfjorden",
                     "NTNU-lagring", "3.0 TB", "https://data.example.org/hekkefugl", "Ja", "(ikke besvart)"):
        assert expected in text, (expected, text)
    assert "Er det gjort en DPIA?" in text  # shown: personal data is answered yes
    html = plan_printable(plan, "en", researcher).to_html()
    assert "<h2>Data</h2>" in html and "<h3>Describe the data</h3>" in html
    assert '<th scope="col">Access / Licence</th>' in html and "Breeding birds" in html
    assert dt.date.today().isoformat() in html
