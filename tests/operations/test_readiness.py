"""/healthz and /readyz: what the load balancer and the deploy script rely on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus

from doorstep.operations import readiness

from .queue_rows import queued_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_process():
    readiness.migrations_forget()
    yield
    readiness.migrations_forget()


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_migrations_once_then_only_the_queue(client, django_assert_num_queries):
    with django_assert_num_queries(2):  # migrations recorded? + the queue lag
        first = client.get("/readyz")
    assert first.status_code == 200
    assert first.json() == {
        "status": "ok",
        "checks": {"migrations": "ok", "database": "ok", "queue": "ok"},
    }
    with django_assert_num_queries(1):  # the applied migrations are remembered
        assert client.get("/readyz").status_code == 200


def test_readyz_is_unavailable_while_a_migration_is_not_applied(client):
    app, name = readiness._leaves()[0]
    MigrationRecorder.Migration.objects.filter(app=app, name=name).delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "pending"
    MigrationRecorder.Migration.objects.create(app=app, name=name)
    assert client.get("/readyz").status_code == 200


def test_readyz_is_unavailable_when_the_oldest_waiting_task_is_too_old(client, settings):
    settings.READYZ_MAX_QUEUE_LAG_SECONDS = 60
    queued_task(waited=timedelta(seconds=30))
    assert client.get("/readyz").status_code == 200
    queued_task(waited=timedelta(seconds=90))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"migrations": "ok", "database": "ok", "queue": "late"},
    }


def test_tasks_not_waiting_do_not_count_as_lag(client, settings):
    settings.READYZ_MAX_QUEUE_LAG_SECONDS = 60
    old = timedelta(hours=2)
    queued_task(waited=old, status=TaskResultStatus.RUNNING)  # a worker has it
    queued_task(waited=old, status=TaskResultStatus.SUCCESSFUL)
    queued_task(waited=old, status=TaskResultStatus.FAILED)
    queued_task(waited=old, run_after=timezone.now() + timedelta(minutes=5))  # not due yet
    # Due 10 s ago although enqueued 2 hours ago: it has waited 10 s.
    queued_task(waited=old, run_after=timezone.now() - timedelta(seconds=10))
    assert client.get("/readyz").status_code == 200


def test_readyz_says_unreachable_when_the_database_refuses(client):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "unreachable"}}


def test_the_bodies_reveal_nothing_but_the_checks(client, company):
    queued_task(waited=timedelta(hours=1))
    body = client.get("/readyz").content.decode()
    assert company.name not in body and company.slug not in body
    assert "deliver_notification" not in body and "3600" not in body
