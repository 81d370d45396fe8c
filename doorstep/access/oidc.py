"""Signing in to the portal with an OpenID Connect provider (Google, Microsoft, the company's
own), configured per company by staff (`IdentityProvider`). docs/access.md, "Identity providers".

Authorization code flow with PKCE (S256), `state` and `nonce`, through Authlib (the requests
client for the authorization URL and the token exchange; its OIDC claim classes, on joserfc,
for the ID token: signature against the provider's JWKS, `iss`, `aud`, `exp`/`iat` with 60 s
leeway, `nonce`, `at_hash`). The attempt (state, nonce, verifier) is stored server-side, tied
to this browser by a cookie and usable once within 10 minutes.

Who it signs in: a provider account already linked (issuer + subject) to a portal account,
or else the one contact of this company whose address is the provider's **verified** email
(`email_verified` true); that link is then remembered. An unverified or unknown email signs
nobody in. A customer who must sign in with SSO (`CustomerSsoRequirement`) can only come in
this way: `sso_required` is checked by every link, code and password path.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from joserfc import jwt as jose_jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.sealed import SealBroken, unseal
from doorstep.core.verbs import Verb
from doorstep.customers.models import Contact
from doorstep.tenancy.models import Company

from .events import access_denied, access_event
from .models import (
    IdentityLink,
    IdentityProvider,
    OidcSignInAttempt,
    PortalAccount,
    PortalAccountState,
)
from .services import portal_account_provision

log = logging.getLogger(__name__)

ATTEMPT_LIFETIME = timedelta(minutes=10)
LEEWAY_SECONDS = 60
HTTP_TIMEOUT = 10
METADATA_CACHE_SECONDS = 3600
SCOPE = "openid email profile"
FAILED = "Signing in with {name} did not work. Try again, or use another way to sign in."


class OidcRefused(DomainError):
    def __init__(self, reason: str, message: str, *, account: PortalAccount | None = None):
        super().__init__(message)
        self.reason = reason
        self.account = account


@dataclass(frozen=True)
class OidcStart:
    authorize_url: str
    browser_key: str  # goes into a cookie; its hash is on the attempt


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def providers_for_sign_in(*, company: Company) -> list[IdentityProvider]:
    return list(IdentityProvider.objects.for_company(company).filter(enabled=True))


def provider_for_sign_in(*, company: Company, provider_id: int) -> IdentityProvider | None:
    return (
        IdentityProvider.objects.for_company(company).filter(pk=provider_id, enabled=True).first()
    )


def provider_metadata(provider: IdentityProvider) -> dict[str, Any]:
    """The provider's discovery document (cached an hour); its issuer must be the one
    configured, or a look-alike could hand out tokens."""
    key = "oidc-metadata:" + _hash(provider.issuer)
    metadata = cache.get(key)
    if metadata is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        response = requests.get(url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
        if metadata.get("issuer") != provider.issuer:
            raise ValueError(f"discovery issuer {metadata.get('issuer')!r} != configured")
        cache.set(key, metadata, METADATA_CACHE_SECONDS)
    return dict(metadata)


def _client(provider: IdentityProvider, redirect_uri: str) -> OAuth2Session:
    try:
        secret = unseal(provider.sealed_client_secret)
    except SealBroken:
        secret = ""
    return OAuth2Session(
        client_id=provider.client_id,
        client_secret=secret or None,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post" if secret else "none",
    )


def oidc_sign_in_begin(
    *, provider: IdentityProvider, redirect_uri: str, next_path: str = ""
) -> OidcStart:
    """Where to send the browser: the provider's authorization URL (state, nonce, PKCE)."""
    metadata = provider_metadata(provider)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(64)
    browser_key = secrets.token_urlsafe(32)
    now = timezone.now()
    OidcSignInAttempt.objects.filter(company=provider.company, expires_at__lt=now).delete()
    OidcSignInAttempt.objects.create(
        company=provider.company,
        provider=provider,
        state_hash=_hash(state),
        browser_hash=_hash(browser_key),
        nonce=nonce,
        code_verifier=verifier,
        next_path=next_path[:300],
        expires_at=now + ATTEMPT_LIFETIME,
    )
    url, _ = _client(provider, redirect_uri).create_authorization_url(
        metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    return OidcStart(authorize_url=url, browser_key=browser_key)


@dataclass(frozen=True)
class OidcSignedIn:
    account: PortalAccount
    next_path: str


def oidc_sign_in_complete(
    *,
    company: Company,
    params: dict[str, str],
    browser_key: str,
    redirect_uri: str,
    ip_address: str | None,
) -> OidcSignedIn:
    """The provider sent the browser back: check everything, then the account to sign in.
    OidcRefused (audited, logged, a plain message) on any failure."""
    try:
        return _complete(company, params, browser_key, redirect_uri)
    except OidcRefused as refused:
        log.warning("identity provider sign-in refused for %s: %s", company.slug, refused.reason)
        access_denied(
            company=company,
            reason=refused.reason,
            account=refused.account,
            ip_address=ip_address,
            purpose="oidc",
        )
        raise


def _complete(
    company: Company, params: dict[str, str], browser_key: str, redirect_uri: str
) -> OidcSignedIn:
    attempt = (
        OidcSignInAttempt.objects.select_related("provider")
        .filter(company=company, state_hash=_hash(params.get("state", "")))
        .first()
    )
    if attempt is None or attempt.browser_hash != _hash(browser_key or "-"):
        raise OidcRefused(
            "oidc_failed", "This sign-in was started in another browser or has expired."
        )
    provider = attempt.provider
    failed = FAILED.format(name=provider.name)
    now = timezone.now()
    won = OidcSignInAttempt.objects.filter(
        pk=attempt.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if won != 1 or not provider.enabled:
        raise OidcRefused("oidc_failed", failed)
    if params.get("error") or not params.get("code"):
        raise OidcRefused("oidc_failed", failed)
    try:
        claims = _verified_claims(provider, attempt, params["code"], redirect_uri)
    except (requests.RequestException, OAuthError, JoseError, ValueError, KeyError) as exc:
        log.warning("identity provider %s: %s", provider.pk, exc)
        raise OidcRefused("oidc_failed", failed) from exc
    account = _account_for(company, provider, claims, failed)
    return OidcSignedIn(account=account, next_path=attempt.next_path)


def _verified_claims(
    provider: IdentityProvider, attempt: OidcSignInAttempt, code: str, redirect_uri: str
) -> dict[str, Any]:
    metadata = provider_metadata(provider)
    client = _client(provider, redirect_uri)
    token = client.fetch_token(
        metadata["token_endpoint"],
        code=code,
        code_verifier=attempt.code_verifier,
        grant_type="authorization_code",
        timeout=HTTP_TIMEOUT,
    )
    if "id_token" not in token:
        raise ValueError("no id_token in the token response")
    jwks = requests.get(metadata["jwks_uri"], timeout=HTTP_TIMEOUT)
    jwks.raise_for_status()
    # Asymmetric algorithms only: an HS256 ID token would be signed with our client secret.
    algorithms = [
        alg
        for alg in metadata.get("id_token_signing_alg_values_supported", ["RS256"])
        if alg.startswith(("RS", "ES", "PS")) or alg == "EdDSA"
    ]
    decoded = jose_jwt.decode(
        token["id_token"],
        KeySet.import_key_set(jwks.json()),
        registry=JWSRegistry(algorithms=algorithms or ["RS256"]),
    )
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {"iss": {"essential": True, "value": provider.issuer}},
        {
            "nonce": attempt.nonce,
            "client_id": provider.client_id,
            "access_token": token.get("access_token"),
        },
    )
    claims.validate(leeway=LEEWAY_SECONDS)
    found = dict(claims)
    if "email" not in found and metadata.get("userinfo_endpoint"):
        info = client.get(metadata["userinfo_endpoint"], timeout=HTTP_TIMEOUT)
        info.raise_for_status()
        extra = info.json()
        if extra.get("sub") == found["sub"]:
            found.update({k: extra[k] for k in ("email", "email_verified", "name") if k in extra})
    return found


def _account_for(
    company: Company, provider: IdentityProvider, claims: dict[str, Any], failed: str
) -> PortalAccount:
    subject = str(claims["sub"])
    link = (
        IdentityLink.objects.select_related("account__contact", "account__customer")
        .filter(company=company, provider=provider, subject=subject)
        .first()
    )
    if link is not None:
        account = link.account
    else:
        email = str(claims.get("email") or "").strip().lower()
        if claims.get("email_verified") is not True or not email:
            raise OidcRefused(
                "oidc_unverified_email",
                f"{provider.name} has not verified your email address, so we cannot tell "
                "which customer you are. Verify it there, or use another way to sign in.",
            )
        contacts = list(Contact.objects.for_company(company).filter(email__iexact=email)[:2])
        if len(contacts) != 1:
            raise OidcRefused(
                "oidc_no_contact",
                f"{email} is not on file with {company.name}. Ask them to add it to your "
                "customer record, or use another way to sign in.",
            )
        contact = contacts[0]
        actor = Actor.portal(email, None)
        account = portal_account_provision(
            company=company, customer=contact.customer, actor=actor, contact=contact
        )
        try:
            with transaction.atomic():
                IdentityLink.objects.create(
                    company=company, provider=provider, subject=subject, account=account
                )
        except IntegrityError:
            pass  # the same provider account signing in twice at once: linked already
        access_event(
            company=company,
            account=account,
            verb=Verb.SSO_IDENTITY_LINKED,
            message=f"Linked to {provider.name} (verified email {email})",
            data={"provider": provider.pk},
        )
    if account.state == PortalAccountState.DEACTIVATED:
        raise OidcRefused("deactivated", failed, account=account)
    if account.email != account.contact.email_address:
        raise OidcRefused("email_changed", failed, account=account)
    return account


def identity_provider_save(
    *,
    company: Company,
    actor: Actor,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str = "",
    enabled: bool = True,
    provider: IdentityProvider | None = None,
) -> IdentityProvider:
    """Staff add or change a provider. The client secret is sealed; blank keeps the old one."""
    from doorstep.core.audit import audit_record
    from doorstep.core.sealed import seal

    created = provider is None
    provider = provider or IdentityProvider(company=company)
    if provider.company_id != company.pk:
        raise DomainError("Choose one of your own identity providers.")
    provider.name = name.strip()
    # Verbatim: it must equal the discovery document's `issuer` (some end in "/", some not).
    provider.issuer = issuer.strip()
    provider.client_id = client_id.strip()
    provider.enabled = enabled
    if client_secret:
        provider.sealed_client_secret = seal(client_secret)
    provider.save()
    cache.delete("oidc-metadata:" + _hash(provider.issuer))
    audit_record(
        company=company,
        target=provider,
        verb=Verb.IDENTITYPROVIDER_CREATED if created else Verb.IDENTITYPROVIDER_CHANGED,
        actor=actor,
        message=f"Identity provider {provider.name} ({provider.issuer}) "
        f"{'added' if created else 'changed'}",
    )
    return provider
