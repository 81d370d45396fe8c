"""Who a request is for, noted once by the gates, read by the request log line and metrics.

The request id travels in a context variable so every log line written while the request (or
a task it ran inline) is handled carries it; the error pages show it so support can find the
line. Company and actor are noted by the gates (portal, office, API), the only places that
know them: the log never guesses from the path.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest

# A caller's X-Request-ID is kept only when it is short and plain, so a forged header can
# neither break the JSON log line nor smuggle a token or an address into it.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")

ACTORS = ("customer", "staff", "api", "anonymous")


@dataclass
class RequestContext:
    request_id: str
    company_id: int | None = None
    actor: str = "anonymous"


_current: ContextVar[RequestContext | None] = ContextVar("doorstep_request", default=None)


def request_id_choose(incoming: str | None) -> str:
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def request_context_begin(request_id: str) -> RequestContext:
    context = RequestContext(request_id=request_id)
    _current.set(context)
    return context


def request_context_end() -> None:
    _current.set(None)


def current_request() -> RequestContext | None:
    return _current.get()


def current_request_id() -> str:
    context = _current.get()
    return context.request_id if context else ""


def request_note(request: HttpRequest, *, company_id: int | None, actor: str) -> None:
    """Called by a gate once it knows whose request this is (actor: one of ACTORS)."""
    context = getattr(request, "doorstep_context", None)
    if context is None:
        return  # the request did not come through RequestLogMiddleware (a unit test's factory)
    context.company_id = company_id
    context.actor = actor
