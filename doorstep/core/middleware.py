from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import DomainError


class DomainErrorMiddleware:
    """The one place a DomainError escaping a view becomes a plain, branded page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return render(
                request,
                "errors/domain_error.html",
                {"message": exception.message},
                status=exception.status_code,
            )
        return None


NUL_REFUSED = (
    "Part of what was sent contains an invisible control character (NUL) that no field "
    "accepts. Nothing was saved: please type the text again."
)
# Ids are 64-bit integers: a longer number in a URL names no row (SQLite raises OverflowError
# when it is compared with a foreign key).
LARGEST_ID = 2**63 - 1


def _has_nul(request: HttpRequest, *, form: bool) -> bool:
    # Not the path: a NUL there matches no slug or id, and the link pages answer a mangled
    # token with their own friendly page ("Email me a sign-in link").
    # POST is empty unless a form was posted; files (request.FILES) are not looked at.
    for query in (request.GET, request.POST) if form else (request.GET,):
        for key, values in query.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


class RefuseUnstorableInputMiddleware:
    """Input no column can hold is refused here, once for every page.

    - A NUL byte (\\x00) in the query string or a posted form: PostgreSQL text cannot
      hold it, so a search box or any value read without a form CharField (which refuses it
      itself) ended in a DataError and a server error. Nobody types one: 400, plain message.
    - A number in the URL beyond the 64-bit id range: 404, like any id that names no row.

    Views exempt from CSRF (webhooks) read their raw body themselves: their form data is not
    parsed here, or they could no longer read it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if _has_nul(request, form=not getattr(view_func, "csrf_exempt", False)):
            return render(request, "errors/domain_error.html", {"message": NUL_REFUSED}, status=400)
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > LARGEST_ID:
                raise Http404("No such page.")
        return None
