"""Portal -> help site single sign-on: a short, signed, single-use token (SECURITY.md 26).

The portal signs a JWT (HS256 with the company's own secret, `HelpSiteKey`) for the signed-in
customer; the browser carries it to the help site in an auto-submitting POST form (never in a
URL, where it would land in logs, history and Referers); the help site verifies it here and
starts its own session with a new key. Rules, each with its own refusal reason in the audit:

- algorithm pinned to HS256 (`none`, RS256 and friends are refused before any key is used);
- `iss` = this company's portal, `aud` = this company's help site, `company` = its slug;
- `exp` at most 2 minutes after `iat`; 60 s of clock leeway on both (`iat` in the future,
  `exp` in the past) and no more: a refusal because of the clock is flagged `clock=True` so
  the help site can offer the clock-free sign-in (help_nonces.py) instead of bouncing;
- `jti` recorded at issue and consumed by a conditional UPDATE: a replay is refused, even
  two racing POSTs of one token;
- `return_to` only a path on that help site (never another host, never `//evil`).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt
from django.db import IntegrityError, transaction
from django.utils import timezone

from doorstep.core.errors import DomainError
from doorstep.core.links import help_url, portal_url
from doorstep.core.sealed import SealBroken, seal, unseal
from doorstep.core.verbs import Verb
from doorstep.tenancy.models import Company

from .events import access_denied, access_event
from .models import HelpHandoff, HelpSiteKey, PortalAccount, PortalAccountState

log = logging.getLogger(__name__)

ALGORITHM = "HS256"
LIFETIME = timedelta(minutes=2)  # the hard cap of SECURITY.md 26
LEEWAY = timedelta(seconds=60)  # clock skew accepted on iat and exp, and no more
CLOCK_REASONS = {"sso_expired", "sso_issued_in_future"}


class HandoffRefused(DomainError):
    """The token is not accepted; `reason` goes to the audit trail, `clock` picks the page."""

    def __init__(self, reason: str, *, account: PortalAccount | None = None) -> None:
        super().__init__("This sign-in to the help site did not work.")
        self.reason = reason
        self.account = account

    @property
    def clock(self) -> bool:
        return self.reason in CLOCK_REASONS


@dataclass(frozen=True)
class HandoffClaims:
    account: PortalAccount
    return_to: str


def portal_issuer(company: Company) -> str:
    return portal_url(company)


def help_site_audience(company: Company) -> str:
    """The `aud` of a company's tokens: its help site's address (core.links.help_url)."""
    return help_url(company)


def help_site_url(company: Company, path: str = "") -> str:
    """An absolute URL on the company's help site (which may be on another host)."""
    return help_url(company, path)


def help_site_secret(company: Company) -> str:
    """The company's signing secret, made (256 random bits, sealed) on first use."""
    key = HelpSiteKey.objects.filter(company=company).first()
    if key is None:
        try:
            with transaction.atomic():
                key = HelpSiteKey.objects.create(
                    company=company, sealed_secret=seal(secrets.token_urlsafe(32))
                )
        except IntegrityError:  # another request made it first: use theirs
            key = HelpSiteKey.objects.get(company=company)
    try:
        return unseal(key.sealed_secret)
    except SealBroken:
        # SECRET_KEY changed without a fallback: a fresh secret (tokens in flight, at most
        # 2 minutes' worth, stop working) instead of an unusable help site.
        log.warning("help site key of company %s could not be unsealed: replaced", company.pk)
        fresh = secrets.token_urlsafe(32)
        HelpSiteKey.objects.filter(pk=key.pk).update(sealed_secret=seal(fresh))
        return fresh


def safe_return_path(company: Company, return_to: str) -> str:
    """`return_to` if it is a plain path on this company's help site, else the site's home.

    Refuses absolute URLs (another host), scheme-relative `//host`, backslashes (browsers
    read `/\\host` as `//host`) and paths outside /h/<slug>/."""
    home = f"/h/{company.slug}/"
    value = (return_to or "").strip()
    if not value or "\\" in value or any(ord(ch) < 32 for ch in value):
        return home
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith(home) or value.startswith("//"):
        return home
    return value


def return_to_is_safe(company: Company, return_to: str) -> bool:
    return not return_to or safe_return_path(company, return_to) == return_to.strip()


