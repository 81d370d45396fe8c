"""Portal accounts and emailed links: provisioning, invitations, sign-in links and codes.

Rules (see docs/access.md): a link is single-use, short-lived, bound to one account of one
company, and dies when a newer link of the same kind is sent, when the account is
deactivated, when its email changes, or while the portal is switched off. Only hashes of
tokens and codes are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.links import portal_url
from doorstep.core.verbs import Verb
from doorstep.customers.models import Contact
from doorstep.customers.selectors import customer_email_contact
from doorstep.notifications.models import NotificationEvent
from doorstep.notifications.send_time import derived_code, derived_token, new_nonce, reference
from doorstep.notifications.services import NotificationSkipped, notification_enqueue
from doorstep.tenancy import rls
from doorstep.tenancy.models import Company, SignInMode

from .events import access_event
from .models import LinkPurpose, LoginLink, PortalAccount, PortalAccountState
from .portal_sessions import portal_sessions_end_all
from .sso_requirement import sso_required
from .tokens import code_hash, code_matches, token_hash, token_looks_valid

MAX_CODE_ATTEMPTS = 5
LINK_KIND, CODE_KIND = "login_link", "login_code"  # send-time references (see link_email)
LOGIN_LINK_HARD_CAP_MINUTES = 60


class LinkRefused(DomainError):
    """A link, code or password that does not open anything. `reason` goes to the audit."""

    status_code = 410

    def __init__(self, reason: str, *, account: Any = None, link: Any = None) -> None:
        super().__init__("This link no longer works.")
        self.reason = reason
        self.account = account
        self.link = link
        if reason in {"malformed", "unknown", "wrong_company"}:
            self.status_code = 404


def link_lifetime(company: Company, purpose: str) -> timedelta:
    if purpose == LinkPurpose.SIGN_IN:
        minutes = min(company.settings.login_link_minutes or 15, LOGIN_LINK_HARD_CAP_MINUTES)
        return timedelta(minutes=minutes)
    if purpose in {LinkPurpose.PASSWORD_RESET, LinkPurpose.CHANGE_EMAIL}:
        return timedelta(minutes=LOGIN_LINK_HARD_CAP_MINUTES)
    return timedelta(hours=getattr(settings, "PORTAL_INVITATION_HOURS", 72))


def lifetime_words(delta: timedelta) -> str:
    """ "1 minute", "15 minutes", "3 hours", "3 days" (as an email says how long a link works)."""
    minutes = round(delta.total_seconds() / 60)
    if minutes < 120:
        amount, unit = minutes, "minute"
    elif minutes < 48 * 60:
        amount, unit = minutes // 60, "hour"
    else:
        amount, unit = minutes // 1440, "day"
    return f"{amount} {unit}" if amount == 1 else f"{amount} {unit}s"


def links_live(account: PortalAccount) -> QuerySet[LoginLink]:
    return LoginLink.objects.filter(account=account, used_at=None, superseded_at=None)


# --- Accounts ------------------------------------------------------------------------------


def account_for_email(*, company: Company, email: str) -> PortalAccount | None:
    return (
        PortalAccount.objects.for_company(company)
        .select_related("contact", "customer", "company__settings")
        .filter(email=email.strip().lower())
        .first()
    )


def contact_email(account: PortalAccount) -> str:
    return account.contact.email_address


@transaction.atomic
def portal_account_provision(
    *, company: Company, customer: Any, actor: Actor, contact: Contact | None = None
) -> PortalAccount:
    """The customer's portal account, created from the customer's email if missing
    (customers.selectors.customer_email_contact).

    If the contact's email changed since, the account follows it and everything issued to
    the old address dies (links, sessions).
    """
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your own customers.")
    contact = contact or customer_email_contact(company=company, customer=customer)
    email = contact.email_address if contact else ""
    if contact is None or not email:
        raise DomainError(
            f"{customer.name} has no email address; add one on the customer's page.",
            field="email",
        )
    account = PortalAccount.objects.filter(company=company, contact=contact).first()
    clash = PortalAccount.objects.for_company(company).filter(email=email)
    if account is not None:
        clash = clash.exclude(pk=account.pk)
    if clash.exists():
        raise DomainError(f"Another customer's portal account already uses {email}.")
    if account is None:
        account = PortalAccount.objects.create(
            company=company, customer=customer, contact=contact, email=email
        )
        access_event(
            company=company,
            account=account,
            actor=actor,
            verb=Verb.PORTAL_ACCOUNT_CREATED,
            message=f"Portal account created for {email}",
        )
    elif account.email != email:
        old = account.email
        account.email = email
        account.email_verified_at = None
        account.save(update_fields=["email", "email_verified_at"])
        _kill_everything(account)
        access_event(
            company=company,
            account=account,
            actor=actor,
            verb=Verb.PORTAL_EMAIL_CHANGED,
            message=f"Portal email changed from {old} to {email}; old links and sessions ended",
        )
    return account


def _kill_everything(account: PortalAccount) -> None:
    now = timezone.now()
    links_live(account).update(superseded_at=now)
    portal_sessions_end_all(account=account)


@transaction.atomic
def portal_account_deactivate(*, company: Company, account: PortalAccount, actor: Actor) -> None:
    account = PortalAccount.objects.select_for_update().get(pk=account.pk, company=company)
    if account.state == PortalAccountState.DEACTIVATED:
        return
    account.state = PortalAccountState.DEACTIVATED
    account.save(update_fields=["state"])
    _kill_everything(account)
    access_event(
        company=company,
        account=account,
        actor=actor,
        verb=Verb.PORTAL_DEACTIVATED,
        message="Portal access deactivated; links and sessions ended",
    )


@transaction.atomic
def portal_account_reactivate(*, company: Company, account: PortalAccount, actor: Actor) -> None:
    account = PortalAccount.objects.select_for_update().get(pk=account.pk, company=company)
    if account.state != PortalAccountState.DEACTIVATED:
        return
    account.state = (
        PortalAccountState.ACTIVE if account.last_sign_in_at else PortalAccountState.INVITED
    )
    account.save(update_fields=["state"])
    access_event(
        company=company, account=account, actor=actor, verb=Verb.PORTAL_REACTIVATED,
        message="Portal access reactivated (send a fresh link: old ones stay dead)",
    )  # fmt: skip


@transaction.atomic
def portal_account_sign_out_everywhere(
    *, company: Company, account: PortalAccount, actor: Actor
) -> int:
    if account.company_id != company.pk:
        raise DomainError("No such portal account.")
    ended = portal_sessions_end_all(account=account)
    access_event(
        company=company,
        account=account,
        actor=actor,
        verb=Verb.PORTAL_SIGNED_OUT_EVERYWHERE,
        message=f"Signed out everywhere ({ended} session{'s' if ended != 1 else ''} ended)",
    )
    return ended


# How the customer signed in, in the words the office's history shows.
SIGN_IN_WORDS = {
    "link": "with an emailed link",
    "code": "with an emailed code",
    "invitation": "with the invitation link",
    "password": "with a password",
    "password+two_step": "with a password and a two-step code",
    "oidc": "with single sign-on",
}


def account_signed_in(*, account: PortalAccount, method: str, ip_address: str | None) -> None:
    """Bookkeeping after a session started: the account is active and its email proven."""
    now = timezone.now()
    fields: dict[str, Any] = {"last_sign_in_at": now}
    if method in {"link", "code", "invitation"}:
        fields["email_verified_at"] = F("email_verified_at") if account.email_verified_at else now
    if account.state == PortalAccountState.INVITED:
        fields["state"] = PortalAccountState.ACTIVE
    PortalAccount.objects.filter(pk=account.pk).update(**fields)
    access_event(
        company=account.company,
        account=account,
        ip_address=ip_address,
        verb=Verb.PORTAL_SIGNED_IN,
        message=f"Signed in {SIGN_IN_WORDS.get(method, f'({method})')}",
        data={"method": method},
    )


# --- Links ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    link: LoginLink
    url: str  # the raw token is inside: shown or printed, never stored
    code: str
    # What the outbox stores instead: references the email channel turns back into the
    # link and code at send time (doorstep.notifications.send_time).
    url_ref: str = ""
    code_ref: str = ""


LANDING_PATHS: dict[str, str] = {
    LinkPurpose.SIGN_IN: "l/",
    LinkPurpose.INVITATION: "password/set/",
    LinkPurpose.PASSWORD_RESET: "password/set/",
    LinkPurpose.VERIFY_EMAIL: "password/set/",
    LinkPurpose.CHANGE_EMAIL: "profile/email/",
}


@transaction.atomic
def login_link_issue(
    *,
    account: PortalAccount,
    purpose: str,
    ip_address: str | None = None,
    supersede_all: bool = False,
) -> IssuedLink:
    """A new link; older live links of the same kind (or all, for staff resends) die."""
    company = account.company
    now = timezone.now()
    older = links_live(account)
    if not supersede_all:
        older = older.filter(purpose=purpose)
    older.update(superseded_at=now)
    # Derived from a nonce that only the email's outbox row keeps (until it is sent), so the
    # email can be built at send time while the database holds only hashes.
    nonce = new_nonce()
    raw = derived_token(LINK_KIND, nonce)
    hashed = token_hash(raw)
    code = derived_code(CODE_KIND, nonce) if purpose == LinkPurpose.SIGN_IN else ""
    link = LoginLink.objects.create(
        company=company,
        account=account,
        purpose=purpose,
        token_hash=hashed,
        code_hash=code_hash(code, link_token_hash=hashed) if code else "",
        email=account.email,
        expires_at=now + link_lifetime(company, purpose),
        ip_address=ip_address,
    )
    PortalAccount.objects.filter(pk=account.pk).update(last_link_sent_at=now)
    account.last_link_sent_at = now
    return IssuedLink(
        link=link,
        url=portal_url(company, LANDING_PATHS[purpose] + raw),
        code=code,
        url_ref=reference(LINK_KIND, link.pk, nonce),
        code_ref=reference(CODE_KIND, link.pk, nonce) if code else "",
    )


def _sent_link(company: Company, link_id: str) -> LoginLink:
    link = LoginLink.objects.filter(pk=int(link_id), company=company).first()
    if link is None:
        raise NotificationSkipped("The link of this email no longer exists.")
    return link


def login_link_url_at_send(company: Company, args: list[str]) -> str:
    """Resolver of `[[send-time login_link ID NONCE]]`: the link with its raw token."""
    link_id, nonce = args
    link = _sent_link(company, link_id)
    raw = derived_token(LINK_KIND, nonce)
    if token_hash(raw) != link.token_hash:
        # Only if SECRET_KEY changed since: the link could not open anything.
        raise NotificationSkipped("The link cannot be rebuilt (SECRET_KEY changed?).")
    return portal_url(company, LANDING_PATHS[link.purpose] + raw)


def login_code_at_send(company: Company, args: list[str]) -> str:
    """Resolver of `[[send-time login_code ID NONCE]]`: the link's 6-digit code."""
    link_id, nonce = args
    link = _sent_link(company, link_id)
    code = derived_code(CODE_KIND, nonce)
    if not code_matches(code, link_token_hash=link.token_hash, stored=link.code_hash):
        raise NotificationSkipped("The code cannot be rebuilt (SECRET_KEY changed?).")
    return code


