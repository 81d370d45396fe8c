"""Two staff (or one double click in two tabs) approve the same request at the same moment:
the row lock lets one create the job; the other finds it approved and creates nothing."""

import threading

import pytest
from django.db import connection, connections

from doorstep.jobs.models import Job
from doorstep.servicerequests.services import service_request_approve

from ..factories import SYSTEM, ContactFactory, make_service_request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_concurrent_approvals_create_one_job(mailbox):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks): set TEST_DATABASE_URL")
    contact = ContactFactory()
    sr = make_service_request(contact.customer)
    barrier = threading.Barrier(5)
    errors: list[BaseException] = []

    def approve() -> None:
        try:
            barrier.wait()
            service_request_approve(
                company=sr.company,
                request_id=sr.pk,
                title="Fix it",
                description="",
                location_id=sr.location_id,
                actor=SYSTEM,
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Job.objects.count() == 1
    assert len(mailbox.to(contact.email)) == 1
