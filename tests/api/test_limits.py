"""Limits per key and per company, counted in the database: 429 with Retry-After and the
remaining count; concurrent requests cannot take more than the limit (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection, connections

from .conftest import make_api

MOMENT = datetime(2030, 1, 1, 9, 0, 10, tzinfo=UTC)  # 50 s before the window ends


@pytest.mark.django_db
def test_over_the_key_limit_is_429_with_retry_after(company, settings):
    settings.API_REQUESTS_PER_MINUTE_PER_KEY = 3
    api = make_api(company)
    with time_machine.travel(MOMENT, tick=False):
        remaining = [api.get("/api/v1/customers/")["X-RateLimit-Remaining"] for _ in range(3)]
        refused = api.get("/api/v1/customers/")
    assert remaining == ["2", "1", "0"]
    assert refused.status_code == 429
    assert refused.json()["type"] == "rate_limited"
    assert refused["Retry-After"] == "50"
    assert refused["X-RateLimit-Remaining"] == "0"
    with time_machine.travel(MOMENT.replace(minute=1), tick=False):
        assert api.get("/api/v1/customers/").status_code == 200


@pytest.mark.django_db
def test_the_company_limit_counts_all_its_keys(company, other_company, settings):
    settings.API_REQUESTS_PER_MINUTE_PER_COMPANY = 4
    first, second = make_api(company, name="A"), make_api(company, name="B")
    elsewhere = make_api(other_company)
    with time_machine.travel(MOMENT, tick=False):
        codes = [api.get("/api/v1/customers/").status_code for api in [first, second] * 3]
        assert elsewhere.get("/api/v1/customers/").status_code == 200
    assert codes == [200, 200, 200, 200, 429, 429]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_exceed_the_limit(company, settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL is not configured (TEST_DATABASE_URL): SQLite serialises writers")
    settings.API_REQUESTS_PER_MINUTE_PER_KEY = 5
    api = make_api(company)
    barrier = threading.Barrier(12)
    codes: list[int] = []

    def call() -> None:
        try:
            barrier.wait(10)
            codes.append(api.get("/api/v1/customers/").status_code)
        finally:
            connections.close_all()

    with time_machine.travel(MOMENT, tick=False):
        threads = [threading.Thread(target=call) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert sorted(codes) == [200] * 5 + [429] * 7
