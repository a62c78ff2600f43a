"""The compiled dumpers give exactly what the marshmallow Out schemas give."""
from __future__ import annotations

import json

import pytest

from dmp_registry.auth.schemas import UserOut
from dmp_registry.core.dump import compile_dumper
from dmp_registry.datasets.schemas import DatasetOut, DistributionOut
from dmp_registry.datasets.service import dataset_service
from dmp_registry.organisation.schemas import PersonOut, ProjectOut, UnitOut
from dmp_registry.vocabularies.terms import local
from tests.factories import EU


def same(schema, obj):
    expected = json.loads(json.dumps(schema().dump(obj), default=str))
    actual = json.loads(json.dumps(compile_dumper(schema)(obj)))
    assert actual == expected


def test_dataset_with_every_field(create_unit, create_person, create_project, create_distribution, create_dataset):
    person, project = create_person(), create_project()
    dataset = create_dataset(
        description={"nb": "B", "en": "D"}, keywords={"nb": ["a"], "en": ["b"]}, themes=[f"{EU}/data-theme/ENVI"],
        access_rights=f"{EU}/access-right/PUBLIC", licence=f"{EU}/licence/CC0", contains_personal_data=True,
        personal_data_legal_basis="Samtykke", temporal_start="2000-01-01", temporal_end="2001-01-01",
        spatial={"label": "Hov", "bbox": [1.0, 2.0, 3.0, 4.0]}, creator_ids=[str(person.id)],
        contact_point_id=str(person.id), custodian_id=str(person.id), project_id=str(project.id),
        storage_locations=[{"kind": local("storage-kind", "paper"), "last_checked": "2020-02-02",
                            "medium": local("storage-medium", "paper")}],
        volume_bytes=12, documentation_status=local("documentation-status", "complete"),
        landing_page="https://example.org/x", doi="10.1234/abc", listed=True)
    create_distribution(dataset=dataset, checksum={"algorithm": "md5", "value": "0" * 32},
                        media_type="https://www.iana.org/assignments/media-types/text/csv", byte_size=3)
    same(DatasetOut, dataset_service.read(dataset_service_identity(), dataset.id))


def dataset_service_identity():
    from dmp_registry.core.identity import system_identity

    return system_identity


@pytest.mark.parametrize("schema, factory", [(UnitOut, "create_unit"), (PersonOut, "create_person"),
                                             (ProjectOut, "create_project"), (DistributionOut, "create_distribution")])
def test_other_records(request, schema, factory):
    same(schema, request.getfixturevalue(factory)())


def test_user(curator):
    same(UserOut, curator[0])


def test_minimal_dataset(create_dataset):
    dataset = create_dataset()
    same(DatasetOut, dataset_service.read(dataset_service_identity(), dataset.id))
