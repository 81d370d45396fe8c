"""What happened in a demo company besides its documents: invoices sent, estimates decided by
the customer, service requests and conversations, so every back-office queue has something in it.

All of it goes through the product's services. The demo stays quiet: it runs once per company
(the seed is idempotent) and emails only what a person trying the demo wants to read — one
real invoice email per company, plus the office's notices about the customer activity below.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from doorstep.access.invoice_links import invoice_link_create
from doorstep.access.invoice_sending import invoice_send
from doorstep.access.models import PortalAccount
from doorstep.access.services import portal_account_provision
from doorstep.billing.estimates import (
    estimate_accept,
    estimate_comment_add,
    estimate_comment_reply,
    estimate_decline,
)
from doorstep.billing.invoices import invoice_open
from doorstep.billing.models import Estimate, Invoice
from doorstep.core.audit import Actor, audit_record
from doorstep.core.verbs import Verb
from doorstep.customers.models import Customer
from doorstep.jobs.models import Job
from doorstep.jobs.services import job_photos_add
from doorstep.messaging.models import Side
from doorstep.messaging.services import conversation_start, message_post
from doorstep.servicerequests.models import ServiceType, TimeWindow, Urgency
from doorstep.servicerequests.services import (
    service_request_approve,
    service_request_decline,
    service_request_submit,
)
from doorstep.tenancy.models import Company
from doorstep.tenancy.time import company_today

from .catalogue import CompanySpec

ACTOR = Actor.system("Demo data")


def invoice_mark_sent(company: Company, invoice: Invoice, *, email: bool) -> Invoice:
    """Open the invoice the way "Send" does: portal account, a "View and pay" link, audit.

    `email=True` goes through `invoice_send` itself (the email, its PDF). The demo does
    that for one invoice per company only: sending all ~24 would put two dozen invoice emails
    with PDFs into var/mail on the first `make run`, which nobody reads; the others get the same
    link and account without the email.
    """
    if email:
        return invoice_send(company=company, invoice=invoice, actor=ACTOR)[0]
    invoice = invoice_open(company=company, invoice=invoice, actor=ACTOR)
    account = portal_account_provision(company=company, customer=invoice.customer, actor=ACTOR)
    invoice_link_create(invoice=invoice, account=account)
    audit_record(
        company=company,
        target=invoice,
        verb=Verb.INVOICE_SENT,
        actor=ACTOR,
        message=f"{invoice.display_number} marked as sent to {account.email} (demo, no email)",
    )
    return invoice


def _customer_actor(company: Company, customer: Customer) -> tuple[Actor, PortalAccount | None]:
    account = (
        PortalAccount.objects.for_company(company)
        .filter(customer=customer, contact__is_primary=True)
        .first()
    )
    return Actor.portal(account.email if account else customer.name), account


def estimate_decide(company: Company, estimate: Estimate, *, accept: bool) -> Estimate:
    """The customer's yes or no, as the portal records it (signature, reason, office notice)."""
    customer = estimate.customer
    actor, _account = _customer_actor(company, customer)
    if accept:
        contact = customer.contacts.filter(is_primary=True).first()
        return estimate_accept(
            company=company,
            customer=customer,
            estimate=estimate,
            signature_name=contact.name if contact else customer.name,
            actor=actor,
        )
    return estimate_decline(
        company=company,
        customer=customer,
        estimate=estimate,
        reason="We went with a cheaper option.",
        actor=actor,
    )


def estimate_conversation(company: Company, estimate: Estimate) -> None:
    """A question on an open estimate and the office's answer."""
    customer = estimate.customer
    actor, _account = _customer_actor(company, customer)
    estimate_comment_add(
        company=company,
        customer=customer,
        estimate=estimate,
        body="Does the price include taking away the old parts?",
        actor=actor,
    )
    estimate_comment_reply(
        company=company,
        estimate=estimate,
        body="Yes: removal and disposal are included in the first line.",
        actor=_staff_actor(company),
    )


def _staff_actor(company: Company) -> Actor:
    owner = get_user_model().objects.filter(memberships__company=company).order_by("pk").first()
    return Actor.staff(owner) if owner else ACTOR


def service_types_create(company: Company, spec: CompanySpec) -> list[ServiceType]:
    return [
        ServiceType.objects.create(company=company, name=name, position=position)
        for position, name in enumerate(spec.service_types)
    ]


