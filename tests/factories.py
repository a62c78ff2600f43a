"""Factory fixtures: callables that create valid records through the services (and commit)."""
from __future__ import annotations

import itertools

import pytest

from dmp_registry.auth.service import identity_for, user_service
from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.schemas import DatasetIn, DistributionIn
from dmp_registry.datasets.service import dataset_service, distribution_service
from dmp_registry.organisation.schemas import PersonIn, ProjectIn, UnitIn
from dmp_registry.organisation.service import person_service, project_service, unit_service
from dmp_registry.vocabularies.terms import local

EU = "http://publications.europa.eu/resource/authority"
_seq = itertools.count(1)


def _create(service, schema, data):
    with unit_of_work():
        obj = service.create(system_identity, schema.load(data))
    return _detached(obj)


def _detached(obj):
    """Tests share the app context with requests; a request's rollback would expire session objects."""
    from dmp_registry.core.db import db

    db.session.expunge(obj)
    return obj


@pytest.fixture
def create_unit():
    def make(code=None, **extra):
        n = next(_seq)
        name = {"nb": f"Enhet {n}", "en": f"Unit {n}"}
        return _create(unit_service, UnitIn(), {"code": code or f"U{n}", "name": name, **extra})
    return make


@pytest.fixture
def create_person(create_unit):
    def make(unit=None, **extra):
        n = next(_seq)
        unit = unit or create_unit()
        return _create(person_service, PersonIn(), {"name": f"Person {n}", "email": f"p{n}@example.org",
                                                    "unit_id": str(unit.id), **extra})
    return make


@pytest.fixture
def create_project(create_unit):
    def make(unit=None, **extra):
        unit = unit or create_unit()
        title = {"nb": f"Prosjekt {next(_seq)}"}
        return _create(project_service, ProjectIn(), {"title": title, "unit_id": str(unit.id), **extra})
    return make


def dataset_payload(unit, **extra) -> dict:
    n = next(_seq)
    if extra.get("listed"):  # listing needs the DCAT-AP-NO mandatory fields (DatasetService.validate)
        extra.setdefault("description", {"nb": f"Beskrivelse {n}"})
        extra.setdefault("themes", [f"{EU}/data-theme/EDUC"])
    return {"title": {"nb": f"Datasett {n}", "en": f"Dataset {n}"}, "unit_id": str(unit.id),
            "dataset_type": local("dataset-type", "research-data"),
            "classification": local("classification", "open"), **extra}


@pytest.fixture
def create_dataset(create_unit):
    def make(unit=None, **extra):
        return _create(dataset_service, DatasetIn(), dataset_payload(unit or create_unit(), **extra))
    return make


@pytest.fixture
def create_distribution(create_dataset):
    def make(dataset=None, **extra):
        dataset = dataset or create_dataset()
        return _create(distribution_service, DistributionIn(),
                       {"dataset_id": str(dataset.id), "access_url": "https://example.org/data", **extra})
    return make


@pytest.fixture
def create_user(create_person):
    """create_user(role, unit=None) → (user, identity, headers with a bearer token)."""
    def make(*roles, unit=None, person=None):
        person = person or create_person(unit=unit)
        n = next(_seq)
        with unit_of_work():
            user = user_service.create(system_identity, {"username": f"user{n}", "roles": list(roles),
                                                         "person_id": person.id, "password": "a-long-password"})
            _token, plain = user_service.create_token(system_identity, user.id, "test")
            identity = identity_for(user)
        return _detached(user), identity, {"Authorization": f"Bearer {plain}"}
    return make


@pytest.fixture
def curator(create_user):
    return create_user("curator")


@pytest.fixture
def admin(create_user):
    return create_user("admin")


@pytest.fixture
def create_system():
    from dmp_registry.systems.schemas import ItSystemIn
    from dmp_registry.systems.service import it_system_service

    def make(name=None, lifecycle="in-use", **extra):
        data = {"name": name or f"System {next(_seq)}", "category": local("system-category", "storage"),
                "lifecycle_status": local("lifecycle-status", lifecycle), **extra}
        return _create(it_system_service, ItSystemIn(), data)
    return make


@pytest.fixture
def create_flow():
    """create_flow(source, target, **fields): ends are ItSystem or Dataset objects."""
    from dmp_registry.flows.schemas import FlowIn
    from dmp_registry.flows.service import flow_service
    from dmp_registry.systems.models import ItSystem

    def end(prefix, obj):
        kind = "system" if isinstance(obj, ItSystem) else "dataset"
        return {f"{prefix}_{kind}_id": str(obj.id)}

    def make(source, target, status="active", **extra):
        data = {"title": f"Flyt {next(_seq)}", **end("source", source), **end("target", target),
                "status": local("flow-status", status), **extra}
        return _create(flow_service, FlowIn(), data)
    return make
