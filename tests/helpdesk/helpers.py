"""Signing a customer in on the help site in tests (what single sign-on does for real)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from doorstep.helpdesk.identity import help_session_start


def help_client(client: Client, company: Any, account: Any) -> Client:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    help_session_start(request, company=company, account=account, via="test")
    request.session.save()
    client.cookies[settings.HELP_SESSION_COOKIE_NAME] = request.session.session_key
    return client
