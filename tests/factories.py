"""factory_boy factories. Related rows always belong to the same company."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from doorstep.access.models import PortalAccount, PortalAccountState
from doorstep.billing.estimates import estimate_create
from doorstep.billing.invoices import LineInput, invoice_create, invoice_open
from doorstep.billing.models import Estimate, Invoice
from doorstep.core.audit import Actor
from doorstep.customers.models import Contact, Customer, Location
from doorstep.jobs import services as jobs
from doorstep.jobs.models import Job, Technician
from doorstep.tenancy.models import Company, Membership
from doorstep.tenancy.services import company_create
from doorstep.tenancy.time import company_today

SYSTEM = Actor.system("tests")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Acme Plumbing {n}")
    slug = factory.Sequence(lambda n: f"acme-{n}")
    timezone = "America/New_York"
    support_email = factory.Sequence(lambda n: f"office{n}@acme.test")
    support_phone = "(555) 010-0000"
    billing_email = factory.Sequence(lambda n: f"billing{n}@acme.test")

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Company:
        return company_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.Sequence(lambda n: f"staff{n}@acme.test")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def staff_user(company: Company, role: str = "owner", **kwargs: Any) -> Any:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, company=company, role=role)
    return user


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Pat Customer{n}")
    billing_address = "1 Main St\nSpringfield"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    company = factory.SelfAttribute("customer.company")
    name = factory.SelfAttribute("customer.name")
    email = factory.Sequence(lambda n: f"customer{n}@example.test")
    phone = "+15550100000"
    is_primary = True


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    customer = factory.SubFactory(CustomerFactory)
    company = factory.SelfAttribute("customer.company")
    label = "Home"
    street = factory.Sequence(lambda n: f"{n} Elm Street")
    city = "Springfield"
    region = "IL"
    postal_code = "62701"


class TechnicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technician

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Sam Tech{n}")
    phone = "+15550199999"


def make_job(
    customer: Customer, *, location: Location | None = None, title: str = "Fix leak", **kwargs: Any
) -> Job:
    location = location or LocationFactory(customer=customer)
    return jobs.job_create(
        company=customer.company,
        customer=customer,
        location=location,
        title=title,
        actor=SYSTEM,
        **kwargs,
    )


def make_invoice(
    customer: Customer,
    *,
    lines: list[tuple[str, int, str, str]] | None = None,
    open_: bool = True,
    due_in_days: int = 14,
    **kwargs: Any,
) -> Invoice:
    """lines: (description, unit price cents, quantity, tax rate %)."""
    lines = lines if lines is not None else [("Service call", 12500, "1", "8.25")]
    today = company_today(customer.company)  # the company's date, not UTC's
    invoice = invoice_create(
        company=customer.company,
        customer=customer,
        actor=SYSTEM,
        issue_date=kwargs.pop("issue_date", today),
        due_date=kwargs.pop("due_date", today + timedelta(days=due_in_days)),
        lines=[LineInput(d, p, Decimal(q), Decimal(t)) for d, p, q, t in lines],
        **kwargs,
    )
    if open_:
        invoice = invoice_open(company=customer.company, invoice=invoice, actor=SYSTEM)
    return invoice


def make_estimate(customer: Customer, **kwargs: Any) -> Estimate:
    today = company_today(customer.company)
    return estimate_create(
        company=customer.company,
        customer=customer,
        actor=SYSTEM,
        expiry_date=kwargs.pop("expiry_date", today + timedelta(days=30)),
        lines=kwargs.pop("lines", [LineInput("New water heater", 180000)]),
        **kwargs,
    )


def make_portal_account(contact: Contact, **kwargs: Any) -> PortalAccount:
    return PortalAccount.objects.create(
        company=contact.company,
        customer=contact.customer,
        contact=contact,
        email=contact.email.lower(),
        state=kwargs.pop("state", PortalAccountState.ACTIVE),
        **kwargs,
    )


# --- Service requests, messaging, notifications (branch `requests`) --------------------------


def make_service_type(company: Company, name: str = "Plumbing repair", **kwargs: Any) -> Any:
    from doorstep.servicerequests.models import ServiceType

    return ServiceType.objects.create(company=company, name=name, **kwargs)


def make_service_request(
    customer: Customer, *, location: Location | None = None, **kwargs: Any
) -> Any:
    from doorstep.servicerequests.services import service_request_submit

    company = customer.company
    location = location or LocationFactory(customer=customer)
    service_type = kwargs.pop("service_type", None) or make_service_type(
        company, name=f"Repair {Customer.objects.count()}-{location.pk}"
    )
    return service_request_submit(
        company=company,
        customer=customer,
        location_id=location.pk,
        service_type_id=service_type.pk,
        description=kwargs.pop("description", "The kitchen tap drips."),
        actor=SYSTEM,
        **kwargs,
    )


def sms_ready(company: Company, *, api_base: str = "") -> None:
    """Switch text messages on with test Twilio credentials."""
    s = company.settings
    s.sms_enabled = True
    s.twilio_account_sid = "AC" + "1" * 32
    s.twilio_auth_token = "test-auth-token"
    s.twilio_from_number = "+15005550006"
    s.save()


def verified_phone(customer: Customer, phone: str = "+15551234567") -> Any:
    from doorstep.notifications.models import CustomerPhone

    return CustomerPhone.objects.create(
        company=customer.company, customer=customer, phone=phone, verified_at=timezone.now()
    )
