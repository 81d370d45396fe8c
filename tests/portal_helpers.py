"""Signing a test client into the portal the way the app does (a real PortalSession row)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client

from doorstep.access.models import SessionScope
from doorstep.access.portal_sessions import portal_cookie_path, portal_session_create


def sign_in(
    client: Client, account: Any, *, scope: str = SessionScope.FULL, invoice: Any = None
) -> Any:
    session, raw = portal_session_create(account=account, scope=scope, invoice=invoice)
    client.cookies[settings.PORTAL_SESSION_COOKIE] = raw
    client.cookies[settings.PORTAL_SESSION_COOKIE]["path"] = portal_cookie_path(account.company)
    return session