def handoff_issue(
    *, company: Company, account: PortalAccount, return_to: str = "", ip_address: str | None
) -> str:
    """A signed token for this signed-in customer, valid 2 minutes, usable once."""
    if account.company_id != company.pk:
        raise DomainError("That portal account belongs to another company.")
    now = timezone.now()
    expires = now + LIFETIME
    jti = secrets.token_urlsafe(24)
    # Tokens are kept until they expire (+ leeway), then they are of no use to anyone.
    HelpHandoff.objects.filter(company=company, expires_at__lt=now - LEEWAY).delete()
    HelpHandoff.objects.create(company=company, jti=jti, account=account, expires_at=expires)
    contact = account.contact
    claims: dict[str, Any] = {
        "iss": portal_issuer(company),
        "aud": help_site_audience(company),
        "sub": str(account.pk),
        "company": company.slug,
        "email": account.email,
        "name": contact.name,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": jti,
        "return_to": safe_return_path(company, return_to),
    }
    access_event(
        company=company,
        account=account,
        ip_address=ip_address,
        verb=Verb.SSO_HANDOFF_SENT,
        message="Went to the help site (single sign-on)",
    )
    return jwt.encode(claims, help_site_secret(company), algorithm=ALGORITHM)


def handoff_verify(*, company: Company, token: str, ip_address: str | None) -> HandoffClaims:
    """The account this token signs in on `company`'s help site, or HandoffRefused (audited
    with its reason and logged)."""
    try:
        claims = _decode(company, token)
        account = _consume(company, claims)
    except HandoffRefused as refused:
        log.warning("help site sign-in refused for company %s: %s", company.slug, refused.reason)
        access_denied(
            company=company,
            reason=refused.reason,
            account=refused.account,
            ip_address=ip_address,
            purpose="help_site",
        )
        raise
    return HandoffClaims(account=account, return_to=safe_return_path(company, claims["return_to"]))


def _decode(company: Company, token: str) -> dict[str, Any]:
    if not token or len(token) > 4096:
        raise HandoffRefused("sso_malformed")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as exc:
        raise HandoffRefused("sso_malformed") from exc
    if header.get("alg") != ALGORITHM:
        raise HandoffRefused("sso_algorithm")
    try:
        claims = jwt.decode(
            token,
            help_site_secret(company),
            algorithms=[ALGORITHM],
            audience=help_site_audience(company),
            issuer=portal_issuer(company),
            leeway=LEEWAY,
            options={"require": ["iss", "aud", "sub", "iat", "exp", "jti", "company"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise HandoffRefused("sso_expired") from exc
    except jwt.ImmatureSignatureError as exc:
        raise HandoffRefused("sso_issued_in_future") from exc
    except jwt.InvalidAudienceError as exc:
        raise HandoffRefused("sso_wrong_audience") from exc
    except jwt.InvalidIssuerError as exc:
        raise HandoffRefused(_other_company_or(token, company, "sso_wrong_issuer")) from exc
    except jwt.InvalidSignatureError as exc:
        raise HandoffRefused(_other_company_or(token, company, "sso_bad_signature")) from exc
    except jwt.InvalidTokenError as exc:
        raise HandoffRefused("sso_malformed") from exc
    if claims["company"] != company.slug:
        raise HandoffRefused("sso_wrong_company")
    if claims["exp"] - claims["iat"] > LIFETIME.total_seconds():
        raise HandoffRefused("sso_lifetime")
    if not return_to_is_safe(company, str(claims.get("return_to", ""))):
        raise HandoffRefused("sso_return_to")
    claims.setdefault("return_to", "")
    return claims


def _other_company_or(token: str, company: Company, reason: str) -> str:
    """Name the common mistake plainly: a token minted for another company's help site."""
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return reason
    return "sso_wrong_company" if unverified.get("company") != company.slug else reason


def _consume(company: Company, claims: dict[str, Any]) -> PortalAccount:
    handoff = (
        HelpHandoff.objects.select_related("account__contact", "account__customer")
        .filter(company=company, jti=claims["jti"])
        .first()
    )
    if handoff is None:
        raise HandoffRefused("sso_unknown_jti")
    account = handoff.account
    if str(account.pk) != claims["sub"]:
        raise HandoffRefused("sso_unknown_jti", account=account)
    # Single use, also for two racing POSTs: only one UPDATE finds used_at empty.
    won = HelpHandoff.objects.filter(pk=handoff.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if won != 1:
        raise HandoffRefused("sso_replayed", account=account)
    if account.state == PortalAccountState.DEACTIVATED:
        raise HandoffRefused("deactivated", account=account)
    if account.email != account.contact.email_address:
        raise HandoffRefused("email_changed", account=account)
    return account
