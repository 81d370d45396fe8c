"""Staff sessions end when idle and when the user's roles change.

- Idle: after `STAFF_SESSION_IDLE_HOURS` (default 8) without a request the session is ended
  and the next page asks to sign in again. The time of the last request is written to the
  session at most once a minute, so browsing does not write a session row per page.
- Roles: the session remembers a fingerprint of the user's memberships (company, role) and
  staff flags taken at sign-in. When a membership is added, changes role or is removed (or the
  user loses staff/superuser), the fingerprint no longer matches and the session is ended
  at its next request: nobody keeps working on rights they signed in with but no longer have.
  The memberships are the ones every back-office page reads anyway (no extra query).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout, user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from doorstep.tenancy.roles import staff_memberships

LAST_SEEN = "doorstep_staff_last_seen"
ROLES = "doorstep_staff_roles"
LAST_SEEN_RESOLUTION = 60  # seconds: how stale the stored "last request" time may be


def roles_fingerprint(user: Any) -> str:
    rights = sorted((m.company_id, m.role) for m in staff_memberships(user=user).values())
    text = repr((bool(user.is_staff), bool(user.is_superuser), bool(user.is_active), rights))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _now() -> float:
    return timezone.now().timestamp()


@receiver(user_logged_in)
def staff_session_start(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = _now()
        request.session[ROLES] = roles_fingerprint(user)


def _why_ended(request: HttpRequest, now: float) -> str | None:
    session = request.session
    last_seen = session.get(LAST_SEEN)
    idle_limit = settings.STAFF_SESSION_IDLE_HOURS * 3600
    if last_seen is not None and now - float(last_seen) > idle_limit:
        return (
            f"You were signed out after {settings.STAFF_SESSION_IDLE_HOURS} hours "
            "without activity. Sign in again to continue."
        )
    known = session.get(ROLES)
    if known is not None and known != roles_fingerprint(request.user):
        return "Your access changed. Sign in again to continue."
    return None


class StaffSessionMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only requests that carry a staff session; portal pages without one cost nothing.
        if SESSION_KEY in request.session and request.user.is_authenticated:
            now = _now()
            reason = _why_ended(request, now)
            if reason is not None:
                logout(request)  # flushes the session: the old key is deleted, a new one used
                messages.info(request, reason)
            else:
                session = request.session
                last_seen = session.get(LAST_SEEN)
                if last_seen is None or now - float(last_seen) > LAST_SEEN_RESOLUTION:
                    session[LAST_SEEN] = now
                if session.get(ROLES) is None:  # a session from before this rule
                    session[ROLES] = roles_fingerprint(request.user)
        return self.get_response(request)
