"""Whether a job's status change reaches the customer: one rule in the jobs service.

Moving 22 old jobs through their statuses once sent one customer 88 emails; a bulk move or a
back-dated change must tell nobody, a live change tells the customer unless staff say not to.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from doorstep.core.errors import DomainError
from doorstep.jobs.models import JobEvent, JobStatus
from doorstep.jobs.services import job_change_status, jobs_change_status_bulk
from doorstep.notifications.models import Notification

from ..factories import SYSTEM, ContactFactory, CustomerFactory, TechnicianFactory, make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(company):
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, email="carla@example.com", is_primary=True)
    return customer


def assigned_job(customer):
    tech = TechnicianFactory(company=customer.company, name="Sam Rivera")
    job = make_job(customer, technician=tech, scheduled_start=timezone.now() + timedelta(hours=2))
    for status in (JobStatus.SCHEDULED, JobStatus.TECHNICIAN_ASSIGNED):
        job = job_change_status(
            company=customer.company, job=job, new_status=status, actor=SYSTEM, tell_customer=False
        )
    return job


def customer_emails(customer):
    """Everything queued for the customer (the outbox: every email and text goes through it)."""
    return Notification.objects.filter(company=customer.company, recipient="carla@example.com")


def test_a_live_change_tells_the_customer_by_default(
    customer, mailbox, django_capture_on_commit_callbacks
):
    job = assigned_job(customer)
    with django_capture_on_commit_callbacks(execute=True):
        job_change_status(
            company=customer.company, job=job, new_status=JobStatus.ON_THE_WAY, actor=SYSTEM
        )
    [email] = mailbox.to("carla@example.com")
    assert "on the way" in email["Subject"].lower()


def test_staff_may_choose_not_to_tell(customer, django_capture_on_commit_callbacks):
    job = assigned_job(customer)
    with django_capture_on_commit_callbacks(execute=True):
        job_change_status(
            company=customer.company,
            job=job,
            new_status=JobStatus.ON_THE_WAY,
            actor=SYSTEM,
            tell_customer=False,
        )
    assert not customer_emails(customer).exists()
    job.refresh_from_db()
    assert job.status == JobStatus.ON_THE_WAY


def test_moving_22_old_jobs_in_bulk_sends_nothing(customer, django_capture_on_commit_callbacks):
    jobs = [assigned_job(customer) for _ in range(22)]
    with django_capture_on_commit_callbacks(execute=True):
        for status in (
            JobStatus.ON_THE_WAY,
            JobStatus.TECHNICIAN_ARRIVED,
            JobStatus.IN_PROGRESS,
            JobStatus.COMPLETED,
        ):
            result = jobs_change_status_bulk(
                company=customer.company,
                job_ids=[j.pk for j in jobs],
                new_status=status,
                actor=SYSTEM,
            )
            assert len(result.moved) == 22 and not result.refused
    assert customer_emails(customer).count() == 0
    assert JobEvent.objects.filter(job__in=jobs, to_status=JobStatus.COMPLETED).count() == 22


def test_bulk_move_refuses_a_job_it_cannot_move_and_moves_the_rest(customer):
    ready = assigned_job(customer)
    unassigned = make_job(customer)
    result = jobs_change_status_bulk(
        company=customer.company,
        job_ids=[ready.pk, unassigned.pk],
        new_status=JobStatus.ON_THE_WAY,
        actor=SYSTEM,
    )
    assert [j.pk for j in result.moved] == [ready.pk]
    assert [(j.pk, why) for j, why in result.refused] == [
        (unassigned.pk, "A job that is unscheduled cannot become on the way.")
    ]


def test_bulk_move_never_touches_another_companys_jobs(customer, other_company):
    theirs = assigned_job(CustomerFactory(company=other_company))
    result = jobs_change_status_bulk(
        company=customer.company, job_ids=[theirs.pk], new_status=JobStatus.ON_THE_WAY, actor=SYSTEM
    )
    assert result.moved == [] and result.refused == []
    theirs.refresh_from_db()
    assert theirs.status == JobStatus.TECHNICIAN_ASSIGNED


def test_a_back_dated_change_tells_nobody_even_if_asked(
    customer, django_capture_on_commit_callbacks
):
    job = assigned_job(customer)
    yesterday = timezone.now() - timedelta(days=1)
    job.status_changed_at = yesterday - timedelta(hours=1)
    job.save(update_fields=["status_changed_at"])
    with django_capture_on_commit_callbacks(execute=True):
        job_change_status(
            company=customer.company,
            job=job,
            new_status=JobStatus.IN_PROGRESS,
            actor=SYSTEM,
            tell_customer=True,
            happened_at=yesterday,
        )
    assert not customer_emails(customer).exists()
    job.refresh_from_db()
    assert job.status_changed_at == yesterday
    assert job.events.get(to_status=JobStatus.IN_PROGRESS).created_at == yesterday


def test_a_back_dated_change_cannot_be_in_the_future_or_before_the_last_one(customer):
    job = assigned_job(customer)
    for when, words in (
        (timezone.now() + timedelta(hours=3), "future"),
        (job.status_changed_at - timedelta(minutes=1), "previous change"),
    ):
        with pytest.raises(DomainError, match=words) as caught:
            job_change_status(
                company=customer.company,
                job=job,
                new_status=JobStatus.ON_THE_WAY,
                actor=SYSTEM,
                happened_at=when,
            )
        assert caught.value.field == "happened_at"
    job.refresh_from_db()
    assert job.status == JobStatus.TECHNICIAN_ASSIGNED