def link_email(
    *,
    issued: IssuedLink,
    subject: str,
    heading: str,
    intro: str,
    button: str,
    outro: str = "",
    wording_event: str = "",
) -> None:
    """Queue the branded email carrying a link (and its code). Link and code are secrets:
    the outbox holds only references to them (filled in at send time), blanked once sent.
    `wording_event`: the editable wording whose subject and intro replace ours at send time
    when the company has reworded it (notifications/wording.py)."""
    link = issued.link
    company = link.company
    account = link.account
    notification_enqueue(
        company=company,
        recipient=link.email,
        template="portal_link",
        context={
            # The company's reworded link email may say "Hi {customer_name}".
            "customer_name": account.customer.greeting_name(account.contact),
            "subject": subject,
            "heading": heading,
            "intro": intro,
            "button_label": button,
            "url": issued.url_ref,
            "code": issued.code_ref,
            "lifetime": lifetime_words(link.expires_at - link.created_at),
            "outro": outro,
            "portal_url": portal_url(company, "sign-in"),
            "wording_event": wording_event,
        },
        secret_keys=["url", "code"],
    )


def sign_in_link_send(
    *, account: PortalAccount, actor: Actor, ip_address: str | None = None, invitation: bool = False
) -> IssuedLink:
    """Email a sign-in link (with code). Staff invitations and resends supersede every link.
    Never to a customer who must sign in with SSO (the link would be refused anyway)."""
    company = account.company
    if sso_required(account):
        raise DomainError(
            f"No sign-in link was sent: {account.email} must sign in with single sign-on.",
        )
    with transaction.atomic():
        issued = login_link_issue(
            account=account, purpose=LinkPurpose.SIGN_IN, ip_address=ip_address,
            supersede_all=actor.type == "staff",
        )  # fmt: skip
        if invitation:
            link_email(
                issued=issued,
                subject=f"Your {company.name} customer portal",
                heading=f"Welcome to the {company.name} portal",
                intro="See your invoices and jobs, pay online and request service, any time. "
                "There is no password to remember: this button signs you in.",
                button="Open your portal",
                outro="Later, ask for a fresh sign-in link on the portal's sign-in page.",
                wording_event=NotificationEvent.PORTAL_INVITATION,
            )
        else:
            link_email(
                issued=issued,
                subject=f"Your sign-in link for {company.name}",
                heading="Sign in to your portal",
                intro=f"{company.name} sent you a fresh link to your customer portal."
                if actor.type == "staff"
                else f"Someone (hopefully you) asked to sign in to {company.name}'s portal.",
                button="Sign in",
                outro="If you did not ask for this, ignore this email: nothing happens.",
                wording_event=NotificationEvent.SIGN_IN_LINK,
            )
        access_event(
            company=company,
            account=account,
            actor=actor,
            ip_address=ip_address,
            verb=Verb.PORTAL_LINK_SENT,
            message=f"{'Invitation' if invitation else 'Sign-in link'} emailed to {account.email}",
            data={"purpose": LinkPurpose.SIGN_IN, "link_id": issued.link.pk},
        )
    return issued


