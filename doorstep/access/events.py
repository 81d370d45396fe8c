"""Audit rows for access: sign-ins, failures, links sent and used, denials.

They land on the portal account when one is known (staff read them on the customer's page),
else on the company. Tokens, codes and passwords never go in; emails only in the message of
events about that account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorstep.adoption.ledger import activity_record
from doorstep.adoption.models import ActivityVerb, Channel
from doorstep.core.audit import Actor, audit_record
from doorstep.core.models import AuditEvent
from doorstep.core.verbs import Verb

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

# Why a link, code or password was refused; the words staff read in the audit trail.
DENIAL_REASONS = {
    "malformed": "a malformed link",
    "unknown": "a link that does not exist",
    "wrong_company": "a link of another company",
    "used": "a link that was already used",
    "superseded": "a link replaced by a newer one",
    "expired": "an expired link",
    "revoked": "a link revoked by staff",
    "deactivated": "a deactivated account",
    "email_changed": "a link sent to an old email address",
    "portal_off": "the portal while it is switched off",
    "invoice_closed": "an invoice link after the invoice was paid over 30 days ago or voided",
    "code_wrong": "a wrong sign-in code",
    "code_unknown": "a sign-in code with no live link",
    "code_malformed": "a sign-in code that is not 6 digits",
    "password_wrong": "a wrong password",
    "password_throttled": "too many password attempts",
    "not_allowed": "a sign-in method this company does not offer",
    # single sign-on (help_handoff.py, help_nonces.py, oidc.py)
    "sso_malformed": "a help site sign-in token that is not a token",
    "sso_algorithm": "a help site sign-in token not signed with HS256",
    "sso_expired": "an expired help site sign-in token (clock?)",
    "sso_issued_in_future": "a help site sign-in token issued in the future (clock?)",
    "sso_wrong_audience": "a help site sign-in token for another site",
    "sso_wrong_issuer": "a help site sign-in token from another issuer",
    "sso_bad_signature": "a help site sign-in token with a bad signature",
    "sso_wrong_company": "a help site sign-in token of another company",
    "sso_lifetime": "a help site sign-in token living over 2 minutes",
    "sso_return_to": "a help site sign-in token returning to another site",
    "sso_unknown_jti": "a help site sign-in token that was never issued",
    "sso_replayed": "a help site sign-in token used a second time",
    "nonce_malformed": "a malformed single sign-on nonce",
    "nonce_unknown": "a single sign-on nonce that does not exist",
    "nonce_used": "a single sign-on nonce that was already used",
    "nonce_expired": "an expired single sign-on nonce",
    "nonce_other_account": "a single sign-on nonce of another account",
    "nonce_other_browser": "a single sign-on nonce of another browser",
    "nonce_not_approved": "a single sign-on nonce the customer did not approve",
    "sso_required": "a link, code or password for a customer who must sign in with SSO",
    "two_step_wrong": "a wrong two-step code",
    "two_step_locked": "a two-step sign-in after 5 wrong codes",
    "two_step_expired": "an expired or unknown two-step sign-in",
    "oidc_failed": "a failed identity provider sign-in",
    "oidc_unverified_email": "an identity provider email that is not verified",
    "oidc_no_contact": "an identity provider email that matches no contact",
}


def access_event(
    *,
    company: Company,
    verb: Verb,
    account: Any = None,
    ip_address: str | None = None,
    actor: Actor | None = None,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    target = account if account is not None else company
    who = actor or Actor.portal(account.email if account is not None else "Visitor", ip_address)
    event = audit_record(
        company=company, target=target, verb=verb, actor=who, message=message, data=data
    )
    if account is not None and verb in ADOPTION_VERBS:
        verb_of, channel = ADOPTION_VERBS[verb]
        activity_record(
            company=company,
            verb=verb_of,
            object_type="portal_account",
            object_id=account.pk,
            actor_type=who.type,
            customer_id=account.customer_id,
            contact_id=account.contact_id,
            channel=channel,
        )
    return event


# The access events that are portal adoption (docs/adoption.md): any link or invitation
# emailed invites; a completed sign-in (link, code, password, SSO, the invoice link's
# confirming POST) activates.
ADOPTION_VERBS = {
    Verb.PORTAL_LINK_SENT: (ActivityVerb.INVITED, Channel.EMAIL),
    Verb.PORTAL_SIGNED_IN: (ActivityVerb.SIGNED_IN, Channel.PORTAL),
    Verb.PORTAL_INVOICE_LINK_USED: (ActivityVerb.SIGNED_IN, Channel.INVOICE_LINK),
}


def access_denied(
    *,
    company: Company,
    reason: str,
    account: Any = None,
    ip_address: str | None = None,
    purpose: str = "",
) -> AuditEvent:
    words = DENIAL_REASONS.get(reason, reason)
    return access_event(
        company=company,
        verb=Verb.ACCESS_DENIED,
        account=account,
        ip_address=ip_address,
        message=f"Refused {words}",
        data={"reason": reason, "purpose": purpose},
    )
