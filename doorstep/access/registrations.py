"""Self-registration from an address the company does not know (password mode).

Policy `reject`: nothing happens (the customer is told to contact the office, in the same
words whether or not the address is known). Policy `staff_approval`: once the address is
verified the request waits for staff, who attach it to a customer; that creates a contact
and an account and emails an invitation. Until then it grants nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.customers.models import Contact
from doorstep.notifications.services import notification_enqueue
from doorstep.tenancy.models import Company, RegistrationPolicy

from .events import access_event
from .invitations import invitation_send
from .models import RegistrationRequest, RegistrationState
from .services import LinkRefused, portal_account_provision, portal_url
from .tokens import new_token, token_hash, token_looks_valid

VERIFY_WITHIN = timedelta(hours=24)


@transaction.atomic
def registration_request_create(
    *, company: Company, email: str, ip: str | None, name: str = "", phone: str = ""
) -> RegistrationRequest | None:
    if company.settings.registration_policy != RegistrationPolicy.STAFF_APPROVAL:
        access_event(
            company=company,
            ip_address=ip,
            verb="access.registration_rejected",
            message="Registration from an address not on file refused (company policy)",
        )
        return None
    live = RegistrationRequest.objects.for_company(company).filter(
        email=email, state__in=[RegistrationState.UNVERIFIED, RegistrationState.PENDING]
    )
    if live.filter(state=RegistrationState.PENDING).exists():
        return None  # already waiting for staff; do not mail again
    live.delete()  # an older unverified request is replaced by this one
    raw = new_token()
    request = RegistrationRequest.objects.create(
        company=company,
        email=email,
        name=name[:200],
        phone=phone[:40],
        token_hash=token_hash(raw),
        expires_at=timezone.now() + VERIFY_WITHIN,
        ip_address=ip,
    )
    notification_enqueue(
        company=company,
        recipient=email,
        template="portal_link",
        context={
            "subject": f"Confirm your email for {company.name}",
            "heading": "Confirm your email address",
            "intro": f"Thanks for registering with {company.name}'s portal. Confirm that this "
            "address is yours; the office then checks your details and emails you an "
            "invitation.",
            "button_label": "Confirm my email",
            "url": portal_url(company, f"register/verify/{raw}"),
            "code": "",
            "lifetime": "24 hours",
            "outro": "If you did not register, ignore this email: nothing happens.",
            "portal_url": portal_url(company, "sign-in"),
        },
        secret_keys=["url"],
    )
    audit_record(
        company=company,
        target=request,
        verb="registration.requested",
        actor=Actor.portal(email, ip),
        message=f"Registration requested by {email} (not on file)",
    )
    return request


def registration_find(*, company: Company, raw: str) -> RegistrationRequest:
    if not token_looks_valid(raw):
        raise LinkRefused("malformed")
    request = (
        RegistrationRequest.objects.for_company(company).filter(token_hash=token_hash(raw)).first()
    )
    if request is None:
        raise LinkRefused("unknown")
    if request.state != RegistrationState.UNVERIFIED:
        raise LinkRefused("used")
    if request.expires_at <= timezone.now():
        raise LinkRefused("expired")
    return request


@transaction.atomic
def registration_verify(*, request: RegistrationRequest, ip: str | None) -> None:
    won = RegistrationRequest.objects.filter(
        pk=request.pk, state=RegistrationState.UNVERIFIED
    ).update(state=RegistrationState.PENDING, verified_at=timezone.now())
    if won != 1:
        raise LinkRefused("used")
    audit_record(
        company=request.company,
        target=request,
        verb="registration.verified",
        actor=Actor.portal(request.email, ip),
        message="Email verified; waiting for staff approval",
    )


def registrations_pending(*, company: Company) -> list[RegistrationRequest]:
    return list(
        RegistrationRequest.objects.for_company(company).filter(state=RegistrationState.PENDING)
    )


@transaction.atomic
def registration_approve(
    *, company: Company, request: RegistrationRequest, customer: Any, actor: Actor
) -> None:
    """Attach a verified registration to a customer: a contact with that email, a portal
    account, and an invitation to choose a password."""
    request = RegistrationRequest.objects.select_for_update().get(pk=request.pk, company=company)
    if request.state != RegistrationState.PENDING:
        raise DomainError("This registration was already handled.")
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your own customers.")
    if Contact.objects.for_company(company).filter(email__iexact=request.email).exists():
        raise DomainError(f"{request.email} is already a contact; invite that customer instead.")
    contact = Contact.objects.create(
        company=company,
        customer=customer,
        name=request.name or request.email,
        email=request.email,
        phone=request.phone,
        is_primary=not Contact.objects.filter(customer=customer, is_primary=True).exists(),
    )
    account = portal_account_provision(
        company=company, customer=customer, contact=contact, actor=actor
    )
    request.state = RegistrationState.APPROVED
    request.decided_at = timezone.now()
    request.customer = customer
    request.save(update_fields=["state", "decided_at", "customer"])
    audit_record(
        company=company,
        target=request,
        verb="registration.approved",
        actor=actor,
        message=f"Registration of {request.email} approved for {customer.name}",
    )
    invitation_send(account=account, actor=actor)


@transaction.atomic
def registration_reject(*, company: Company, request: RegistrationRequest, actor: Actor) -> None:
    updated = RegistrationRequest.objects.filter(
        pk=request.pk, company=company, state=RegistrationState.PENDING
    ).update(state=RegistrationState.REJECTED, decided_at=timezone.now())
    if updated:
        audit_record(
            company=company, target=request, verb="registration.rejected", actor=actor,
            message=f"Registration of {request.email} rejected",
        )  # fmt: skip
