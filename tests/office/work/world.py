"""A company's day for the office work pages: customers with jobs, requests, conversations and
registrations; `grow` adds many more of each (for the query-count tests)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from doorstep.access.models import RegistrationRequest, RegistrationState
from doorstep.customers.models import Customer
from doorstep.jobs.models import JobStatus
from doorstep.jobs.services import job_change_status, job_photos_add
from doorstep.messaging.models import Side, Topic
from doorstep.messaging.services import conversation_start
from doorstep.servicerequests.models import Urgency

from ...factories import (
    SYSTEM,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    TechnicianFactory,
    make_job,
    make_service_request,
    make_service_type,
)
from ...servicerequests.helpers import png


def customer_with_contact(company: Any, name: str = "Carla Diaz", email: str = "") -> Any:
    customer = CustomerFactory(company=company, name=name)
    ContactFactory(
        customer=customer, email=email or f"{name.split()[0].lower()}@example.com", is_primary=True
    )
    LocationFactory(customer=customer, street="12 Harbor Road")
    return customer


def job_assigned(customer: Any, technician: Any, title: str = "Replace the water heater") -> Any:
    job = make_job(
        customer,
        location=customer.locations.first(),
        title=title,
        technician=technician,
        scheduled_start=timezone.now() + timedelta(hours=3),
    )
    for status in (JobStatus.SCHEDULED, JobStatus.TECHNICIAN_ASSIGNED):
        job = job_change_status(
            company=customer.company, job=job, new_status=status, actor=SYSTEM, tell_customer=False
        )
    return job


def registration_waiting(company: Any, email: str, name: str = "Dana Diaz") -> RegistrationRequest:
    return RegistrationRequest.objects.create(
        company=company,
        email=email,
        name=name,
        token_hash=f"hash-{email}",
        expires_at=timezone.now() + timedelta(days=1),
        state=RegistrationState.PENDING,
        verified_at=timezone.now(),
    )


def grow(company: Any, n: int) -> None:
    """n more of everything the work pages list (may be called again: names stay unique)."""
    start = Customer.objects.filter(company=company).count()
    service_type = make_service_type(company, name=f"Growth repair {start}")
    for i in range(start, start + n):
        customer = customer_with_contact(company, f"Grown Customer{i}", f"grown{i}@example.com")
        technician = TechnicianFactory(company=company)
        job = job_assigned(customer, technician, title=f"Grown job {i}")
        if i % 3 == 0:
            job_photos_add(company=company, job=job, photos=[png()], actor=SYSTEM)
        make_service_request(
            customer,
            location=customer.locations.first(),
            service_type=service_type,
            urgency=Urgency.EMERGENCY if i % 4 == 0 else "",
        )
        conversation_start(
            company=company,
            customer=customer,
            subject=f"Question {i}",
            body="When do you come?",
            actor=SYSTEM,
            side=Side.CUSTOMER,
            topic=Topic.JOB,
            about_id=job.pk,
            photos=[png()] if i % 2 else [],
        )
        registration_waiting(company, f"someone{i}@example.org", name=f"Some One{i}")
