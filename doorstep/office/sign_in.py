"""Staff sign-in and sign-out for the office, and the company picker.

Sign-in is Django's LoginView (its rate of failures is the auth backend's; a new session key at
every sign-in), on the office's own page. `next` is only ever a path on this site."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .gate import COMPANY_KEY, Office, office_page


class OfficeSignIn(LoginView):
    template_name = "office/sign_in.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("office:home")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("office:sign_in")


@require_POST
@office_page()
def switch_company(request: HttpRequest, office: Office) -> HttpResponse:
    """Work in another of the user's companies (only one they may open: anything else is
    ignored and the office stays where it was)."""
    raw = request.POST.get("company", "")
    allowed = {m.company_id for m in office.companies}
    if raw.isdigit() and (int(raw) in allowed or office.user.is_superuser):
        request.session[COMPANY_KEY] = int(raw)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("office:home")
    return HttpResponseRedirect(target)
