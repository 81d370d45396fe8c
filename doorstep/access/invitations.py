"""Staff inviting a customer to the portal, or resending their access link.

Passwordless (and "both"): a sign-in link, welcome-worded. Password mode: a single-use link to
choose a password. Either way every older link of the account dies.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb
from doorstep.notifications.models import NotificationEvent
from doorstep.tenancy.models import Company

from .events import access_event
from .models import LinkPurpose, PortalAccount, PortalAccountState
from .services import (
    link_email,
    links_offered,
    login_link_issue,
    portal_account_provision,
    sign_in_link_send,
)


def _usable_account(company: Company, customer: Any, actor: Actor) -> PortalAccount:
    if not company.settings.portal_enabled:
        raise DomainError("The portal is switched off; switch it on before inviting customers.")
    account = portal_account_provision(company=company, customer=customer, actor=actor)
    if account.state == PortalAccountState.DEACTIVATED:
        raise DomainError("Portal access is deactivated for this customer; reactivate it first.")
    return account


@transaction.atomic
def portal_account_invite(*, company: Company, customer: Any, actor: Actor) -> PortalAccount:
    account = _usable_account(company, customer, actor)
    if links_offered(company):
        sign_in_link_send(account=account, actor=actor, invitation=True)
    else:
        invitation_send(account=account, actor=actor)
    return account


@transaction.atomic
def portal_account_resend_link(*, company: Company, customer: Any, actor: Actor) -> PortalAccount:
    """A fresh access link; every earlier login link of the account stops working."""
    account = _usable_account(company, customer, actor)
    if links_offered(company):
        sign_in_link_send(account=account, actor=actor, invitation=account.last_sign_in_at is None)
    else:
        invitation_send(account=account, actor=actor)
    return account


def invitation_send(*, account: Any, actor: Actor) -> None:
    """Password mode: a single-use link to choose a password. Supersedes every older link."""
    company = account.company
    issued = login_link_issue(account=account, purpose=LinkPurpose.INVITATION, supersede_all=True)
    link_email(
        issued=issued,
        subject=f"You're invited to the {company.name} customer portal",
        heading=f"Welcome to the {company.name} portal",
        intro="See your invoices and jobs, pay online and request service, any time. "
        "Choose a password to get started.",
        button="Choose my password",
        outro="This link works once. If it has expired, ask us for a new invitation.",
        wording_event=NotificationEvent.PORTAL_INVITATION,
    )
    access_event(
        company=company,
        account=account,
        actor=actor,
        verb=Verb.PORTAL_LINK_SENT,
        message=f"Invitation emailed to {account.email}",
        data={"purpose": LinkPurpose.INVITATION, "link_id": issued.link.pk},
    )
