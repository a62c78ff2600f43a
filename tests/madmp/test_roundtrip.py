"""Import: every official RDA example imports, re-exports valid, and export(import(x)) == x (no field lost)."""
from __future__ import annotations

import pytest

from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans.madmp import export_plan, import_madmp

from .conftest import EXAMPLES, assert_valid, load


def diff(a, b, path="$"):
    """The JSON paths where two documents differ (for a readable failure)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [p for k in sorted(set(a) | set(b), key=str)
                for p in (diff(a[k], b[k], f"{path}.{k}") if k in a and k in b else [f"{path}.{k}"])]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [path]


def test_there_are_ten_official_examples():
    assert len(EXAMPLES) == 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_official_example_round_trips_without_loss(path, madmp_template, researcher):
    _user, identity, _headers = researcher
    original = load(path)
    assert_valid(original)
    with unit_of_work():
        result = import_madmp(identity, original)
    assert result.losses == []
    exported = export_plan(identity, result.plan.id)
    assert_valid(exported)
    assert diff(original, exported) == []
    assert exported == original


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_official_example_fills_the_registry(path, madmp_template, researcher):
    """The plan, its datasets (DOIs as DOIs), project and answers are registry records, not only a stored blob."""
    from dmp_registry.plans.service import plan_service

    _user, identity, _headers = researcher
    original = load(path)
    with unit_of_work():
        plan = import_madmp(identity, original).plan
    plan = plan_service.read(identity, plan.id)
    dmp = original["dmp"]
    assert plan.title == dmp["title"]
    assert len(plan.dataset_links) == len({d["dataset_id"]["identifier"] for d in dmp["dataset"]
                                           if d["dataset_id"]["type"] == "doi"}) + sum(
        1 for d in dmp["dataset"] if d["dataset_id"]["type"] != "doi")
    dois = {link.dataset.doi for link in plan.dataset_links} - {None}
    assert dois == {d["dataset_id"]["identifier"] for d in dmp["dataset"] if d["dataset_id"]["type"] == "doi"}
    answers = {a.question_key: a.value for a in plan.answers}
    if "description" in dmp:
        assert answers["m-desc"] == dmp["description"].strip()
    if dmp["ethical_issues_exist"] in ("yes", "no"):
        assert answers["m-ethics"] is (dmp["ethical_issues_exist"] == "yes")
    if dmp.get("project"):
        assert plan.project.title == {"en": dmp["project"][0]["title"]}


def test_registry_changes_after_an_import_win_over_the_imported_values(madmp_template, researcher):
    from dmp_registry.plans.service import plan_service

    _user, identity, _headers = researcher
    original = load(EXAMPLES[0])
    with unit_of_work():
        plan = import_madmp(identity, original).plan
    with unit_of_work():
        plan_service.save_answer(identity, plan.id, "m-desc", "A new description",
                                 next(a.version for a in plan_service.answers(identity, plan.id) if a.question_key == "m-desc"))
    exported = export_plan(identity, plan.id)
    assert_valid(exported)
    assert exported["dmp"]["description"] == "A new description"
    assert exported["dmp"]["modified"] != original["dmp"]["modified"]
    assert exported["dmp"]["project"] == original["dmp"]["project"]  # untouched members stay as imported


def test_our_own_export_round_trips_and_brings_kept_answers_back(native_plan):
    plan_id, dataset_id, identity = native_plan
    first = export_plan(identity, plan_id)
    with unit_of_work():
        result = import_madmp(identity, first)
    assert result.losses == []
    second = export_plan(identity, result.plan.id)
    assert diff(first, second) == []
    from dmp_registry.plans.service import plan_service

    plan = plan_service.read(identity, result.plan.id)
    answers = {a.question_key: a.value for a in plan.answers}
    assert answers["m-notes"] == "Ingen" and answers["m-access"] == "Åpent etter 2027"
    assert [link.dataset_id for link in plan.dataset_links] == [dataset_id]  # found by its registry URI


def test_publication_after_an_import_flows_into_the_export(madmp_template, researcher):
    """An imported dataset that gets a DOI and a DCAT distribution in the registry shows both; the rest stays."""
    from dmp_registry.core.identity import system_identity
    from dmp_registry.datasets.schemas import DistributionIn
    from dmp_registry.datasets.service import dataset_service, distribution_service

    _user, identity, _headers = researcher
    original = load(next(p for p in EXAMPLES if p.stem == "ex9-dmp-long"))
    with unit_of_work():
        plan = import_madmp(identity, original).plan
    first = plan.dataset_links[0].dataset_id
    with unit_of_work():
        dataset = dataset_service.read(system_identity, first)
        dataset_service.update(system_identity, first, {"doi": "10.18710/NEWDOI"}, dataset.version)
        distribution_service.create(system_identity, DistributionIn().load({
            "dataset_id": str(first), "access_url": "https://dataverse.no/dataset.xhtml?persistentId=doi:10.18710/NEWDOI"}))
    exported = export_plan(identity, plan.id)
    assert_valid(exported)
    before, after = original["dmp"]["dataset"], exported["dmp"]["dataset"]
    assert after[0]["dataset_id"] == {"identifier": "https://doi.org/10.18710/NEWDOI", "type": "doi"}
    assert after[0]["distribution"][:-1] == before[0]["distribution"]
    assert after[0]["distribution"][-1]["access_url"].endswith("10.18710/NEWDOI")
    assert after[1:] == before[1:]
    assert {k: v for k, v in after[0].items() if k not in ("dataset_id", "distribution")} == \
        {k: v for k, v in before[0].items() if k not in ("dataset_id", "distribution")}


def test_a_dataset_removed_from_the_plan_leaves_the_export_and_a_new_one_joins(madmp_template, researcher, create_dataset):
    from dmp_registry.core.db import db
    from dmp_registry.organisation.models import Unit
    from dmp_registry.plans.service import plan_service

    _user, identity, _headers = researcher
    original = load(next(p for p in EXAMPLES if p.stem == "ex7-dataset-many"))
    with unit_of_work():
        plan = import_madmp(identity, original).plan
    extra = create_dataset(unit=db.session.get(Unit, identity.unit_id))
    with unit_of_work():
        plan_service.remove_dataset(identity, plan.id, plan.dataset_links[0].dataset_id)
        plan_service.add_dataset(identity, plan.id, extra.id)
    exported = export_plan(identity, plan.id)
    assert_valid(exported)
    titles = [d["title"] for d in exported["dmp"]["dataset"]]
    assert titles == [d["title"] for d in original["dmp"]["dataset"][1:]] + [extra.title["en"]]  # the plan is in English


def test_merge_keeps_unlinked_items_and_their_order():
    from dmp_registry.plans.madmp import merge_list

    original = [{"title": "a"}, {"title": "b", "x": 1}, {"title": "c"}]
    links = [None, {"key": "B"}, None]
    baseline = [{"_key": "B", "title": "b"}]
    assert merge_list("dataset", original, links, baseline, [{"_key": "B", "title": "b"}]) == original
    changed = merge_list("dataset", original, links, baseline, [{"_key": "B", "title": "B!"}])
    assert changed == [{"title": "a"}, {"title": "B!", "x": 1}, {"title": "c"}]
    assert merge_list("contributor", original, links, baseline, [{"_key": "B", "title": "B!"}])[1] == {"title": "B!"}
    assert merge_list("dataset", original, links, baseline, []) == [{"title": "a"}, {"title": "c"}]


def test_all_examples_into_one_registry_link_shared_dois_and_still_round_trip(madmp_template, researcher):
    """ex3–ex6 share a DOI: later imports link the dataset the first one registered, and nothing is lost."""
    from sqlalchemy import func, select

    from dmp_registry.core.db import db
    from dmp_registry.datasets.models import Dataset

    _user, identity, _headers = researcher
    plans = []
    for path in EXAMPLES:
        with unit_of_work():
            plans.append((load(path), import_madmp(identity, load(path)).plan.id))
    for original, plan_id in plans:
        assert export_plan(identity, plan_id) == original
    zenodo = db.session.scalar(select(func.count(Dataset.id)).where(Dataset.doi == "10.5281/zenodo.1200361"))
    assert zenodo == 1


def test_members_outside_the_standard_and_repeated_datasets_survive(madmp_template, researcher):
    _user, identity, _headers = researcher
    original = load(next(p for p in EXAMPLES if p.stem == "ex7-dataset-many"))
    dmp = original["dmp"]
    dmp["x_local"] = {"nested": [1, 2, {"a": None}]}
    dmp["dataset"][0]["x_note"] = "kept"
    dmp["dataset"][0]["distribution"][0]["x_rack"] = 7
    dmp["contact"]["x_phone"] = "+47 000"
    dmp["dataset"].append(dict(dmp["dataset"][0], title="The same DOI again"))
    assert_valid(original)
    with unit_of_work():
        result = import_madmp(identity, original)
    assert result.losses == []
    assert len(result.plan.dataset_links) == 2
    assert export_plan(identity, result.plan.id) == original


def test_values_the_registry_refuses_stay_in_the_document(madmp_template, researcher):
    """A landing page the registry's URL check refuses, a DOI it cannot hold, control characters in the
    description: the plan and datasets are still created, and the export still equals the input."""
    _user, identity, _headers = researcher
    original = load(EXAMPLES[1])
    dmp = original["dmp"]
    dmp["description"] = "Bell \x07 character"
    dmp["dataset"][0]["dataset_id"] = {"identifier": "https://exa mple.org/landing page", "type": "url"}
    dmp["dataset"][0]["keyword"] = ["x" * 300]
    with unit_of_work():
        result = import_madmp(identity, original)
    assert result.losses == []
    assert export_plan(identity, result.plan.id) == original


def test_an_unknown_project_id_is_422_on_that_field(madmp_template, researcher):
    import uuid

    from dmp_registry.core.errors import InvalidInput

    _user, identity, _headers = researcher
    with pytest.raises(InvalidInput) as raised:
        import_madmp(identity, load(EXAMPLES[0]), project_id=uuid.uuid4())
    assert "project_id" in raised.value.errors
