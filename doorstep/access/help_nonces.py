"""Single sign-on that needs no clock agreement: server-stored nonces (10 min, single use).

Two trips use them (docs/help-site.md, "Single sign-on"):

- **Help site -> portal** ("View my invoices", `SsoNoncePurpose.TO_PORTAL`): the help site
  stores a nonce for its signed-in account, tied to its own session, and sends the browser to
  the portal with it. The portal accepts it only for a live portal session of the same
  account in this browser; without one it offers its normal sign-in link. Nobody is ever
  signed in to the portal by an email address alone.
- **Portal -> help site, again** (`TO_HELP`): when a signed token was refused because of the
  clock, the help site stores a nonce tied to a cookie of this browser, the portal's signed-in
  customer approves it with a CSRF-protected button (a GET never approves: otherwise a link
  could hand a stranger's browser the customer's help session), and the help site, seeing
  the approval for its own cookie, signs in. Timestamps are compared by one server against
  its own rows, so a clock that is wrong everywhere by minutes still works.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from doorstep.tenancy.models import Company

from .help_handoff import HandoffRefused
from .models import PortalAccount, PortalAccountState, SsoNonce, SsoNoncePurpose

LIFETIME = timedelta(minutes=10)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def sso_nonce_issue(
    *,
    company: Company,
    purpose: SsoNoncePurpose,
    browser_key: str,
    account: PortalAccount | None = None,
) -> str:
    """A fresh nonce (raw, for the URL) tied to `browser_key` (a session or browser cookie)."""
    now = timezone.now()
    SsoNonce.objects.filter(company=company, expires_at__lt=now - LIFETIME).delete()
    raw = secrets.token_urlsafe(32)
    SsoNonce.objects.create(
        company=company,
        purpose=purpose,
        nonce_hash=_hash(raw),
        browser_hash=_hash(browser_key),
        account=account,
        expires_at=now + LIFETIME,
    )
    return raw


def _live(company: Company, raw: str, purpose: SsoNoncePurpose) -> SsoNonce:
    if not raw or len(raw) > 100:
        raise HandoffRefused("nonce_malformed")
    nonce = (
        SsoNonce.objects.select_related("account__contact")
        .filter(company=company, nonce_hash=_hash(raw), purpose=purpose)
        .first()
    )
    if nonce is None:
        raise HandoffRefused("nonce_unknown")
    if nonce.used_at is not None:
        raise HandoffRefused("nonce_used", account=nonce.account)
    if nonce.expires_at <= timezone.now():
        raise HandoffRefused("nonce_expired", account=nonce.account)
    return nonce


def _use(nonce: SsoNonce) -> None:
    """Single use, also when two requests race: one conditional UPDATE wins."""
    now = timezone.now()
    won = SsoNonce.objects.filter(pk=nonce.pk, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if won != 1:
        raise HandoffRefused("nonce_used", account=nonce.account)


def return_to_portal_accept(*, company: Company, raw: str, account: PortalAccount) -> None:
    """The help site's "View my invoices" nonce, for the account signed in on the portal in
    this browser; HandoffRefused when it is not that account's (or used, or old)."""
    nonce = _live(company, raw, SsoNoncePurpose.TO_PORTAL)
    if nonce.account_id != account.pk:
        raise HandoffRefused("nonce_other_account", account=account)
    _use(nonce)


def help_sign_in_nonce_check(*, company: Company, raw: str) -> SsoNonce:
    """The portal's confirmation page: the nonce exists, is fresh and not yet approved."""
    nonce = _live(company, raw, SsoNoncePurpose.TO_HELP)
    if nonce.approved_at is not None:
        raise HandoffRefused("nonce_used", account=nonce.account)
    return nonce


def help_sign_in_approve(*, company: Company, raw: str, account: PortalAccount) -> None:
    """The signed-in portal customer pressed "Continue to the help site": the nonce now
    names their account (once; never re-pointed to another account)."""
    nonce = help_sign_in_nonce_check(company=company, raw=raw)
    now = timezone.now()
    won = SsoNonce.objects.filter(
        pk=nonce.pk, approved_at__isnull=True, used_at__isnull=True, expires_at__gt=now
    ).update(account=account, approved_at=now)
    if won != 1:
        raise HandoffRefused("nonce_used", account=account)


def help_sign_in_complete(*, company: Company, raw: str, browser_key: str) -> PortalAccount:
    """Back on the help site: the approved nonce of THIS browser, used once -> its account."""
    nonce = _live(company, raw, SsoNoncePurpose.TO_HELP)
    if nonce.browser_hash != _hash(browser_key or "-"):
        raise HandoffRefused("nonce_other_browser", account=nonce.account)
    if nonce.approved_at is None or nonce.account is None:
        raise HandoffRefused("nonce_not_approved")
    _use(nonce)
    account = nonce.account
    if account.state == PortalAccountState.DEACTIVATED:
        raise HandoffRefused("deactivated", account=account)
    if account.email != account.contact.email_address:
        raise HandoffRefused("email_changed", account=account)
    return account
