"""Two-step sign-in for password accounts (TOTP, RFC 6238, with recovery codes).

A customer who signs in with a password may turn it on: after a right password the portal
asks for the 6-digit code of an authenticator app (or a single-use recovery code) before any
session exists. The half-signed-in state (TwoStepChallenge) lives 5 minutes, is tied to the
browser by a cookie, and is locked after 5 wrong codes. A code is never accepted twice: the
30-second step of the last accepted code is kept. Sign-in links and emailed codes do not ask
for it: they prove the email address, which is what a password reset would prove anyway.

TOTP is implemented here (hmac + hashlib, ~20 lines, tested against the RFC's vectors): the
environment has neither pyotp nor segno, so no QR code is drawn; the secret is shown grouped
for typing plus the otpauth:// link (docs/access.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.links import portal_url
from doorstep.core.sealed import SealBroken, seal, unseal
from doorstep.core.verbs import Verb
from doorstep.notifications.services import notification_enqueue
from doorstep.tenancy.models import Company

from .events import access_denied, access_event
from .models import PortalAccount, RecoveryCode, TwoStep, TwoStepChallenge
from .portal_sessions import token_hash
from .throttle import throttle_exceeded, throttle_hit

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # one step either side: a phone clock 30 s off still works
CHALLENGE_LIFE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper
_RECOVERY_SHAPE = re.compile(r"^[a-z0-9]{5}-?[a-z0-9]{5}$")

WRONG_CODE = "That code does not work. Check the time on your phone and try the newest code."


# --- RFC 4226 / RFC 6238 ---------------------------------------------------------------------


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, digest)).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def totp(key: bytes, at: float, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    return hotp(key, int(at) // STEP_SECONDS, digits=digits, digest=digest)


def new_secret() -> str:
    """160 random bits, base32 without padding (what authenticator apps expect)."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def secret_key(secret_b32: str) -> bytes:
    padded = secret_b32.upper() + "=" * (-len(secret_b32) % 8)
    return base64.b32decode(padded)


def secret_grouped(secret_b32: str) -> str:
    return " ".join(secret_b32[i : i + 4] for i in range(0, len(secret_b32), 4))


def otpauth_uri(*, secret_b32: str, company: Company, email: str) -> str:
    label = quote(f"{company.name}:{email}")
    query = urlencode({"secret": secret_b32, "issuer": company.name, "digits": DIGITS})
    return f"otpauth://totp/{label}?{query}&period={STEP_SECONDS}"


def _matching_step(secret_b32: str, code: str, *, after: int, now: datetime) -> int | None:
    """The step (within the drift window, later than `after`) whose code is `code`."""
    code = (code or "").replace(" ", "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    key = secret_key(secret_b32)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > after and hmac.compare_digest(hotp(key, step), code):
            return step
    return None


# --- Recovery codes --------------------------------------------------------------------------


def _recovery_hash(code: str) -> str:
    plain = code.strip().lower().replace("-", "").replace(" ", "")
    return salted_hmac("doorstep.access.recovery", plain).hexdigest()


def _recovery_codes_make(account: PortalAccount) -> list[str]:
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    recovery_codes_store(account=account, codes=codes)
    return codes


def recovery_codes_store(*, account: PortalAccount, codes: list[str]) -> None:
    """The account's recovery codes are these (hashed; the old ones stop working). Made by
    `_recovery_codes_make`; the demo stores a documented set (docs/demo-data.md)."""
    RecoveryCode.objects.filter(account=account).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(company=account.company, account=account, code_hash=_recovery_hash(code))
        for code in codes
    )


def recovery_codes_left(*, company: Company, account: PortalAccount) -> int:
    return (
        RecoveryCode.objects.for_company(company)
        .filter(account=account, used_at__isnull=True)
        .count()
    )


# --- State -----------------------------------------------------------------------------------


def two_step_for(*, company: Company, account: PortalAccount) -> TwoStep | None:
    return TwoStep.objects.for_company(company).filter(account=account).first()


def two_step_is_on(*, company: Company, account: PortalAccount) -> bool:
    return (
        TwoStep.objects.for_company(company)
        .filter(account=account, confirmed_at__isnull=False)
        .exists()
    )


def _notice(account: PortalAccount, *, subject: str, heading: str, body: str) -> None:
    company = account.company
    notification_enqueue(
        company=company,
        recipient=account.email,
        template="notice",
        context={
            "subject": f"{subject} ({company.name} portal)",
            "heading": heading,
            "body": body,
            "button_url": portal_url(company, "password/forgot"),
            "button_label": "Reset my password",
        },
    )


NOT_YOU = (
    " If this was you, there is nothing to do. If it was not, reset your password now and call us."
)


