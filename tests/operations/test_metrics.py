"""/metrics: the Prometheus exposition an operator scrapes (docs/deploy.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import ContactFactory, CustomerFactory

from .queue_rows import queued_task

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-token-for-tests"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []


def samples(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


def test_metrics_do_not_exist_until_switched_on(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", []
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token_or_an_allowed_address(client, metrics_on, settings):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]  # the test client's REMOTE_ADDR
    assert client.get("/metrics").status_code == 200


def test_requests_are_counted_by_route_template_and_status(client, metrics_on, company):
    key = (
        "doorstep_http_requests_total",
        (("method", "GET"), ("route", "healthz"), ("status", "200")),
    )
    before = scrape(client).get(key, 0)
    client.get("/healthz")
    client.get("/healthz")
    after = scrape(client)
    assert after[key] == before + 2
    latency = ("doorstep_http_request_duration_seconds_count", (("route", "healthz"),))
    assert after[latency] >= 2
    client.generic("BREW", "/healthz")
    methods = {dict(labels).get("method") for (_name, labels) in scrape(client)}
    assert "BREW" not in methods and "other" in methods
    routes = {dict(labels).get("route") for (_name, labels) in after}
    assert not any(company.slug in (route or "") for route in routes)


def test_queue_and_outbox_figures_come_from_the_database(
    client, metrics_on, company, django_assert_num_queries
):
    from doorstep.notifications.models import Notification

    queued_task(waited=timedelta(minutes=5))
    queued_task(waited=timedelta(seconds=5))
    ContactFactory(customer=CustomerFactory(company=company))
    Notification.objects.create(company=company, recipient="pat@example.com", template="x")
    from doorstep.core.audit import Actor
    from doorstep.integrations.webhooks.endpoints import webhook_endpoint_create
    from doorstep.integrations.webhooks.outbox import webhook_emit

    webhook_endpoint_create(
        company=company, url="https://hooks.example.com/in", event_types=[], actor=Actor.system("t")
    )
    webhook_emit(company=company, type="invoice.paid", data={"id": 1})
    with django_assert_num_queries(3):  # the queue lag + the two outbox counts
        figures = scrape(client)
    assert figures[("doorstep_queue_waiting_tasks", ())] == 2
    assert 299 <= figures[("doorstep_queue_oldest_waiting_seconds", ())] < 330
    assert figures[("doorstep_outbox_backlog", (("outbox", "notifications"),))] == 1
    assert figures[("doorstep_outbox_backlog", (("outbox", "webhooks"),))] == 1


def test_a_registered_outbox_is_exposed(client, metrics_on):
    from doorstep.operations import metrics_view

    metrics_view.outbox_backlog_register("sms-gateway", lambda: 7)
    try:
        assert scrape(client)[("doorstep_outbox_backlog", (("outbox", "sms-gateway"),))] == 7
    finally:
        metrics_view._OUTBOXES.pop("sms-gateway")


def test_refused_incoming_webhooks_are_counted(client, metrics_on, settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    key = (
        "doorstep_incoming_webhook_failures_total",
        (("source", "webhooks/<str:provider>"), ("stage", "received")),
    )
    before = scrape(client).get(key, 0)
    response = client.post(
        "/webhooks/stripe", b"{}", content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=x"
    )
    assert response.status_code == 400
    assert scrape(client)[key] == before + 1


SCRIPT = """
import django, os, sys
django.setup()
from django.test import Client
client = Client()
if sys.argv[1] == "scrape":
    token = os.environ["METRICS_TOKEN"]
    print(client.get("/metrics", headers={"Authorization": "Bearer " + token}).content.decode())
else:
    for _ in range(int(sys.argv[1])):
        assert client.get("/healthz").status_code == 200
"""


def test_gunicorn_processes_are_added_up_in_multiprocess_mode(tmp_path):
    """Each process writes its counts to PROMETHEUS_MULTIPROC_DIR; any one of them answers
    /metrics for all (as behind gunicorn)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DOORSTEP_TESTING": "false",
        "DOORSTEP_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom"),
        "METRICS_TOKEN": TOKEN,
        "LOG_LEVEL": "WARNING",
    }
    (tmp_path / "prom").mkdir()

    def run(arg: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, arg], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("3")
    run("4")
    figures = samples(run("scrape"))
    key = (
        "doorstep_http_requests_total",
        (("method", "GET"), ("route", "healthz"), ("status", "200")),
    )
    assert figures[key] == 7