def service_requests_create(
    company: Company, spec: CompanySpec, customers: list[Customer], types: list[ServiceType]
) -> None:
    """One request waiting for review, one approved into a job, one declined."""
    today = company_today(company)
    wishes = [
        (spec.job_titles[0], "It started dripping yesterday evening.", Urgency.SOON),
        (spec.job_titles[1], "Since this morning, nothing works.", Urgency.EMERGENCY),
        (spec.job_titles[4], "Whenever suits you next week.", Urgency.NORMAL),
    ]
    for n, (title, detail, urgency) in enumerate(wishes):
        customer = customers[n + 1]
        actor, account = _customer_actor(company, customer)
        location = customer.locations.order_by("pk").first()
        assert location is not None  # every demo customer has an address
        request = service_request_submit(
            company=company,
            customer=customer,
            service_type_id=types[spec.request_types[n]].pk,
            description=f"{title}. {detail}",
            location_id=location.pk,
            preferred_date=today + timedelta(days=2 + n),
            preferred_window=[TimeWindow.MORNING, TimeWindow.ANY, TimeWindow.AFTERNOON][n],
            urgency=urgency,
            actor=actor,
            account=account,
            # Drawn photos so the request pages show thumbnails (nothing downloaded).
            photos=[
                _demo_photo(f"{title} ({k})", colour)
                for k, colour in ((1, "#0b5cad"), (2, "#8a4b00"))[: 1 + (n % 2)]
            ],
        )
        staff = _staff_actor(company)
        if n == 1:
            service_request_approve(
                company=company,
                request_id=request.pk,
                title=title,
                description=request.description,
                location_id=location.pk,
                actor=staff,
            )
        elif n == 2:
            service_request_decline(
                company=company,
                request_id=request.pk,
                reason="This is outside the area we serve; we'd recommend a local company.",
                actor=staff,
            )


def conversations_create(company: Company, customers: list[Customer]) -> None:
    """One conversation the office has answered, one still waiting for the office."""
    first, second = customers[0], customers[2]
    actor, account = _customer_actor(company, first)
    answered = conversation_start(
        company=company,
        customer=first,
        subject="Parking for the technician",
        body="Can your technician park in the driveway? The street is permit-only.",
        actor=actor,
        portal_account=account,
        photos=[_demo_photo("Our driveway", "#4a5568")],
    )
    message_post(
        company=company,
        conversation_id=answered.pk,
        side=Side.STAFF,
        body="Yes, the driveway is perfect. Thanks for letting us know!",
        actor=_staff_actor(company),
    )
    actor, account = _customer_actor(company, second)
    conversation_start(
        company=company,
        customer=second,
        subject="Receipt for my records",
        body="Could you send me a receipt for last month's visit?",
        actor=actor,
        portal_account=account,
    )


def _demo_photo(label: str, colour: str) -> SimpleUploadedFile:
    """A drawn photo (nothing downloaded): a coloured card with the label on it."""
    image = Image.new("RGB", (640, 480), colour)
    ImageDraw.Draw(image).text((40, 40), label, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"{label}.png", buffer.getvalue(), "image/png")


def completion_photos_add(company: Company, completed: list[Job]) -> None:
    """Completion photos on the finished jobs: the customer sees them on the portal's job page."""
    actor = _staff_actor(company)
    for job in completed:
        job_photos_add(
            company=company,
            job=job,
            photos=[
                _demo_photo(f"{job.display_number} before", "#8a4b00"),
                _demo_photo(f"{job.display_number} after", "#137333"),
            ],
            actor=actor,
        )


def single_sign_on_example(company: Company) -> None:
    """An identity provider to look at in the office (Single sign-on), switched off: a demo
    machine cannot reach a real provider, and a button that cannot work would mislead. The
    portal <-> help site sign-on needs no setup: "Get help" in the portal just works."""
    from doorstep.access.oidc import identity_provider_save

    identity_provider_save(
        company=company,
        actor=_staff_actor(company),
        name="Google Workspace (example)",
        issuer="https://accounts.google.com",
        client_id=f"{company.slug}-demo.apps.googleusercontent.com",
        enabled=False,
    )


# Printed in docs/demo-data.md on purpose: add it to an authenticator app to try the second
# step (local demo only; a real secret is random and sealed).
DEMO_TWO_STEP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
DEMO_TWO_STEP_EMAIL = "elena.patel@example.com"
# Printed in docs/demo-data.md too: try signing in without the authenticator app (each works
# once, as real ones do; the account's Two-step sign-in page makes new ones).
DEMO_RECOVERY_CODES = [f"step{c}-ready" for c in "23456789ab"]  # the real codes' alphabet


def two_step_example(company: Company) -> None:
    """One customer of a company that offers passwords signs in with a password and two-step
    sign-in (docs/demo-data.md has the password and the authenticator secret)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from doorstep.access.models import PortalAccount, TwoStep
    from doorstep.access.services import passwords_offered
    from doorstep.access.two_step import recovery_codes_store
    from doorstep.core.sealed import seal

    from .catalogue import DEMO_PASSWORD

    company.settings.refresh_from_db()  # the seed set it with an UPDATE after creating it
    if not passwords_offered(company):
        return
    account = PortalAccount.objects.for_company(company).filter(email=DEMO_TWO_STEP_EMAIL).first()
    if account is None:
        return
    now = timezone.now()
    account.password = make_password(DEMO_PASSWORD)
    account.email_verified_at = account.email_verified_at or now
    account.save(update_fields=["password", "email_verified_at"])
    TwoStep.objects.create(
        company=company, account=account, sealed_secret=seal(DEMO_TWO_STEP_SECRET), confirmed_at=now
    )
    recovery_codes_store(account=account, codes=DEMO_RECOVERY_CODES)
