"""Emails customers ask for themselves: a sign-in link, a fresh link, a password reset.

The request itself does the same work whatever the address (throttle bookkeeping and a
queued task), so the answer and its timing say nothing about who is a customer. The task
looks the address up and sends, or quietly records that nobody matched.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.task_enqueue import enqueue_with_transaction
from doorstep.core.verbs import Verb
from doorstep.customers.models import Contact
from doorstep.tenancy.models import Company

from .events import access_denied, access_event
from .models import LinkPurpose, PortalAccount, PortalAccountState
from .services import (
    account_for_email,
    link_email,
    links_offered,
    login_link_issue,
    passwords_offered,
    portal_account_provision,
    sign_in_link_send,
)
from .sso_requirement import sso_required
from .throttle import throttle_exceeded, throttle_hit


class TooManyRequests(DomainError):
    status_code = 429

    def __init__(self) -> None:
        super().__init__(
            "Too many requests from your connection. Wait a few minutes, then try again."
        )


def email_request_accept(
    *,
    kind: str,
    company: Company,
    email: str,
    ip: str | None,
    extra: dict[str, str] | None = None,
) -> None:
    """Count the request; queue the email unless this address had one in the last minute.

    Raises TooManyRequests when this IP has asked too often (whatever the addresses).
    """
    if throttle_exceeded("email_request_ip", ip):
        raise TooManyRequests()
    throttle_hit("email_request_ip", ip)
    email = email.strip().lower()
    if throttle_exceeded("email_sent", email):
        return
    throttle_hit("email_sent", email)
    from .tasks import deliver_requested_email

    enqueue_with_transaction(deliver_requested_email, kind, company.pk, email, ip, extra or {})


def _account_or_provision(company: Company, email: str) -> PortalAccount | None:
    """The account for this address, or one provisioned when exactly one contact of this
    company has it (the address is on file: the customer may use the portal). A contact
    whose address changed brings its existing account along to the new address."""
    account = account_for_email(company=company, email=email)
    if account is not None:
        return account
    contacts = list(
        Contact.objects.for_company(company).filter(email__iexact=email).select_related("customer")
    )
    if len(contacts) != 1:
        return None  # unknown, or shared by several customers: staff must decide
    contact = contacts[0]
    try:
        return portal_account_provision(
            company=company,
            customer=contact.customer,
            contact=contact,
            actor=Actor.portal(email),
        )
    except DomainError:
        return None


def requested_email_deliver(
    *, kind: str, company: Company, email: str, ip: str | None, extra: dict[str, str]
) -> None:
    """Worker side of a customer's request: send if the address is a usable account."""
    account = _account_or_provision(company, email)
    if account is None and kind == "registration":
        from .registrations import registration_request_create

        registration_request_create(company=company, email=email, ip=ip, **extra)
        return
    if account is not None and sso_required(account) and kind != "registration":
        # Seed 004: this customer signs in with SSO only; nothing is emailed.
        access_denied(company=company, reason="sso_required", account=account, ip_address=ip)
        return
    if account is None or account.state == PortalAccountState.DEACTIVATED:
        access_event(
            company=company,
            account=account,
            ip_address=ip,
            verb=Verb.ACCESS_REQUEST_IGNORED,
            message="A link was requested for an address with no usable portal account",
            data={"kind": kind},
        )
        return
    actor = Actor.portal(account.email, ip)
    if kind == "sign_in" and links_offered(company):
        sign_in_link_send(account=account, actor=actor, ip_address=ip)
    elif kind == "password_reset" and passwords_offered(company):
        password_reset_send(account=account, actor=actor, ip_address=ip)
    elif kind == "registration":
        registration_link_send(account=account, ip_address=ip)


@transaction.atomic
def password_reset_send(*, account: PortalAccount, actor: Actor, ip_address: str | None) -> None:
    company = account.company
    issued = login_link_issue(
        account=account, purpose=LinkPurpose.PASSWORD_RESET, ip_address=ip_address
    )
    link_email(
        issued=issued,
        subject=f"Reset your {company.name} portal password",
        heading="Choose a new password",
        intro=f"Someone (hopefully you) asked to reset the password of {company.name}'s portal.",
        button="Choose a new password",
        outro="If you did not ask for this, ignore this email: your password stays the same.",
    )
    access_event(
        company=company,
        account=account,
        actor=actor,
        ip_address=ip_address,
        verb=Verb.PORTAL_LINK_SENT,
        message=f"Password reset link emailed to {account.email}",
        data={"purpose": LinkPurpose.PASSWORD_RESET, "link_id": issued.link.pk},
    )


@transaction.atomic
def registration_link_send(*, account: PortalAccount, ip_address: str | None) -> None:
    """Self-registration of an address on file: prove the address, then choose a password.
    An account that already has a password gets a reset link instead (same email shape)."""
    company = account.company
    if account.password:
        password_reset_send(
            account=account, actor=Actor.portal(account.email, ip_address), ip_address=ip_address
        )
        return
    issued = login_link_issue(
        account=account, purpose=LinkPurpose.VERIFY_EMAIL, ip_address=ip_address
    )
    link_email(
        issued=issued,
        subject=f"Confirm your email for {company.name}",
        heading="Confirm your email address",
        intro=f"Thanks for registering with {company.name}'s portal. Confirm that this address "
        "is yours, then choose your password.",
        button="Confirm and choose a password",
        outro="If you did not register, ignore this email: nothing happens.",
    )
    access_event(
        company=company,
        account=account,
        ip_address=ip_address,
        verb=Verb.PORTAL_LINK_SENT,
        message=f"Registration verification emailed to {account.email}",
        data={"purpose": LinkPurpose.VERIFY_EMAIL, "link_id": issued.link.pk},
    )


def company_by_id(company_id: int) -> Any:
    return Company.objects.select_related("settings").get(pk=company_id)
