"""Fixtures of the priorities tests: the scoring model from its file, and assessments through the service."""
from __future__ import annotations

import pytest

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.priorities.model_file import read_model_file
from dmp_registry.priorities.schemas import AssessmentIn
from dmp_registry.priorities.service import assessment_service
from dmp_registry.vocabularies.terms import local

TERM = "assessment-term"


def term(code: str) -> str:
    return local(TERM, code)


def kind(code: str) -> str:
    return local("storage-kind", code)


@pytest.fixture
def model():
    return read_model_file()


@pytest.fixture
def assess():
    """assess(dataset, **fields) → the assessment, created by the system identity."""
    def make(dataset, **fields):
        data = AssessmentIn().load({"dataset_id": str(dataset.id), **fields})
        with unit_of_work() as session:
            obj = assessment_service.create(system_identity, data)
            session.expunge(obj)
        return obj
    return make


@pytest.fixture
def signed_in(client):
    """signed_in(user) → the test client, logged in through the login form."""
    from tests.web.conftest import PASSWORD, page_csrf

    def sign_in(user):
        response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                               "csrf_token": page_csrf(client)})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return client
    return sign_in