# --- Setting up, codes, turning off ----------------------------------------------------------


@transaction.atomic
def two_step_setup_begin(*, company: Company, account: PortalAccount) -> TwoStep:
    """A fresh secret to scan; two-step is not on until a code from it is confirmed."""
    if not account.password:
        raise DomainError("Two-step sign-in is for signing in with a password; set one first.")
    current = two_step_for(company=company, account=account)
    if current is not None and current.confirmed_at is not None:
        raise DomainError("Two-step sign-in is already on.")
    if current is not None:
        current.delete()
    return TwoStep.objects.create(
        company=company, account=account, sealed_secret=seal(new_secret())
    )


def two_step_secret(device: TwoStep) -> str:
    try:
        return unseal(device.sealed_secret)
    except SealBroken as exc:
        raise DomainError(
            "Your two-step secret can no longer be read. Ask us to reset two-step sign-in."
        ) from exc


@transaction.atomic
def two_step_setup_confirm(
    *, company: Company, account: PortalAccount, code: str, ip_address: str | None
) -> list[str]:
    """The customer typed a current code: two-step is on. Returns the 10 recovery codes,
    shown once (only their HMACs are kept)."""
    device = (
        TwoStep.objects.for_company(company)
        .select_for_update()
        .filter(account=account, confirmed_at__isnull=True)
        .first()
    )
    if device is None:
        raise DomainError("Start setting up two-step sign-in again.")
    step = _matching_step(two_step_secret(device), code, after=0, now=timezone.now())
    if step is None:
        raise DomainError(WRONG_CODE, field="code")
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    codes = _recovery_codes_make(account)
    access_event(
        company=company, account=account, ip_address=ip_address,
        verb=Verb.PORTAL_TWO_STEP_ON, message="Two-step sign-in turned on",
    )  # fmt: skip
    _notice(
        account,
        subject="Two-step sign-in is on",
        heading="Two-step sign-in is on",
        body="Signing in with your password now also asks for a code from your "
        "authenticator app." + NOT_YOU,
    )
    return codes


@transaction.atomic
def recovery_codes_regenerate(
    *, company: Company, account: PortalAccount, ip_address: str | None
) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not two_step_is_on(company=company, account=account):
        raise DomainError("Two-step sign-in is off: there are no recovery codes.")
    codes = _recovery_codes_make(account)
    access_event(
        company=company, account=account, ip_address=ip_address,
        verb=Verb.PORTAL_RECOVERY_CODES_NEW, message="New recovery codes made (old ones void)",
    )  # fmt: skip
    return codes


def _off(account: PortalAccount) -> None:
    TwoStep.objects.filter(account=account).delete()
    RecoveryCode.objects.filter(account=account).delete()
    TwoStepChallenge.objects.filter(account=account, used_at__isnull=True).delete()


@transaction.atomic
def two_step_turn_off(
    *, company: Company, account: PortalAccount, proof: str, ip_address: str | None
) -> None:
    """Off, if `proof` is the account's password, a current code or a recovery code."""
    device = (
        TwoStep.objects.for_company(company)
        .select_for_update()
        .filter(account=account, confirmed_at__isnull=False)
        .first()
    )
    if device is None:
        raise DomainError("Two-step sign-in is already off.")
    proof = proof or ""
    ok = bool(proof) and (
        (bool(account.password) and check_password(proof, account.password))
        or _accept_code(device, proof) is not None
    )
    if not ok:
        raise DomainError(
            "That is not your password or a current code. Nothing was changed.", field="proof"
        )
    _off(account)
    access_event(
        company=company, account=account, ip_address=ip_address,
        verb=Verb.PORTAL_TWO_STEP_OFF, message="Two-step sign-in turned off by the customer",
    )  # fmt: skip
    _notice(
        account,
        subject="Two-step sign-in is off",
        heading="Two-step sign-in was turned off",
        body="Signing in with your password no longer asks for a code." + NOT_YOU,
    )


@transaction.atomic
def two_step_reset_by_staff(*, company: Company, account: PortalAccount, actor: Actor) -> None:
    """The office turns two-step off (a customer lost their phone and their codes)."""
    if not two_step_is_on(company=company, account=account):
        raise DomainError("Two-step sign-in is not on for this customer.")
    _off(account)
    access_event(
        company=company, account=account, actor=actor,
        verb=Verb.PORTAL_TWO_STEP_RESET, message="Two-step sign-in reset by the office",
    )  # fmt: skip
    _notice(
        account,
        subject="Two-step sign-in was reset",
        heading="Our office turned off your two-step sign-in",
        body="You can sign in with your password alone and set up two-step sign-in again "
        "from your account page." + NOT_YOU,
    )


