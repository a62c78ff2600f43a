"""Fixtures of the DCAT tests: the demo registry and a dataset that fills every exported field."""
from __future__ import annotations

import datetime as dt

import pytest

from dmp_registry.core.uow import unit_of_work
from dmp_registry.dcat.feed import catalog_chunks
from dmp_registry.dcat.graph import to_graph
from dmp_registry.dcat.terms import Settings
from dmp_registry.vocabularies.terms import local

EU = "http://publications.europa.eu/resource/authority"
IANA = "https://www.iana.org/assignments/media-types"


@pytest.fixture
def client(app):
    """Buffered: a streamed feed is read inside the request, not when the generator is collected
    (an unread stream would otherwise pop its app context in a later test)."""
    from flask.testing import FlaskClient

    class BufferedClient(FlaskClient):
        def open(self, *args, **kwargs):
            kwargs.setdefault("buffered", True)
            return super().open(*args, **kwargs)

    return BufferedClient(app, app.response_class, use_cookies=True)


def listed_count():
    from sqlalchemy import func, select

    from dmp_registry.core.db import db
    from dmp_registry.datasets.models import Dataset

    return db.session.scalar(select(func.count()).where(Dataset.listed.is_(True)))


@pytest.fixture
def demo():
    from dmp_registry.demo import load_demo

    with unit_of_work():
        return load_demo(today=dt.date(2025, 1, 1))


def catalog_graph(profile=None):
    return to_graph(catalog_chunks(Settings.from_app(profile)))


@pytest.fixture
def full_record(create_unit, create_person, create_project, create_dataset, create_distribution, create_system,
                create_flow):
    """A listed dataset with every field the crosswalk exports, its distribution, a data service serving it
    and flows into it from another dataset and from the service."""
    unit = create_unit(name={"nb": "Institutt for naturhistorie", "en": "Department of Natural History"})
    kari = create_person(unit=unit, orcid="0000-0001-5109-3700")
    lise = create_person(unit=unit)
    project = create_project(unit=unit, title={"nb": "Fjellfugl", "en": "Mountain birds"})
    source = create_dataset(unit=unit, listed=True, description={"nb": "Kilde"}, themes=[f"{EU}/data-theme/ENVI"])
    dataset = create_dataset(
        unit=unit, listed=True, description={"nb": "Årlige «takseringer» & mer\nlinje to", "en": "Annual counts"},
        keywords={"nb": ["fugl", "fjell"], "en": ["birds"]},
        themes=[f"{EU}/data-theme/ENVI", f"{EU}/data-theme/AGRI"],
        los_themes=["https://psi.norge.no/los/tema/arbeid"],
        access_rights=f"{EU}/access-right/PUBLIC", licence=f"{EU}/licence/CC_BY_4_0",
        temporal_start="1990-05-01", temporal_end="2023-08-31",
        spatial={"label": "Dovrefjell", "bbox": [9.0, 62.0, 10.5, 62.5]},
        creator_ids=[str(kari.id), str(lise.id)], contact_point_id=str(kari.id), custodian_id=str(kari.id),
        project_id=str(project.id), doi="10.18710/FULL01", landing_page="https://dataverse.no/dataset.xhtml?id=1&v=2",
        publication_status=local("publication-status", "published"))
    dist = create_distribution(
        dataset=dataset, title={"nb": "Data (CSV)", "en": "Data (CSV)"}, description={"nb": "Alle år"},
        access_url="https://dataverse.no/dataset.xhtml?id=1", download_url="https://dataverse.no/api/access/datafile/1",
        format=f"{EU}/file-type/CSV", media_type=f"{IANA}/text/csv", byte_size=51200000,
        licence=f"{EU}/licence/CC_BY_4_0", checksum={"algorithm": "sha256", "value": "ab" * 32})
    system = create_system(name="Artskart-API", description={"nb": "Programmeringsgrensesnitt"},
                           endpoint_urls=["https://api.example.ntnu.no/v1"],
                           api_description_url="https://api.example.ntnu.no/openapi.json",
                           dataset_ids=[str(dataset.id)])
    create_flow(source, dataset, mechanism=local("flow-mechanism", "api"), frequency=f"{EU}/frequency/ANNUAL")
    create_flow(system, dataset, mechanism=local("flow-mechanism", "api"), frequency=f"{EU}/frequency/DAILY")
    return {"dataset": dataset, "distribution": dist, "system": system, "source": source}
