"""Integrations → Background work: an owner sees how far behind the background work is (the
same figures as /readyz and /metrics: doorstep/core/queue_health.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.compat import TaskResultStatus

from tests.operations.queue_rows import queued_task

from ..helpers import office_client

pytestmark = pytest.mark.django_db
URL = "/office/integrations/background-work/"


def test_the_owner_sees_waiting_running_and_failed_tasks(company, settings):
    settings.READYZ_MAX_QUEUE_LAG_SECONDS = 60
    queued_task(waited=timedelta(seconds=200))
    queued_task(waited=timedelta(seconds=3))
    queued_task(status=TaskResultStatus.RUNNING)
    queued_task(status=TaskResultStatus.FAILED, finished_ago=timedelta(hours=2))
    queued_task(status=TaskResultStatus.FAILED, finished_ago=timedelta(days=3))  # too old
    client = office_client(Client(), company, "owner")
    body = client.get(URL).content.decode()
    assert "Background work is running late." in body
    assert "<td>2 tasks</td>" in body
    waited = re.search(r"<td>(\d+) seconds", body)
    assert waited and 200 <= int(waited[1]) < 300  # the 200 s task, however slow the machine
    assert "Running now</th><td>1</td>" in body
    assert "Failed in the last 24 hours</th><td>1</td>" in body


def test_on_time_when_nothing_waits(company):
    client = office_client(Client(), company, "owner")
    body = client.get(URL).content.decode()
    assert "Background work is on time." in body and "nothing waits" in body
    assert URL in client.get(reverse("office:integrations:list")).content.decode()


@pytest.mark.parametrize("role", ["office", "billing", "technician"])
def test_only_owners_see_it(company, role):
    assert office_client(Client(), company, role).get(URL).status_code == 403


@pytest.mark.parametrize("history", [1, 30])
def test_the_page_costs_the_same_queries_whatever_the_history(
    company, history, django_assert_num_queries
):
    for _ in range(history):
        queued_task(waited=timedelta(seconds=5))
        queued_task(status=TaskResultStatus.FAILED, finished_ago=timedelta(hours=1))
        queued_task(status=TaskResultStatus.SUCCESSFUL, finished_ago=timedelta(hours=1))
    client = office_client(Client(), company, "owner")
    client.get(URL)  # warm the session
    # session, user, memberships, company, the lag, running + failed
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200
