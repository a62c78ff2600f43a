"""Factories of the programme tests: a measure, activities, goals and a programme lead."""
from __future__ import annotations

import itertools

import pytest

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.programme import schemas as s
from dmp_registry.programme.service import activity_service, goal_service, measure_service, time_entry_service
from dmp_registry.vocabularies.terms import local
from tests.factories import _detached

_seq = itertools.count(1)


def status(code: str) -> str:
    return local("activity-status", code)


def _create(service, schema, data):
    with unit_of_work():
        obj = service.create(system_identity, schema.load(data))
    return _detached(obj)


@pytest.fixture
def lead(create_user):
    return create_user("programme_lead")


@pytest.fixture
def researcher(create_user):
    return create_user("researcher")


@pytest.fixture
def create_measure():
    def make(**extra):
        n = next(_seq)
        return _create(measure_service, s.MeasureIn(), {"code": extra.pop("code", f"M{n}"),
                                                        "title": {"nb": f"Tiltak {n}", "en": f"Measure {n}"}, **extra})
    return make


@pytest.fixture
def measure(create_measure):
    return create_measure(code="25", title={"nb": "Digital infrastruktur", "en": "Digital infrastructure"})


@pytest.fixture
def create_activity(measure):
    def make(code=None, state="in-progress", **extra):
        n = next(_seq)
        data = {"measure_id": str(extra.pop("measure_id", measure.id)), "code": code or f"25.{n}",
                "title": {"nb": f"Aktivitet {n}", "en": f"Activity {n}"}, "status": status(state), **extra}
        return _create(activity_service, s.ActivityIn(), data)
    return make


@pytest.fixture
def create_goal():
    def make(activity, target=10, **extra):
        data = {"activity_id": str(activity.id), "title": {"nb": f"Mål {next(_seq)}"}, "target": target, **extra}
        return _create(goal_service, s.GoalIn(), data)
    return make


@pytest.fixture
def report_hours():
    def make(person, activity, week, hours, **extra):
        data = {"person_id": str(person.id), "activity_id": str(activity.id), "week": week, "hours": hours, **extra}
        return _create(time_entry_service, s.TimeEntryIn(), data)
    return make


@pytest.fixture
def login():
    from tests.web.conftest import page_csrf
    from tests.web.conftest import PASSWORD

    def sign_in(client, user, password=PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password,
                                               "csrf_token": page_csrf(client)})
        assert response.status_code == 303
        return client
    return sign_in
