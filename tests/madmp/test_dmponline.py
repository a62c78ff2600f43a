"""DMPonline's RDA export: nearest 1.2 values with a loss report; DataverseNO datasets linked by DOI and landing page."""
from __future__ import annotations

from sqlalchemy import func, select

from dmp_registry.core.db import db
from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.models import Dataset
from dmp_registry.organisation.models import Person
from dmp_registry.plans.madmp import export_plan, import_madmp, schema_errors
from dmp_registry.plans.madmp_dmponline import detect_source, normalise

from .conftest import EXAMPLES, FIXTURES, assert_valid, load

EXAMPLES_DIR = EXAMPLES[0].parent

EXPORT = FIXTURES / "dmponline-rda-export.json"
LANDING = "https://dataverse.no/dataset.xhtml?persistentId=doi:10.18710/{}"


def test_the_fixture_is_not_valid_1_2_but_normalises_to_valid():
    document = load(EXPORT)
    assert detect_source(document) == "dmponline"
    errors = schema_errors(document)
    assert "dmp.dataset[0].distribution[0].data_access" in errors
    assert "dmp.contact.affiliation" in errors
    normalised, losses = normalise(document, "dmponline")
    assert schema_errors(normalised) == {}
    assert losses


def test_every_change_is_in_the_loss_report_with_its_path(madmp_template, researcher):
    _user, identity, _headers = researcher
    with unit_of_work():
        result = import_madmp(identity, load(EXPORT))
    assert result.source == "dmponline"
    by_path = {loss["path"]: loss for loss in result.losses}
    assert set(by_path) == {
        "dmp.contact.affiliation", "dmp.contributor[0].affiliation", "dmp.project[0].start", "dmp.project[0].end",
        "dmp.dataset[0].issued", "dmp.dataset[0].distribution[0].data_access", "dmp.dataset[1].distribution[0].data_access"}
    embargo = by_path["dmp.dataset[0].distribution[0].data_access"]
    assert (embargo["original"], embargo["value"], embargo["action"]) == ("embargoed", "closed", "coerced")
    assert "2027-01-01" in embargo["reason"]
    restricted = by_path["dmp.dataset[1].distribution[0].data_access"]
    assert (restricted["original"], restricted["value"]) == ("restricted", "shared")
    assert by_path["dmp.project[0].start"]["value"] == "2025-01-01"
    assert any("narrative" in note for note in result.notes)


def test_the_export_keeps_the_original_values_and_the_embargo_date(madmp_template, researcher):
    _user, identity, _headers = researcher
    with unit_of_work():
        plan = import_madmp(identity, load(EXPORT)).plan
    document = export_plan(identity, plan.id)
    assert_valid(document)
    dmp = document["dmp"]
    dist = dmp["dataset"][0]["distribution"][0]
    assert dist["data_access"] == "closed"
    assert dist["license"] == [{"license_ref": "https://creativecommons.org/licenses/by/4.0/", "start_date": "2027-01-01"}]
    assert dmp["dataset"][1]["distribution"][0]["data_access"] == "shared"
    namespaces = [next(iter(e)) for e in dmp["extension"]]
    assert namespaces == ["dmproadmap", "ntnu_vm_dmp_registry_import"]
    changes = dmp["extension"][1]["ntnu_vm_dmp_registry_import"]["changes"]
    assert {"path": "dmp.dataset[0].distribution[0].data_access", "original": "embargoed"}.items() <= changes[-2].items()
    assert document["$comment"].startswith("Constructed after DMPonline")


def test_valid_input_has_an_empty_loss_report():
    document, losses = normalise(load(EXPORT), "dmponline")
    again, more = normalise(document, "madmp")
    assert more == [] and again == document


def test_dataverseno_datasets_are_linked_by_doi_and_landing_page_never_re_registered(
        madmp_template, researcher, create_dataset):
    _user, identity, _headers = researcher
    from dmp_registry.organisation.models import Unit

    own_unit = db.session.get(Unit, identity.unit_id)
    by_landing_page = create_dataset(unit=own_unit, landing_page=LANDING.format("FOXDENS"))  # registered, no DOI yet
    before = db.session.scalar(select(func.count(Dataset.id)))
    with unit_of_work():
        plan = import_madmp(identity, load(EXPORT)).plan
    linked = [link.dataset_id for link in plan.dataset_links]
    assert by_landing_page.id == linked[2]
    dens = db.session.get(Dataset, by_landing_page.id)
    db.session.refresh(dens)
    assert dens.doi == "10.18710/FOXDENS"
    cameras = db.session.get(Dataset, linked[0])
    assert (cameras.doi, cameras.landing_page) == ("10.18710/FOXCAM", LANDING.format("FOXCAM"))
    assert db.session.scalar(select(func.count(Dataset.id))) == before + 2  # cameras and genotypes only
    with unit_of_work():  # the same document again: the same registry datasets
        again = import_madmp(identity, load(EXPORT)).plan
    assert [link.dataset_id for link in again.dataset_links][0::2] == linked[0::2]
    assert db.session.scalar(select(func.count(Dataset.id))) == before + 3  # only the DOI-less genotypes again


