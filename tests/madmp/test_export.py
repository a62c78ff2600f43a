"""Export: schema-valid maDMP 1.2 from the registry, answers placed by madmp_path, identifiers as objects."""
from __future__ import annotations

from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.schemas import DistributionIn
from dmp_registry.datasets.service import dataset_service, distribution_service
from dmp_registry.core.identity import system_identity
from dmp_registry.plans.madmp import export_plan

from .conftest import assert_valid

EU = "http://publications.europa.eu/resource/authority"


def test_native_plan_exports_valid_madmp(native_plan):
    plan_id, dataset_id, identity = native_plan
    document = export_plan(identity, plan_id)
    assert_valid(document)
    dmp = document["dmp"]
    assert dmp["title"] == "Fugleplan"
    assert dmp["language"] == "nob"
    assert dmp["description"] == "Ringmerking av fugl"
    assert dmp["ethical_issues_exist"] == "no"
    assert dmp["dmp_id"] == {"identifier": f"https://data.test.example/plans/{plan_id}", "type": "url"}
    assert dmp["contact"]["mbox"].endswith("@example.org")
    [dataset] = dmp["dataset"]
    assert dataset["dataset_id"] == {"identifier": f"https://data.test.example/datasets/{dataset_id}", "type": "url"}
    assert dataset["personal_data"] == "no" and dataset["sensitive_data"] == "no"
    assert dataset["data_quality_assurance"] == ["Dobbel registrering"]
    assert dataset["security_and_privacy"] == [{"title": "Security", "description": "Lås"}]
    assert dmp["cost"] == [{"title": "Kostnader", "currency_code": "NOK", "description": "Lagring", "value": 12000}]
    [project] = dmp["project"]
    assert project["funding"] == [{"funder_id": {"identifier": "501100005416", "type": "fundref"},
                                   "grant_id": {"identifier": "325123", "type": "other"}}]


def test_answers_without_a_standard_field_are_kept_in_the_extension(native_plan):
    plan_id, _dataset_id, identity = native_plan
    [extension] = export_plan(identity, plan_id)["dmp"]["extension"]
    ours = extension["ntnu_vm_dmp_registry"]
    assert ours["template"] == {"key": "science-europe", "version": 1}
    kept = {a["question"]: a for a in ours["answers"]}
    assert set(kept) == {"m-notes", "m-access"}
    assert kept["m-access"]["madmp_path"] == "dmp.dataset[*].data_access_statement"
    assert kept["m-notes"]["value"] == "Ingen" and kept["m-notes"]["madmp_path"] is None


def test_contributors_with_orcid_get_orcid_identifier_objects(native_plan, create_person):
    from dmp_registry.plans.service import plan_service

    plan_id, _dataset_id, identity = native_plan
    person = create_person(orcid="0000-0002-1825-0097")
    with unit_of_work():
        plan_service.add_contributor(identity, plan_id, person.id, "co_author")
    dmp = export_plan(identity, plan_id)["dmp"]
    item = next(c for c in dmp["contributor"] if c["name"] == person.name)
    assert item["contributor_id"] == {"identifier": "https://orcid.org/0000-0002-1825-0097", "type": "orcid"}
    assert item["role"] == ["DMP co-author"]
    assert_valid({"dmp": dmp})


def test_a_published_dataset_flows_back_into_the_next_export(native_plan):
    """A DOI and a DCAT distribution added in the registry show up in the plan's maDMP."""
    plan_id, dataset_id, identity = native_plan
    before = export_plan(identity, plan_id)["dmp"]
    assert before["dataset"][0]["distribution"] == []
    with unit_of_work():
        dataset = dataset_service.read(system_identity, dataset_id)
        dataset_service.update(system_identity, dataset_id, {
            "doi": "10.18710/ABCDEF", "access_rights": f"{EU}/access-right/PUBLIC", "licence": f"{EU}/licence/CC_BY_4_0"},
            dataset.version)
        distribution_service.create(system_identity, DistributionIn().load({
            "dataset_id": str(dataset_id), "title": {"en": "CSV files"},
            "access_url": "https://dataverse.no/dataset.xhtml?persistentId=doi:10.18710/ABCDEF",
            "download_url": "https://dataverse.no/api/access/datafile/1", "byte_size": 2048,
            "media_type": "https://www.iana.org/assignments/media-types/text/csv"}))
    after = export_plan(identity, plan_id)
    assert_valid(after)
    dataset = after["dmp"]["dataset"][0]
    assert dataset["dataset_id"] == {"identifier": "https://doi.org/10.18710/ABCDEF", "type": "doi"}
    [dist] = dataset["distribution"]
    assert dist["data_access"] == "open"
    assert dist["access_url"].startswith("https://dataverse.no/")
    assert dist["download_url"] == "https://dataverse.no/api/access/datafile/1"
    assert dist["byte_size"] == 2048 and dist["format"] == ["text/csv"]
    assert dist["host"] == {"title": "dataverse.no", "url": "https://dataverse.no"}
    assert dist["license"][0]["license_ref"]
    assert dist["license"][0]["start_date"]
    assert after["dmp"]["modified"] >= before["modified"]


