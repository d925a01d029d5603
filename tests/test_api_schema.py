"""Schemathesis drives the API from its own OpenAPI document, in-process (WSGI, no server):
whatever values it makes up for the documented parameters, no answer is a 5xx and every
answer matches the schema (status code, content type, body, headers)."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from trialportal.wsgi import application
from trials.models import ArmStatus, Publication

from .factories import ArmFactory, CancerTypeFactory, RegistryNumberFactory, TrialFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Every value the documented types allow (the API's own validation answers the rest in
# words); a bounded number of examples keeps this to a few seconds.
schema.config.generation.update(modes=[GenerationMode.POSITIVE], max_examples=40)
schema.config.phases.update(phases=["examples", "fuzzing"])

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def keep_the_test_connection():
    """Django closes "old" connections at each request's start and end; through raw WSGI
    (unlike Django's test client) that would close the test's own transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def trials(db, keep_the_test_connection):
    group = CancerTypeFactory(name="Solid tumors", slug="solid-tumors")
    neuroblastoma = CancerTypeFactory(name="Neuroblastoma", parent=group)
    esmart = TrialFactory(short_name="ESMART", cancer_types=[group])
    ArmFactory(trial=esmart, status=ArmStatus.OPEN)
    RegistryNumberFactory(trial=esmart)
    TrialFactory(short_name="NB", cancer_types=[neuroblastoma], min_age_months=6)
    TrialFactory(short_name="ANY-AGE", min_age_months=None, max_age_months=None)
    TrialFactory(short_name="DRAFT", publication=Publication.DRAFT)


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_match_its_schema(case, trials):
    response = case.call()
    case.validate_response(response, checks=CHECKS)
