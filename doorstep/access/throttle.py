"""Rate limits kept in the database, so every web process and worker shares them.

`throttle_hit` records one event; `throttle_exceeded` counts events in a window. Keys are
hashed (emails and IP addresses are personal data; the limit only needs equality).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

from .models import ThrottleHit

# bucket -> (events allowed, window)
LIMITS: dict[str, tuple[int, timedelta]] = {
    # At most one email per address per minute (links, codes, resets, verifications).
    "email_sent": (1, timedelta(minutes=1)),
    # Requests for an email from one IP address (any address asked for).
    "email_request_ip": (20, timedelta(hours=1)),
    # Wrong 6-digit codes or passwords from one IP address.
    "code_fail_ip": (20, timedelta(hours=1)),
    "password_fail_ip": (30, timedelta(hours=1)),
    # Limits on what is guessed, keyed on the address typed (whether or not it has an
    # account, so the answer never tells which addresses do):
    # wrong codes for one address per day, across every link it was sent (each new link
    # brings 5 more tries; this caps the odds at 10 in a million a day);
    "code_fail_address": (10, timedelta(days=1)),
    # wrong passwords for one address: a pause, not a lock-out the attacker can keep up for ever.
    "password_fail_address": (5, timedelta(minutes=15)),
    # Unknown link tokens presented from one IP address (scanning). Live links still open
    # for their owners when their address is over it: a 256-bit token is not guessable, so
    # this limit only stops the flood, never a customer (doorstep.portal.link_refusals.refused).
    "bad_link_ip": (30, timedelta(hours=1)),
    # The help site's public request form (doorstep/helpdesk, SECURITY.md 25): requests from
    # one IP address and for one email address, and verification emails to one address.
    "help_ticket_ip": (10, timedelta(hours=1)),
    "help_ticket_address": (5, timedelta(hours=1)),
    "help_verify_address": (3, timedelta(days=1)),
    # Wrong two-step codes for one account across every attempt (5 per attempt, but the
    # password can be typed again): caps a password holder's guesses at 20 a day.
    "two_step_fail_account": (20, timedelta(days=1)),
}


def _key(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


def throttle_exceeded(bucket: str, value: str | None) -> bool:
    if not value:
        return False
    allowed, window = LIMITS[bucket]
    since = timezone.now() - window
    count = ThrottleHit.objects.filter(
        bucket=bucket, key_hash=_key(value), created_at__gt=since
    ).count()
    return count >= allowed


def throttle_hit(bucket: str, value: str | None) -> None:
    if value:
        ThrottleHit.objects.create(bucket=bucket, key_hash=_key(value), created_at=timezone.now())


def throttle_prune() -> int:
    """Delete hits older than the longest window (run daily by the scheduler)."""
    longest = max(window for _, window in LIMITS.values())
    deleted, _ = ThrottleHit.objects.filter(created_at__lt=timezone.now() - longest).delete()
    return deleted
