"""Password mode (a per-company option): set a password from an emailed link, sign in with
it, reset it. Django's hashers and validators (min 8, common-password list, no composition
rules); failures are throttled per typed address (known or not) and per IP address.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core.errors import DomainError
from doorstep.core.links import portal_url
from doorstep.core.verbs import Verb
from doorstep.notifications.services import notification_enqueue
from doorstep.tenancy.models import Company

from .events import access_denied, access_event
from .models import LinkPurpose, LoginLink, PortalAccount, PortalAccountState
from .portal_sessions import portal_sessions_end_all
from .services import account_for_email, login_link_consume
from .throttle import throttle_exceeded, throttle_hit

MAX_PASSWORD_LENGTH = 1024  # long passphrases welcome; this only stops absurd payloads
# Spends the same hashing time when the address is unknown, so timing does not tell.
_DUMMY_HASH = make_password("doorstep-not-a-real-password")


def _who(account: PortalAccount | None) -> Any:
    """What the similarity validator compares the password with. The address's local part
    is given whole ("ahmed.jones"): Django splits an email on punctuation and compares the
    pieces, so "ahmed.jones" for ahmed.jones@example.com would pass. An unsaved User: the
    validator names the matching field in its message."""
    if account is None:
        return None
    email = account.email or ""
    contact_name = getattr(account.contact, "name", "") if account.contact_id else ""
    return get_user_model()(
        username=email.split("@", 1)[0], email=email, first_name=contact_name[:150]
    )


def password_problems(password: str, account: PortalAccount | None = None) -> list[str]:
    if len(password) > MAX_PASSWORD_LENGTH:
        return [f"Use at most {MAX_PASSWORD_LENGTH} characters."]
    try:
        validate_password(password, user=_who(account))
    except ValidationError as exc:
        # A customer has no username: the local part of their address stands in for it.
        return [m.replace("the username", "your email address") for m in exc.messages]
    return []


@transaction.atomic
def password_set_from_link(
    *, link: LoginLink, password: str, ip_address: str | None, sign_out_everywhere: bool = False
) -> None:
    """Invitation, registration or reset link: the link is used, the password set. No
    automatic sign-in: the customer signs in with the new password."""
    problems = password_problems(password, link.account)
    if problems:
        raise DomainError(" ".join(problems), field="password")
    login_link_consume(link=link)
    account = link.account
    now = timezone.now()
    account.password = make_password(password)
    account.email_verified_at = account.email_verified_at or now
    if account.state == PortalAccountState.INVITED:
        account.state = PortalAccountState.ACTIVE
    account.save(update_fields=["password", "email_verified_at", "state"])
    reset = link.purpose == LinkPurpose.PASSWORD_RESET
    access_event(
        company=link.company,
        account=account,
        ip_address=ip_address,
        verb=Verb.PORTAL_PASSWORD_RESET if reset else Verb.PORTAL_PASSWORD_SET,
        message="Password reset from the emailed link" if reset else "Password chosen",
    )
    if sign_out_everywhere:
        ended = portal_sessions_end_all(account=account)
        access_event(
            company=link.company, account=account, ip_address=ip_address,
            verb=Verb.PORTAL_SIGNED_OUT_EVERYWHERE,
            message=f"Signed out everywhere with the new password ({ended} sessions ended)",
        )  # fmt: skip
    if reset:
        _password_changed_notice(account)


def _password_changed_notice(account: PortalAccount) -> None:
    company = account.company
    notification_enqueue(
        company=company,
        recipient=account.email,
        template="notice",
        context={
            "subject": f"Your {company.name} portal password was changed",
            "heading": "Your password was changed",
            "body": "The password of your portal account was just changed. If this was you, "
            "there is nothing to do. If it was not, reset your password now and sign out "
            "everywhere from the portal, or call us.",
            "button_url": portal_url(company, "password/forgot"),
            "button_label": "Reset my password",
        },
    )


def password_sign_in_check(
    *, company: Company, email: str, password: str, ip: str | None
) -> PortalAccount:
    """The account if the password is right; else DomainError with one message for every
    kind of failure (unknown address, wrong password, no password yet, deactivated)."""
    wrong = DomainError("That email and password do not match. Try again or reset your password.")
    if throttle_exceeded("password_fail_ip", ip):
        access_denied(company=company, reason="password_throttled", ip_address=ip)
        raise DomainError("Too many attempts. Wait 15 minutes or reset your password.")
    account = account_for_email(company=company, email=email)
    # Counted per typed address, account or not: a known address must not be the only kind
    # that ever says "Too many attempts".
    if throttle_exceeded("password_fail_address", email):
        access_denied(company=company, reason="password_throttled", account=account, ip_address=ip)
        raise DomainError("Too many attempts. Wait 15 minutes or reset your password.")
    ok = check_password(password, account.password if account and account.password else _DUMMY_HASH)
    usable = (
        account is not None
        and bool(account.password)
        and account.email_verified_at is not None
        and account.state != PortalAccountState.DEACTIVATED
    )
    if not (ok and usable):
        throttle_hit("password_fail_ip", ip)
        throttle_hit("password_fail_address", email)
        reason = (
            "deactivated"
            if account is not None and account.state == PortalAccountState.DEACTIVATED
            else "password_wrong"
        )
        access_denied(company=company, reason=reason, account=account, ip_address=ip)
        raise wrong
    assert account is not None
    return account
