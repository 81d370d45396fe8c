"""Portal sessions: created at sign-in, checked on every portal request, ended on sign-out.

The cookie is per company (its path is the company's portal prefix), holds 256 random bits,
and the database keeps only a SHA-256 of it. Idle and absolute limits come from settings.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from doorstep.customers.models import Contact, Customer
from doorstep.tenancy.models import Company

from .models import PortalAccount, PortalAccountState, PortalSession, SessionScope

TOUCH_EVERY = timedelta(seconds=60)  # write last_seen_at at most once a minute


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def portal_cookie_path(company: Company) -> str:
    return f"/p/{company.slug}/"


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person's browser, for rate limits and the audit trail.

    Behind TRUSTED_PROXY_COUNT proxies (load balancer, CDN) REMOTE_ADDR is the last proxy,
    shared by every customer. Each proxy appends the address it received the request from to
    X-Forwarded-For, so the entry that many places from the right is the client; whatever
    stands left of it came from the client itself and may be forged, so it is never used.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in chain if part]
    if not chain:
        return remote
    # Fewer entries than proxies: the outermost proxies added none; the left-most entry is
    # the one recorded furthest out.
    candidate = chain[-hops] if len(chain) >= hops else chain[0]
    return _plain_ip(candidate) or remote


def _plain_ip(value: str) -> str | None:
    """`203.0.113.7`, `203.0.113.7:5123`, `[2001:db8::1]:443` -> the bare address; else None
    (a garbage header must not reach an IP address column)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class PortalIdentity:
    """Who is looking at the portal right now, and how far they may look.

    A full session sees everything of its customer; an invoice-link session (opened from a
    "View and pay" email) sees only `invoice_id`."""

    company: Company
    account: PortalAccount
    customer: Customer
    contact: Contact
    is_full: bool
    invoice_id: int | None  # the one invoice of an invoice-link session; None when full

    def may_see_invoice(self, invoice_id: int) -> bool:
        return self.is_full or self.invoice_id == invoice_id


def portal_session_create(
    *,
    account: PortalAccount,
    scope: str = SessionScope.FULL,
    invoice: Any = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> tuple[PortalSession, str]:
    """A new session row and its raw key (which goes only into the cookie)."""
    raw = secrets.token_urlsafe(32)
    session = PortalSession.objects.create(
        company=account.company,
        account=account,
        key_hash=token_hash(raw),
        scope=scope,
        invoice=invoice,
        ip_address=ip_address,
        user_agent=user_agent[:300],
    )
    return session, raw


def portal_session_start(
    *,
    request: HttpRequest,
    response: HttpResponse,
    account: PortalAccount,
    scope: str = SessionScope.FULL,
    invoice: Any = None,
) -> PortalSession:
    """Sign in: always a brand-new key (no fixation), replacing this browser's old session."""
    old = request.COOKIES.get(settings.PORTAL_SESSION_COOKIE)
    if old:
        PortalSession.objects.filter(key_hash=token_hash(old), ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
    session, raw = portal_session_create(
        account=account,
        scope=scope,
        invoice=invoice,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    response.set_cookie(
        settings.PORTAL_SESSION_COOKIE,
        raw,
        path=portal_cookie_path(account.company),
        max_age=settings.PORTAL_SESSION_ABSOLUTE_HOURS * 3600,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return session


def _raw_key(request: HttpRequest) -> str | None:
    raw = request.COOKIES.get(settings.PORTAL_SESSION_COOKIE)
    return raw if raw and len(raw) <= 100 else None


def _still_valid(session: PortalSession) -> bool:
    """End the session if it is idle, too old, or its account or address changed; touch it
    at most once a minute otherwise."""
    now = timezone.now()
    idle = timedelta(minutes=settings.PORTAL_SESSION_IDLE_MINUTES)
    absolute = timedelta(hours=settings.PORTAL_SESSION_ABSOLUTE_HOURS)
    account = session.account
    if (
        now - session.last_seen_at > idle
        or now - session.created_at > absolute
        or account.state == PortalAccountState.DEACTIVATED
        # The contact's address changed (anywhere, e.g. in the back office): what was
        # issued to the old address ends.
        or account.contact.email_address != account.email
    ):
        PortalSession.objects.filter(pk=session.pk).update(ended_at=now)
        return False
    if now - session.last_seen_at > TOUCH_EVERY:
        PortalSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    return True


def _identity(session: PortalSession, company: Company) -> PortalIdentity:
    account = session.account
    is_full = session.scope == SessionScope.FULL
    return PortalIdentity(
        company=company,
        account=account,
        customer=account.customer,
        contact=account.contact,
        is_full=is_full,
        invoice_id=None if is_full else session.invoice_id,
    )


def portal_session_resolve(*, request: HttpRequest, company: Company) -> PortalIdentity | None:
    """The live session for this company's portal, or None. One query (plus a rare touch)."""
    raw = _raw_key(request)
    if raw is None:
        return None
    session = (
        PortalSession.objects.select_related("account__customer", "account__contact")
        .filter(key_hash=token_hash(raw), company=company, ended_at__isnull=True)
        .first()
    )
    if session is None or not _still_valid(session):
        return None
    return _identity(session, company)


def portal_session_resolve_by_slug(
    *, request: HttpRequest, company_slug: str
) -> PortalIdentity | None:
    """The live session of the company whose portal this URL is, with that company (and its
    settings) joined in: the one query before a signed-in portal page (plus a rare touch).

    Filtering on the slug as well as the key means a cookie of company X never opens
    company Y. None when there is no such session; the caller then looks the company up
    itself (to redirect to its sign-in page, or 404). The caller must still check that the
    portal is switched on."""
    raw = _raw_key(request)
    if raw is None:
        return None
    # key_hash is unique: a slice, not first(), whose ORDER BY costs compiling and sorting.
    found = list(
        PortalSession.objects.select_related(
            "company__settings", "account__customer", "account__contact"
        ).filter(key_hash=token_hash(raw), company__slug=company_slug, ended_at__isnull=True)[:1]
    )
    session = found[0] if found else None
    if session is None or not _still_valid(session):
        return None
    return _identity(session, session.company)


def portal_session_end(*, request: HttpRequest, response: HttpResponse, company: Company) -> None:
    raw = request.COOKIES.get(settings.PORTAL_SESSION_COOKIE)
    if raw:
        PortalSession.objects.filter(key_hash=token_hash(raw), company=company).update(
            ended_at=timezone.now()
        )
    response.delete_cookie(settings.PORTAL_SESSION_COOKIE, path=portal_cookie_path(company))


def portal_sessions_end_all(*, account: PortalAccount) -> int:
    """Sign out everywhere: every live session of this account ends now."""
    return PortalSession.objects.filter(account=account, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
