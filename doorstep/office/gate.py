"""The office's one gate: who is signed in, which company this request works in, and whether
their role there allows the page.

A staff member may work for several companies (billing at one, technician at another). The
office always works in ONE company at a time: the one chosen with the company picker (kept in
the session), or the first one by name. Every page gets it as `office.company` and passes it
to selectors as `company=`; no page takes a company id from the request's data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from doorstep.access.portal_sessions import client_ip
from doorstep.core.audit import Actor
from doorstep.core.request_context import request_note
from doorstep.tenancy.models import Company
from doorstep.tenancy.rls import tenant_scope
from doorstep.tenancy.roles import (
    StaffAction,
    StaffMembership,
    staff_may,
    staff_memberships,
)

COMPANY_KEY = "doorstep_office_company"


@dataclass
class Office:
    """The signed-in staff member working in one company, handed to every office view."""

    user: Any
    company: Company
    role: str  # "owner", "office", "billing", "technician" ("operator" for a superuser)
    actor: Actor
    companies: list[StaffMembership] = field(default_factory=list)

    def may(self, action: StaffAction) -> bool:
        return staff_may(user=self.user, company=self.company, action=action)


def _office_companies(user: Any) -> list[StaffMembership]:
    """Where this user may open the office, by company name (memberships are cached per
    request by tenancy.roles, so this costs no query after the first)."""
    rows = [
        m
        for m in staff_memberships(user=user).values()
        if staff_may(user=user, company=m.company_id, action=StaffAction.VIEW_OFFICE)
    ]
    return sorted(rows, key=lambda m: m.company_name.lower())


def office_for(request: HttpRequest) -> Office | None:
    """The office of this request, or None when the user may open no company's office."""
    user = request.user
    if not getattr(user, "is_authenticated", False) or not user.is_staff or not user.is_active:
        return None
    memberships = _office_companies(user)
    wanted = request.session.get(COMPANY_KEY)
    chosen = next((m for m in memberships if m.company_id == wanted), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    if chosen is not None:
        company = Company.objects.get(pk=chosen.company_id)
        role = chosen.role
    elif user.is_superuser:
        # The platform operator without a membership works in the chosen (or first) company.
        company_or_none = (
            Company.objects.filter(pk=wanted).first() if isinstance(wanted, int) else None
        ) or Company.objects.order_by("name").first()
        if company_or_none is None:
            return None
        company, role = company_or_none, "operator"
    else:
        return None
    return Office(
        user=user,
        company=company,
        role=role,
        actor=Actor.staff(user, client_ip(request)),
        companies=memberships,
    )


def office_page(
    action: StaffAction = StaffAction.VIEW_OFFICE,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """`@office_page(StaffAction.X)`: `view(request, office, **kwargs)`, in the company's time
    zone, answered with the office's 403 page when the role does not allow `action`."""

    # HttpResponseBase: a view may answer with a file (FileResponse is a streaming response).
    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not getattr(request.user, "is_authenticated", False):
                return HttpResponseRedirect(
                    f"{settings.LOGIN_URL}?next={quote(request.get_full_path())}"
                )
            office = office_for(request)
            if office is None:
                return render(request, "office/no_office.html", status=403)
            request_note(request, company_id=office.company.pk, actor="staff")
            # The tenant is set for this request's transaction (docs/adr/0003): the company
            # picker's company, one at a time.
            with tenant_scope(office.company), timezone.override(office.company.timezone or "UTC"):
                if not office.may(action):
                    return render(
                        request,
                        "office/forbidden.html",
                        {"office": office, "company": office.company},
                        status=403,
                    )
                response = view(request, office, *args, **kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()  # template responses render in the company's zone too
                return response

        gated.office_action = action  # type: ignore[attr-defined]  # read by the role matrix test
        return gated

    return decorate