def test_storage_locations_become_hosts_and_host_answers_fill_them(native_plan):
    from dmp_registry.plans.service import plan_service
    from dmp_registry.vocabularies.terms import local

    plan_id, dataset_id, identity = native_plan
    with unit_of_work():
        dataset = dataset_service.read(system_identity, dataset_id)
        dataset_service.update(system_identity, dataset_id, {"storage_locations": [
            {"kind": local("storage-kind", "institutional-backed-up"), "description": "NTNU server", "backed_up": True}],
            "volume_bytes": 10**9, "access_rights": f"{EU}/access-right/RESTRICTED"}, dataset.version)
        plan_service.save_answer(identity, plan_id, "m-backup", "Nightly", None)
    document = export_plan(identity, plan_id)
    assert_valid(document)
    [dist] = document["dmp"]["dataset"][0]["distribution"]
    assert dist["data_access"] == "shared" and dist["byte_size"] == 10**9
    assert dist["host"]["url"] == local("storage-kind", "institutional-backed-up")
    assert dist["host"]["description"] == "NTNU server" and dist["host"]["backup_frequency"] == "Nightly"


def test_confidential_datasets_are_not_exported_to_who_may_not_see_them(native_plan, create_dataset, create_unit):
    from dmp_registry.plans.service import plan_service
    from dmp_registry.vocabularies.terms import local

    plan_id, _dataset_id, identity = native_plan
    secret = create_dataset(unit=create_unit(), classification=local("classification", "restricted"),
                            contains_personal_data=True, personal_data_legal_basis="Consent")
    with unit_of_work():
        plan_service.add_dataset(system_identity, plan_id, secret.id)
    assert len(export_plan(identity, plan_id)["dmp"]["dataset"]) == 1
    everything = export_plan(system_identity, plan_id)["dmp"]["dataset"]
    assert len(everything) == 2
    assert everything[1]["personal_data"] == "yes" and everything[1]["sensitive_data"] == "yes"


def test_identifiers_become_identifier_objects():
    from dmp_registry.plans.madmp import funder_id_object, identifier_object

    assert identifier_object("10.18710/X1") == {"identifier": "https://doi.org/10.18710/X1", "type": "doi"}
    assert identifier_object("https://doi.org/10.18710/X1")["type"] == "doi"
    assert identifier_object("doi:10.5281/zenodo.1") == {"identifier": "https://doi.org/10.5281/zenodo.1", "type": "doi"}
    assert identifier_object("https://example.org/p/1") == {"identifier": "https://example.org/p/1", "type": "url"}
    assert identifier_object("101094123") == {"identifier": "101094123", "type": "other"}
    assert funder_id_object("Research Council of Norway") == {"identifier": "501100005416", "type": "fundref"}
    assert funder_id_object("Some trust") == {"identifier": "Some trust", "type": "other"}


def test_a_plan_doi_becomes_a_doi_dmp_id(native_plan):
    from dmp_registry.plans.service import plan_service

    plan_id, _dataset_id, identity = native_plan
    with unit_of_work():
        plan = plan_service.read(identity, plan_id)
        plan_service.update(identity, plan_id, {"dmp_identifier": "10.18710/DMP42"}, plan.version)
    assert export_plan(identity, plan_id)["dmp"]["dmp_id"] == {"identifier": "https://doi.org/10.18710/DMP42", "type": "doi"}


def test_an_answer_hidden_by_its_condition_stays_out_of_the_standard_fields(researcher, create_project):
    """Ethical issues "no", but a description written while it was "yes": the export must not say both; the
    written text is kept, marked as not shown, in the registry's extension (no answer is dropped)."""
    import copy

    from dmp_registry.plans.madmp import NAMESPACE
    from dmp_registry.plans.service import plan_service, template_service, template_version_service

    from .conftest import CONTENT

    content = copy.deepcopy(CONTENT)
    ethics = content["sections"][1]["questions"]
    ethics[1]["condition"] = {"question": "m-ethics", "equals": True}
    _user, identity, _headers = researcher
    with unit_of_work():
        template = template_service.create(system_identity, {"key": "conditional", "title": {"en": "Conditional"}})
        version = template_version_service.create(system_identity, {"template_id": template.id, "content": content})
        template_version_service.publish(system_identity, version.id)
        plan = plan_service.create(identity, {"title": "Etikk", "language": "en", "project_id": create_project().id,
                                              "template_version_id": version.id})
        plan_service.save_answer(identity, plan.id, "m-ethics", True, None)
        plan_service.save_answer(identity, plan.id, "m-ethics-desc", "Hekkende fugl forstyrres", None)
    shown = export_plan(identity, plan.id)["dmp"]
    assert shown["ethical_issues_exist"] == "yes" and shown["ethical_issues_description"] == "Hekkende fugl forstyrres"
    with unit_of_work():
        answer = next(a for a in plan_service.read(identity, plan.id).answers if a.question_key == "m-ethics")
        plan_service.save_answer(identity, plan.id, "m-ethics", False, answer.version)
    document = export_plan(identity, plan.id)
    assert_valid(document)
    dmp = document["dmp"]
    assert dmp["ethical_issues_exist"] == "no" and "ethical_issues_description" not in dmp
    kept = next(e[NAMESPACE] for e in dmp["extension"] if NAMESPACE in e)["answers"]
    assert {"question": "m-ethics-desc", "text": "Describe them", "madmp_path": "dmp.ethical_issues_description",
            "value": "Hekkende fugl forstyrres", "shown": False} in kept
