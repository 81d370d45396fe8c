from functools import wraps
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import SimpleTemplateResponse
from django.utils import timezone

from doorstep.tenancy.roles import StaffAction, staff_may_somewhere, staff_memberships

from .input_checks import IDS_REFUSED, posted_ids_refused


class BackOfficeSite(admin.AdminSite):
    site_header = "Doorstep back office"
    site_title = "Doorstep"
    index_title = "Your company"

    def has_permission(self, request: HttpRequest) -> bool:
        # Staff means: an active staff user with a company membership (or a superuser).
        return staff_may_somewhere(user=request.user, action=StaffAction.VIEW_OFFICE)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Every back-office page runs in the staff member's company time zone: a visit typed
        as 14:00 is 14:00 where the company is (and where its customers read it), not UTC."""
        inner = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)  # the ModelAdmin of a bound view

        @wraps(view)
        def in_company_time(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if posted_ids_refused(model_admin, request):
                return render(
                    request, "errors/domain_error.html", {"message": IDS_REFUSED}, status=400
                )
            zone = staff_time_zone(request)
            if zone is None:
                return inner(request, *args, **kwargs)
            with timezone.override(zone):
                response = inner(request, *args, **kwargs)
                if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                    response.render()  # admin pages render late: still in the company's zone
                return response

        return in_company_time

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        user = request.user
        if user.is_authenticated and not user.is_superuser:
            memberships = list(staff_memberships(user=user).values())
            if len(memberships) == 1:
                # The staff member sees whose office this is on every page.
                name = memberships[0].company_name
                context["site_header"] = f"{name} · Doorstep back office"
        return context


def staff_time_zone(request: HttpRequest) -> str | None:
    """The time zone of the staff member's companies when they all share one (else UTC)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    # From the memberships already read for the permission checks: no query of its own.
    zones = {m.company_timezone for m in staff_memberships(user=user).values()}
    return zones.pop() if len(zones) == 1 else None
