"""Schemathesis against our own committed OpenAPI document, as an agent, a supervisor and an integrator.

Every operation gets generated requests (valid and invalid), sent in-process through the WSGI
application; no response may be a 5xx or break the documented response schema.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from crm.tests.factories import customer_with_phone
from integrations.services.tokens import token_create

SCHEMA = schemathesis.openapi.from_path(Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml")
APP = get_wsgi_application()


@pytest.fixture
def _keep_test_connection():
    """As Django's test client does: a request must not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world, monkeypatch, _keep_test_connection):
    from config.api.throttling import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "100000/minute", "anon": "100000/minute"})
    customer_with_phone(world.program_a, "+14155550100")
    roles = ("agent", "supervisor", "integrator")
    return {role: token_create(user=getattr(world, role), name=f"fuzz {role}")[1] for role in roles}


@pytest.mark.django_db
@SCHEMA.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case, tokens):
    for token in tokens.values():
        case.call_and_validate(
            app=APP,
            headers={"Authorization": f"Bearer {token}"},
            checks=[not_a_server_error, response_schema_conformance],
        )