def test_curators_import_creates_people_by_orcid_once(madmp_template, curator):
    _user, identity, _headers = curator
    with unit_of_work():
        plan = import_madmp(identity, load(EXPORT), unit_id=identity.unit_id or _unit_of(identity)).plan
    kari = db.session.scalar(select(Person).where(Person.orcid == "0000-0002-1825-0097"))
    ola = db.session.scalar(select(Person).where(Person.orcid == "0000-0001-5109-3700"))
    assert kari.email == "kari.nordmann@ntnu.example" and ola.name == "Ola Nordmann"
    roles = {c.person_id: c.role for c in plan.contributors}
    assert roles[kari.id] == "co_author" and roles[ola.id] == "co_author"
    document = export_plan(identity, plan.id)
    assert_valid(document)
    assert [c["name"] for c in document["dmp"]["contributor"]] == ["Ola Nordmann", "Kari Nordmann"]


def _unit_of(identity):
    return db.session.get(Person, identity.person_id).unit_id


def test_each_known_deviation_is_coerced_to_valid_1_2_and_reported():
    document = load(EXPORT)
    dmp = document["dmp"]
    dmp["language"] = "no"
    dmp["ethical_issues_exist"] = True
    dmp["cost"] = [{"value": 1000, "currency_code": "nok"}]
    dataset = dmp["dataset"][1]
    dataset["keyword"] = "fox"
    del dataset["personal_data"]
    dist = dataset["distribution"][0]
    dist.update(byte_size="2048", format="text/csv", data_access="Private")
    dist["host"].update(geo_location="no", support_versioning=True, pid_system="DOI", certified_with="CoreTrustSeal")
    dist["license"] = [{"license_ref": "https://creativecommons.org/licenses/by/4.0/"}]
    dmp["project"][0]["funding"][0].pop("funder_id")
    normalised, losses = normalise(document, "dmponline")
    assert schema_errors(normalised) == {}
    changed = {loss["path"]: (loss["original"], loss["value"]) for loss in losses}
    d = "dmp.dataset[1]"
    expected = {
        "dmp.language": ("no", "nor"), "dmp.ethical_issues_exist": (True, "yes"),
        "dmp.cost[0].currency_code": ("nok", "NOK"), "dmp.cost[0].title": (None, "Cost"),
        f"{d}.keyword": ("fox", ["fox"]), f"{d}.personal_data": (None, "unknown"),
        f"{d}.distribution[0].byte_size": ("2048", 2048), f"{d}.distribution[0].format": ("text/csv", ["text/csv"]),
        f"{d}.distribution[0].data_access": ("Private", "closed"),
        f"{d}.distribution[0].host.geo_location": ("no", "NO"),
        f"{d}.distribution[0].host.support_versioning": (True, "yes"),
        f"{d}.distribution[0].host.pid_system": ("DOI", ["doi"]),
        f"{d}.distribution[0].host.certified_with": ("CoreTrustSeal", "coretrustseal"),
        f"{d}.distribution[0].license[0].start_date": (None, "2025-03-14"),
        "dmp.project[0].funding[0].funder_id": (None, {"identifier": "Research Council of Norway", "type": "other"}),
    }
    assert expected.items() <= changed.items()


def test_values_no_rule_can_fix_are_refused_with_their_path(madmp_template, researcher):
    import pytest

    from dmp_registry.core.errors import InvalidInput

    _user, identity, _headers = researcher
    document = load(EXPORT)
    document["dmp"]["dataset"][0]["distribution"][0]["data_access"] = "sometimes"
    with pytest.raises(InvalidInput) as raised:
        import_madmp(identity, document)
    assert "dmp.dataset[0].distribution[0].data_access" in raised.value.errors


def test_a_dataverseno_doi_alone_finds_the_dataset_registered_by_its_landing_page(madmp_template, researcher, create_dataset):
    from dmp_registry.organisation.models import Unit

    _user, identity, _headers = researcher
    known = create_dataset(unit=db.session.get(Unit, identity.unit_id), landing_page=LANDING.format("ONLYDOI"))
    document = load(EXAMPLES_DIR / "ex8-dmp-minimal-content.json")
    document["dmp"]["dataset"][0]["dataset_id"] = {"identifier": "10.18710/ONLYDOI", "type": "doi"}
    with unit_of_work():
        plan = import_madmp(identity, document).plan
    assert [link.dataset_id for link in plan.dataset_links] == [known.id]
    assert export_plan(identity, plan.id) == document