def _accept_code(device: TwoStep, code: str) -> str | None:
    """'totp' or 'recovery' if the code is good (and marks it used); else None.
    The caller holds the row lock on `device`."""
    step = _matching_step(two_step_secret(device), code, after=device.last_step, now=timezone.now())
    if step is not None:
        TwoStep.objects.filter(pk=device.pk).update(last_step=step)
        device.last_step = step
        return "totp"
    cleaned = (code or "").strip().lower().replace(" ", "")
    if _RECOVERY_SHAPE.match(cleaned):
        used = RecoveryCode.objects.filter(
            account_id=device.account_id,
            code_hash=_recovery_hash(cleaned),
            used_at__isnull=True,
        ).update(used_at=timezone.now())
        if used:
            return "recovery"
    return None


# --- The second step of signing in -----------------------------------------------------------


def two_step_challenge_start(*, company: Company, account: PortalAccount) -> str:
    """After a right password: the browser key for the cookie of the second step."""
    key = secrets.token_urlsafe(32)
    TwoStepChallenge.objects.create(
        company=company,
        account=account,
        browser_hash=token_hash(key),
        expires_at=timezone.now() + CHALLENGE_LIFE,
    )
    return key


def two_step_challenge_pending(*, company: Company, browser_key: str) -> bool:
    """Whether this browser has a live half-signed-in state (for showing the page)."""
    if not browser_key:
        return False
    return (
        TwoStepChallenge.objects.for_company(company)
        .filter(
            browser_hash=token_hash(browser_key),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            attempts__lt=MAX_ATTEMPTS,
        )
        .exists()
    )


class ChallengeOver(DomainError):
    """The half-signed-in state expired, was locked or never existed: sign in again."""


def two_step_challenge_answer(
    *, company: Company, browser_key: str, code: str, ip_address: str | None
) -> PortalAccount:
    """The account to start a session for, once its code (or a recovery code) is right.
    DomainError for a wrong code (try again), ChallengeOver when the attempt is finished.
    The count of wrong codes is committed before either is raised."""
    account, outcome = _answer(company, browser_key, code, ip_address)
    if outcome == "expired":
        raise ChallengeOver("That sign-in took more than 5 minutes. Sign in again.")
    if outcome == "locked":
        raise ChallengeOver("Too many wrong codes. Sign in with your password again.")
    if outcome == "wrong":
        raise DomainError(WRONG_CODE, field="code")
    assert account is not None
    return account


@transaction.atomic
def _answer(
    company: Company, browser_key: str, code: str, ip_address: str | None
) -> tuple[PortalAccount | None, str]:
    challenge = (
        TwoStepChallenge.objects.for_company(company)
        .select_for_update()
        .select_related("account")
        .filter(browser_hash=token_hash(browser_key or "-"), used_at__isnull=True)
        .first()
    )
    if challenge is None or challenge.expires_at <= timezone.now():
        access_denied(
            company=company, reason="two_step_expired", ip_address=ip_address,
            account=challenge.account if challenge else None,
        )  # fmt: skip
        return None, "expired"
    account = challenge.account
    account_key = f"{company.pk}:{account.pk}"
    if challenge.attempts >= MAX_ATTEMPTS or throttle_exceeded(
        "two_step_fail_account", account_key
    ):
        access_denied(
            company=company, reason="two_step_locked", ip_address=ip_address, account=account
        )
        return None, "locked"
    device = (
        TwoStep.objects.for_company(company)
        .select_for_update()
        .filter(account=account, confirmed_at__isnull=False)
        .first()
    )
    kind = _accept_code(device, code) if device is not None else None
    if kind is None:
        challenge.attempts += 1
        challenge.save(update_fields=["attempts"])
        throttle_hit("two_step_fail_account", account_key)
        locked = challenge.attempts >= MAX_ATTEMPTS
        access_denied(
            company=company, account=account, ip_address=ip_address,
            reason="two_step_locked" if locked else "two_step_wrong",
        )  # fmt: skip
        return None, "locked" if locked else "wrong"
    challenge.used_at = timezone.now()
    challenge.save(update_fields=["used_at"])
    if kind == "recovery":
        left = recovery_codes_left(company=company, account=account)
        access_event(
            company=company, account=account, ip_address=ip_address,
            verb=Verb.PORTAL_RECOVERY_CODE_USED,
            message=f"Signed in with a recovery code ({left} left)",
        )  # fmt: skip
        _notice(
            account,
            subject="A recovery code was used",
            heading="A recovery code was used to sign in",
            body=f"Someone signed in to your portal account with one of your recovery codes. "
            f"{left} unused codes are left; you can make new ones on your account page." + NOT_YOU,
        )
    return account, "ok"
