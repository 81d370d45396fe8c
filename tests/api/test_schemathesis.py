"""Schemathesis fuzzes every operation of /api/v1/schema/ (a bounded number of examples each)
with a real key: no 5xx, every status, content type, header and body as the schema says."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import make_api, one_of_each

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def raw_key(company: Any, settings: Any) -> str:
    settings.API_REQUESTS_PER_MINUTE_PER_KEY = settings.API_REQUESTS_PER_MINUTE_PER_COMPANY = 10**6
    one_of_each(company)  # records to find, so examples reach past the 404s
    return make_api(company).raw


@pytest.fixture
def connection_kept_open() -> Any:
    """Requests go straight to the WSGI application, whose request signals would close the
    test's database connection (and its transaction) after each one; Django's test client
    disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_the_api_keeps_its_schema(raw_key: str, connection_kept_open: Any) -> None:
    from config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    headers = {"Authorization": f"Bearer {raw_key}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def examples(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        examples()
