"""What a signed-in customer changes about their own account on the profile page: their
email address (proved by a link sent to the NEW address) and their password.

Email change rules (docs/access.md "Email change"): the new address gets a single-use,
scanner-proof link (purpose CHANGE_EMAIL, 60 minutes); nothing changes until that link's
button is pressed; then the contact and the account take the new address, every other link
and every session ends (as for any change of address), and the OLD address gets a notice.
An address another portal account or contact of the company already uses is refused.
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.links import portal_url
from doorstep.core.verbs import Verb
from doorstep.customers.models import Contact
from doorstep.notifications.services import notification_enqueue
from doorstep.tenancy.models import Company

from .events import access_denied, access_event
from .models import LinkPurpose, LoginLink, PortalAccount, PortalSession
from .passwords import MAX_PASSWORD_LENGTH, password_problems
from .portal_sessions import token_hash
from .services import (
    IssuedLink,
    link_email,
    links_live,
    login_link_consume,
    login_link_find,
    login_link_issue,
    passwords_offered,
)
from .throttle import throttle_exceeded, throttle_hit


def _address_taken(company: Company, account: PortalAccount, email: str) -> bool:
    other_account = (
        PortalAccount.objects.for_company(company).filter(email=email).exclude(pk=account.pk)
    )
    other_contact = (
        Contact.objects.for_company(company)
        .filter(email__iexact=email)
        .exclude(pk=account.contact_id)
    )
    return other_account.exists() or other_contact.exists()


@transaction.atomic
def email_change_request(
    *, company: Company, account: PortalAccount, new_email: str, actor: Actor
) -> IssuedLink:
    """Email a confirmation link to the new address. The account keeps its address until
    the link is confirmed; a newer request supersedes an older one."""
    if account.company_id != company.pk:
        raise DomainError("No such portal account.")
    email = (new_email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            "Enter an email address such as name@example.com.", field="email"
        ) from None
    if email == account.email:
        raise DomainError("That is already your email address.", field="email")
    if _address_taken(company, account, email):
        raise DomainError(
            f"{email} is already used by another account with {company.name}. "
            "Use a different address, or call us to merge the two.",
            field="email",
        )
    if throttle_exceeded("email_sent", email):
        raise DomainError(
            "We just sent a link to that address. Wait a minute before asking again.",
            field="email",
        )
    throttle_hit("email_sent", email)
    issued = login_link_issue(account=account, purpose=LinkPurpose.CHANGE_EMAIL)
    # The link goes to (and is bound to) the new address, not the one on file.
    LoginLink.objects.filter(pk=issued.link.pk).update(email=email)
    issued.link.email = email
    link_email(
        issued=issued,
        subject=f"Confirm your new email address for {company.name}",
        heading="Confirm your new email address",
        intro=f"Someone signed in to {company.name}'s portal asked to use this address "
        f"instead of {account.email}. Nothing changes until you press the button.",
        button="Use this email address",
        outro="If you did not ask for this, ignore this email: your account keeps its "
        "current address.",
    )
    access_event(
        company=company,
        account=account,
        actor=actor,
        verb=Verb.PORTAL_LINK_SENT,
        message=f"Email change confirmation sent to {email}",
        data={"purpose": LinkPurpose.CHANGE_EMAIL, "link_id": issued.link.pk},
    )
    return issued


def email_change_find(*, company: Company, raw: str) -> LoginLink:
    """The live email-change link for this token, or LinkRefused (nothing changes): the same
    checks as every link (services.link_check), the address it carries being the new one."""
    return login_link_find(company=company, raw=raw, purposes={LinkPurpose.CHANGE_EMAIL})


@transaction.atomic
def email_change_confirm(
    *, company: Company, link: LoginLink, ip_address: str | None
) -> PortalAccount:
    """The new address takes effect: contact and account follow it, every other link and
    every session ends, the old address is told."""
    account = PortalAccount.objects.select_for_update().get(pk=link.account_id, company=company)
    new, old = link.email, account.email
    if _address_taken(company, account, new):
        raise DomainError(
            f"{new} is now used by another account with {company.name}; "
            "your address was not changed.",
        )
    login_link_consume(link=link)
    now = timezone.now()
    Contact.objects.filter(pk=account.contact_id, company=company).update(email=new)
    account.email, account.email_verified_at = new, now
    account.save(update_fields=["email", "email_verified_at"])
    links_live(account).update(superseded_at=now)
    PortalSession.objects.filter(account=account, ended_at__isnull=True).update(ended_at=now)
    access_event(
        company=company,
        account=account,
        actor=Actor.portal(new, ip_address),
        verb=Verb.PORTAL_EMAIL_CHANGED,
        message=f"Email changed by the customer from {old} to {new} (confirmed by the "
        "link sent to the new address); other links and sessions ended",
        data={"old": old, "new": new},
    )
    notification_enqueue(
        company=company,
        recipient=old,
        template="notice",
        context={
            "subject": f"Your email address with {company.name} was changed",
            "heading": "Your email was changed",
            "body": f"The email address of your {company.name} portal account was changed "
            f"from {old} to {new}. Emails now go to the new address. If you did not do "
            "this, call us right away.",
            "button_url": portal_url(company, "sign-in"),
            "button_label": "Open the portal",
        },
    )
    return account


# --- Password -----------------------------------------------------------------------------


def password_change(
    *,
    company: Company,
    account: PortalAccount,
    current: str,
    new: str,
    keep_session_key: str | None,
    ip_address: str | None,
) -> int:
    """Change (or, without one yet, choose) the password; every other session ends.
    Returns how many other sessions ended. Not one transaction on purpose: a wrong current
    password must be counted even though we refuse."""
    if account.company_id != company.pk or not passwords_offered(company):
        raise DomainError("Passwords are not used on this portal.")
    if account.password:
        if throttle_exceeded("password_fail_address", account.email):
            raise DomainError(
                "Too many wrong passwords. Wait 15 minutes and try again.", field="current"
            )
        if len(current) > MAX_PASSWORD_LENGTH or not check_password(current, account.password):
            throttle_hit("password_fail_address", account.email)
            access_denied(
                company=company, reason="password_wrong", account=account, ip_address=ip_address
            )
            raise DomainError("That is not your current password.", field="current")
    problems = password_problems(new, account)
    if problems:
        raise DomainError(" ".join(problems), field="password")
    return _password_store(company, account, new, keep_session_key, ip_address)


@transaction.atomic
def _password_store(
    company: Company,
    account: PortalAccount,
    new: str,
    keep_session_key: str | None,
    ip_address: str | None,
) -> int:
    had_one = bool(account.password)
    account.password = make_password(new)
    account.save(update_fields=["password"])
    others = PortalSession.objects.filter(account=account, ended_at__isnull=True)
    if keep_session_key:
        others = others.exclude(key_hash=token_hash(keep_session_key))
    ended = others.update(ended_at=timezone.now())
    access_event(
        company=company,
        account=account,
        ip_address=ip_address,
        verb=Verb.PORTAL_PASSWORD_CHANGED,
        message=f"Password {'changed' if had_one else 'chosen'} on the profile page; "
        f"{ended} other session{'s' if ended != 1 else ''} ended",
    )
    notification_enqueue(
        company=company,
        recipient=account.email,
        template="notice",
        context={
            "subject": f"Your {company.name} portal password was changed",
            "heading": "Your password was changed",
            "body": "The password of your portal account was just changed on the profile "
            "page, and every other device was signed out. If this was not you, reset your "
            "password now or call us.",
            "button_url": portal_url(company, "password/forgot"),
            "button_label": "Reset my password",
        },
    )
    return ended
