from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from doorstep.tenancy.models import Company


class BackOfficeSite(admin.AdminSite):
    site_header = "Doorstep back office"
    site_title = "Doorstep"
    index_title = "Your company"

    def has_permission(self, request: HttpRequest) -> bool:
        # Staff means: an active user with a company membership (or a superuser).
        from .tenant_admin import is_company_staff

        return bool(request.user.is_active and is_company_staff(request))

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        user = request.user
        if user.is_authenticated and not user.is_superuser:
            from .tenant_admin import staff_company_ids

            ids = staff_company_ids(request)
            if len(ids) == 1:
                # The staff member sees whose office this is on every page.
                name = Company.objects.filter(pk=ids[0]).values_list("name", flat=True).first()
                context["site_header"] = f"{name} · Doorstep back office"
        return context