def login_link_find(*, company: Company, raw: str, purposes: set[LinkPurpose]) -> LoginLink:
    """The live link for this token on this company's portal, or LinkRefused (no change)."""
    if not token_looks_valid(raw):
        raise LinkRefused("malformed")
    link = (
        LoginLink.objects.select_related(
            "account__contact", "account__customer__sso_requirement", "company"
        )
        .filter(token_hash=token_hash(raw))
        .first()
    )
    if link is None:
        raise LinkRefused(unseen_token_reason(LoginLink, token_hash(raw)))
    if link.company_id != company.pk:
        raise LinkRefused("wrong_company")
    link_check(link, purposes=purposes)
    return link


def unseen_token_reason(model: type[Any], digest: str) -> str:
    """Why a token hash the portal's own lookup did not find is refused: "wrong_company"
    when it is another company's link, else "unknown".

    With tenant transactions on (row-level security, docs/adr/0003) the lookup above runs in
    the URL's company scope, so another company's link is invisible there and would always be
    classified "unknown". The audit should still say "wrong_company" (SECURITY 4), so
    we ask the maintenance role one narrow question: does this hash exist at all? Only a
    boolean comes back and the visitor sees the same 404 page either way, so nothing about
    the other company reaches them; the denial is still recorded in the URL's company by the
    caller. Without tenant transactions (SQLite, the owner) the lookup sees every company,
    so a miss really is unknown and no extra query is made."""
    if not rls.tenant_transactions():
        return "unknown"
    # Through the module: the test harness swaps rls.maintenance_scope for the maintenance role.
    with rls.maintenance_scope():
        elsewhere = model._default_manager.filter(  # scope: existence only, any company
            token_hash=digest
        ).exists()
    return "wrong_company" if elsewhere else "unknown"


