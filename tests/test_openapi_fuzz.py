"""Schemathesis against /api/v1/openapi.json: no 5xx, every response as documented.

Runs as a curator (so writes get past permission checks and reach validation) on whatever
database the suite runs on. The number of examples per operation is kept small to fit the suite.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from dmp_registry.core.uow import unit_of_work

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def curator_token(app, create_user, create_dataset):
    with unit_of_work():
        from dmp_registry.demo import load_demo

        load_demo()
    return create_user("curator")[2]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_matches_its_schema(case, curator_token):
    response = case.call(headers=curator_token)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance,
                                             content_type_conformance, status_code_conformance])