def link_check(link: LoginLink, *, purposes: set[LinkPurpose]) -> None:
    account = link.account
    changing_email = link.purpose == LinkPurpose.CHANGE_EMAIL
    reason = None
    if link.purpose not in purposes:
        reason = "unknown"
    elif link.used_at is not None:
        reason = "used"
    elif link.superseded_at is not None:
        reason = "superseded"
    elif link.expires_at <= timezone.now():
        reason = "expired"
    elif account.state == PortalAccountState.DEACTIVATED:
        reason = "deactivated"
    elif account.email != contact_email(account):
        reason = "email_changed"
    elif changing_email:
        pass  # the link carries the new address, and proving an address is not signing in
    elif link.email != account.email:
        reason = "email_changed"
    elif sso_required(account):
        reason = "sso_required"
    if reason:
        raise LinkRefused(reason, account=account, link=link)


def login_link_consume(*, link: LoginLink) -> LoginLink:
    """Use the link exactly once: a conditional UPDATE, so of two racing requests one wins
    (PostgreSQL re-checks the WHERE after the first commits; SQLite serialises writers)."""
    now = timezone.now()
    won = LoginLink.objects.filter(
        pk=link.pk, used_at=None, superseded_at=None, expires_at__gt=now
    ).update(used_at=now)
    if won != 1:
        raise LinkRefused("used", account=link.account, link=link)
    link.used_at = now
    return link


def login_code_verify(*, company: Company, email: str, code: str) -> LoginLink:
    """The live sign-in link whose code this is. A wrong code counts against the link; after
    5 the link dies. Call outside a transaction so the count sticks."""
    account = account_for_email(company=company, email=email)
    link = (
        links_live(account)
        .filter(purpose=LinkPurpose.SIGN_IN, expires_at__gt=timezone.now())
        .select_related("account__contact", "account__customer", "company")
        .first()
        if account is not None
        else None
    )
    if link is None:
        raise LinkRefused("code_unknown", account=account)
    link_check(link, purposes={LinkPurpose.SIGN_IN})
    if not code_matches(code, link_token_hash=link.token_hash, stored=link.code_hash):
        LoginLink.objects.filter(pk=link.pk).update(code_attempts=F("code_attempts") + 1)
        if link.code_attempts + 1 >= MAX_CODE_ATTEMPTS:
            LoginLink.objects.filter(pk=link.pk).update(superseded_at=timezone.now())
        raise LinkRefused("code_wrong", account=account, link=link)
    return link


def links_offered(company: Company) -> bool:
    return company.settings.sign_in_mode in {SignInMode.PASSWORDLESS, SignInMode.BOTH}


def passwords_offered(company: Company) -> bool:
    return company.settings.sign_in_mode in {SignInMode.PASSWORD, SignInMode.BOTH}
